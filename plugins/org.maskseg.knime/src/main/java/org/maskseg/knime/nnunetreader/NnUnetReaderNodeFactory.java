package org.maskseg.knime.nnunetreader;

import org.knime.core.node.NodeDialogPane;
import org.maskseg.knime.util.DialogNodeFactory;

/** nnU-Net Dataset Reader; description in NnUnetReaderNodeFactory.xml. */
public final class NnUnetReaderNodeFactory extends DialogNodeFactory<NnUnetReaderNodeModel> {

    @Override
    public NnUnetReaderNodeModel createNodeModel() {
        return new NnUnetReaderNodeModel();
    }

    @Override
    protected NodeDialogPane createNodeDialogPane() {
        return new NnUnetReaderNodeDialog();
    }
}
