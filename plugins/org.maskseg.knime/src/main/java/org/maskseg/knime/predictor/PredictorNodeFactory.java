package org.maskseg.knime.predictor;

import org.knime.core.node.NodeDialogPane;
import org.maskseg.knime.util.DialogNodeFactory;

/** MaskSeg Predictor; description in PredictorNodeFactory.xml. */
public final class PredictorNodeFactory extends DialogNodeFactory<PredictorNodeModel> {

    @Override
    public PredictorNodeModel createNodeModel() {
        return new PredictorNodeModel();
    }

    @Override
    protected NodeDialogPane createNodeDialogPane() {
        return new PredictorNodeDialog();
    }
}
