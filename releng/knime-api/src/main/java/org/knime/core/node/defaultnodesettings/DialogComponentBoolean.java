package org.knime.core.node.defaultnodesettings;

/**
 * API surface: a check box.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/defaultnodesettings/DialogComponentBoolean.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class DialogComponentBoolean extends DialogComponent {

    public DialogComponentBoolean(final SettingsModelBoolean booleanModel, final String label) {
        super(booleanModel);
    }
}
