package org.maskseg.knime.modelwriter;

import org.knime.core.node.NodeDialogPane;
import org.maskseg.knime.util.DialogNodeFactory;

/** MaskSeg Model Writer; description in ModelWriterNodeFactory.xml. */
public final class ModelWriterNodeFactory extends DialogNodeFactory<ModelWriterNodeModel> {

    @Override
    public ModelWriterNodeModel createNodeModel() {
        return new ModelWriterNodeModel();
    }

    @Override
    protected NodeDialogPane createNodeDialogPane() {
        return new ModelWriterNodeDialog();
    }
}
