package org.knime.core.node.defaultnodesettings;

/**
 * API surface: a number spinner.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/defaultnodesettings/DialogComponentNumber.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public class DialogComponentNumber extends DialogComponent {

    public DialogComponentNumber(final SettingsModelNumber numberModel, final String label, final Number stepSize) {
        super(numberModel);
    }

    public DialogComponentNumber(final SettingsModelNumber numberModel, final String label, final Number stepSize,
        final int compWidth) {
        super(numberModel);
    }
}
