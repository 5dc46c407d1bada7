package org.maskseg.knime.modelwriter;

import javax.swing.JFileChooser;

import org.knime.core.node.defaultnodesettings.DefaultNodeSettingsPane;
import org.knime.core.node.defaultnodesettings.DialogComponentBoolean;
import org.knime.core.node.defaultnodesettings.DialogComponentFileChooser;

/** Dialog of the Model Writer: target file and whether to replace it. */
final class ModelWriterNodeDialog extends DefaultNodeSettingsPane {

    ModelWriterNodeDialog() {
        ModelWriterSettings s = new ModelWriterSettings();
        addDialogComponent(new DialogComponentFileChooser(s.file, "org.maskseg.knime.model", JFileChooser.SAVE_DIALOG,
            ".zip"));
        addDialogComponent(new DialogComponentBoolean(s.overwrite, "Overwrite an existing file"));
    }
}
