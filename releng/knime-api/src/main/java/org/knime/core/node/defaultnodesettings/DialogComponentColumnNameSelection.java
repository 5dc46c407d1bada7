package org.knime.core.node.defaultnodesettings;

import org.knime.core.data.DataValue;

/**
 * API surface: a drop-down list of the columns of one input table that have a compatible type.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/defaultnodesettings/DialogComponentColumnNameSelection.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public class DialogComponentColumnNameSelection extends DialogComponent {

    @SafeVarargs
    public DialogComponentColumnNameSelection(final SettingsModelString model, final String label,
        final int specIndex, final Class<? extends DataValue>... classFilter) {
        super(model);
    }

    @SafeVarargs
    public DialogComponentColumnNameSelection(final SettingsModelString model, final String label,
        final int specIndex, final boolean isRequired, final Class<? extends DataValue>... classFilter) {
        super(model);
    }

    @SafeVarargs
    public DialogComponentColumnNameSelection(final SettingsModelString model, final String label,
        final int specIndex, final boolean isRequired, final boolean addNoneCol,
        final Class<? extends DataValue>... classFilter) {
        super(model);
    }
}
