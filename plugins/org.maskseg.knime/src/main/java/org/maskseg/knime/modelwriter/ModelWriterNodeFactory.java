package org.maskseg.knime.modelwriter;

import org.knime.core.node.NodeDialogPane;
import org.knime.core.node.NodeFactory;
import org.knime.core.node.NodeView;
import org.maskseg.knime.util.NodeFactories;

/** MaskSeg Model Writer; description in ModelWriterNodeFactory.xml. */
public final class ModelWriterNodeFactory extends NodeFactory<ModelWriterNodeModel> {

    @Override
    public ModelWriterNodeModel createNodeModel() {
        return new ModelWriterNodeModel();
    }

    @Override
    protected int getNrNodeViews() {
        return 0;
    }

    @Override
    public NodeView<ModelWriterNodeModel> createNodeView(final int viewIndex, final ModelWriterNodeModel nodeModel) {
        throw NodeFactories.noView(viewIndex);
    }

    @Override
    protected boolean hasDialog() {
        return true;
    }

    @Override
    protected NodeDialogPane createNodeDialogPane() {
        return new ModelWriterNodeDialog();
    }
}
