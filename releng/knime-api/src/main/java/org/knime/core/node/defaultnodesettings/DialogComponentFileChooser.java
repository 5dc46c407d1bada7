package org.knime.core.node.defaultnodesettings;

/**
 * API surface: a file name field with a browse button; {@code dialogType} is JFileChooser.OPEN_DIALOG or
 * SAVE_DIALOG.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/defaultnodesettings/DialogComponentFileChooser.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public class DialogComponentFileChooser extends DialogComponent {

    public DialogComponentFileChooser(final SettingsModelString stringModel, final String historyID,
        final String... validExtensions) {
        super(stringModel);
    }

    public DialogComponentFileChooser(final SettingsModelString stringModel, final String historyID,
        final int dialogType, final String... validExtensions) {
        super(stringModel);
    }

    public DialogComponentFileChooser(final SettingsModelString stringModel, final String historyID,
        final int dialogType, final boolean directoryOnly) {
        super(stringModel);
    }
}
