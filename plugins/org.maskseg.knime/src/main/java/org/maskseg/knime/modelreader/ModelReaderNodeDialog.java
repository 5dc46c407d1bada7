package org.maskseg.knime.modelreader;

import javax.swing.JFileChooser;

import org.knime.core.node.defaultnodesettings.DefaultNodeSettingsPane;
import org.knime.core.node.defaultnodesettings.DialogComponentFileChooser;

/** Dialog of the Model Reader: the model file. */
final class ModelReaderNodeDialog extends DefaultNodeSettingsPane {

    ModelReaderNodeDialog() {
        ModelReaderSettings s = new ModelReaderSettings();
        addDialogComponent(new DialogComponentFileChooser(s.file, "org.maskseg.knime.model", JFileChooser.OPEN_DIALOG,
            ".zip"));
    }
}
