package org.maskseg.knime.modelreader;

import org.knime.core.node.NodeDialogPane;
import org.knime.core.node.NodeFactory;
import org.knime.core.node.NodeView;
import org.maskseg.knime.util.NodeFactories;

/** MaskSeg Model Reader; description in ModelReaderNodeFactory.xml. */
public final class ModelReaderNodeFactory extends NodeFactory<ModelReaderNodeModel> {

    @Override
    public ModelReaderNodeModel createNodeModel() {
        return new ModelReaderNodeModel();
    }

    @Override
    protected int getNrNodeViews() {
        return 0;
    }

    @Override
    public NodeView<ModelReaderNodeModel> createNodeView(final int viewIndex, final ModelReaderNodeModel nodeModel) {
        throw NodeFactories.noView(viewIndex);
    }

    @Override
    protected boolean hasDialog() {
        return true;
    }

    @Override
    protected NodeDialogPane createNodeDialogPane() {
        return new ModelReaderNodeDialog();
    }
}
