package org.maskseg.knime.modelreader;

import org.knime.core.node.NodeDialogPane;
import org.maskseg.knime.util.DialogNodeFactory;

/** MaskSeg Model Reader; description in ModelReaderNodeFactory.xml. */
public final class ModelReaderNodeFactory extends DialogNodeFactory<ModelReaderNodeModel> {

    @Override
    public ModelReaderNodeModel createNodeModel() {
        return new ModelReaderNodeModel();
    }

    @Override
    protected NodeDialogPane createNodeDialogPane() {
        return new ModelReaderNodeDialog();
    }
}
