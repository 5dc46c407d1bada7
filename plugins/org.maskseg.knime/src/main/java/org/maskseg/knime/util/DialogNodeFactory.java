package org.maskseg.knime.util;

import org.knime.core.node.NodeDialogPane;
import org.knime.core.node.NodeFactory;
import org.knime.core.node.NodeModel;
import org.knime.core.node.NodeView;

/**
 * The factory of a MaskSeg node with a dialog and no views (all but the Masked Trainer): a subclass says only which
 * model and which dialog.
 *
 * @param <T> the node model
 */
public abstract class DialogNodeFactory<T extends NodeModel> extends NodeFactory<T> {

    @Override
    protected final int getNrNodeViews() {
        return 0;
    }

    /** Never called: KNIME asks for no view when the view count is 0. */
    @Override
    public final NodeView<T> createNodeView(final int viewIndex, final T nodeModel) {
        throw NodeFactories.noView(viewIndex);
    }

    @Override
    protected final boolean hasDialog() {
        return true;
    }
}
