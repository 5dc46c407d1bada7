package org.knime.core.node;

/**
 * API surface: thrown by a dialog that cannot be opened for the current input specs.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/NodeDialogPane.java (throws
 * clause of loadSettingsFrom), commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public class NotConfigurableException extends Exception {
    private static final long serialVersionUID = 1L;

    public NotConfigurableException(final String message) {
        super(message);
    }
}
