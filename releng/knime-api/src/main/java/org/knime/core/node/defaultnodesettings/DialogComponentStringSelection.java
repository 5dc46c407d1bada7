package org.knime.core.node.defaultnodesettings;

import java.util.Collection;

/**
 * API surface: a drop-down list of strings.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/defaultnodesettings/DialogComponentStringSelection.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class DialogComponentStringSelection extends DialogComponent {

    public DialogComponentStringSelection(final SettingsModelString stringModel, final String label,
        final String... list) {
        super(stringModel);
    }

    public DialogComponentStringSelection(final SettingsModelString stringModel, final String label,
        final Collection<String> list) {
        super(stringModel);
    }
}
