package org.maskseg.knime.predictor;

import org.knime.core.node.NodeDialogPane;
import org.knime.core.node.NodeFactory;
import org.knime.core.node.NodeView;
import org.maskseg.knime.util.NodeFactories;

/** MaskSeg Predictor; description in PredictorNodeFactory.xml. */
public final class PredictorNodeFactory extends NodeFactory<PredictorNodeModel> {

    @Override
    public PredictorNodeModel createNodeModel() {
        return new PredictorNodeModel();
    }

    @Override
    protected int getNrNodeViews() {
        return 0;
    }

    @Override
    public NodeView<PredictorNodeModel> createNodeView(final int viewIndex, final PredictorNodeModel nodeModel) {
        throw NodeFactories.noView(viewIndex);
    }

    @Override
    protected boolean hasDialog() {
        return true;
    }

    @Override
    protected NodeDialogPane createNodeDialogPane() {
        return new PredictorNodeDialog();
    }
}
