package org.maskseg.knime.nnunetreader;

import org.knime.core.node.NodeDialogPane;
import org.knime.core.node.NodeFactory;
import org.knime.core.node.NodeView;
import org.maskseg.knime.util.NodeFactories;

/** nnU-Net Dataset Reader; description in NnUnetReaderNodeFactory.xml. */
public final class NnUnetReaderNodeFactory extends NodeFactory<NnUnetReaderNodeModel> {

    @Override
    public NnUnetReaderNodeModel createNodeModel() {
        return new NnUnetReaderNodeModel();
    }

    @Override
    protected int getNrNodeViews() {
        return 0;
    }

    @Override
    public NodeView<NnUnetReaderNodeModel> createNodeView(final int viewIndex,
        final NnUnetReaderNodeModel nodeModel) {
        throw NodeFactories.noView(viewIndex);
    }

    @Override
    protected boolean hasDialog() {
        return true;
    }

    @Override
    protected NodeDialogPane createNodeDialogPane() {
        return new NnUnetReaderNodeDialog();
    }
}
