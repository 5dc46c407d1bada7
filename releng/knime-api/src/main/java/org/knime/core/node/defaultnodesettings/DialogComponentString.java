package org.knime.core.node.defaultnodesettings;

/**
 * API surface: a text field.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/defaultnodesettings/DialogComponentString.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class DialogComponentString extends DialogComponent {

    public DialogComponentString(final SettingsModelString stringModel, final String label) {
        super(stringModel);
    }

    public DialogComponentString(final SettingsModelString stringModel, final String label,
        final boolean disallowEmptyString, final int compWidth) {
        super(stringModel);
    }
}
