package org.maskseg.knime.nnunetreader;

import javax.swing.JFileChooser;

import org.knime.core.node.defaultnodesettings.DefaultNodeSettingsPane;
import org.knime.core.node.defaultnodesettings.DialogComponentFileChooser;
import org.knime.core.node.defaultnodesettings.DialogComponentStringSelection;

/** Dialog of the nnU-Net Dataset Reader: the dataset folder and which cases to list. */
final class NnUnetReaderNodeDialog extends DefaultNodeSettingsPane {

    NnUnetReaderNodeDialog() {
        NnUnetReaderSettings s = new NnUnetReaderSettings();
        addDialogComponent(new DialogComponentFileChooser(s.folder, "org.maskseg.knime.nnunet",
            JFileChooser.OPEN_DIALOG, true));
        addDialogComponent(new DialogComponentStringSelection(s.cases, "Cases", NnUnetReaderSettings.PARTS));
    }
}
