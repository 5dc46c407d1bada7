package org.maskseg.knime.trainer;

import org.knime.core.node.NodeDialogPane;
import org.knime.core.node.NodeFactory;
import org.knime.core.node.NodeView;
import org.maskseg.knime.util.NodeFactories;

/** MaskSeg Masked Trainer; description in TrainerNodeFactory.xml. */
public final class TrainerNodeFactory extends NodeFactory<TrainerNodeModel> {

    @Override
    public TrainerNodeModel createNodeModel() {
        return new TrainerNodeModel();
    }

    @Override
    protected int getNrNodeViews() {
        return 1;
    }

    @Override
    public NodeView<TrainerNodeModel> createNodeView(final int viewIndex, final TrainerNodeModel nodeModel) {
        if (viewIndex != 0) {
            throw NodeFactories.noView(viewIndex);
        }
        return new TrainerNodeView(nodeModel);
    }

    @Override
    protected boolean hasDialog() {
        return true;
    }

    @Override
    protected NodeDialogPane createNodeDialogPane() {
        return new TrainerNodeDialog();
    }
}
