package org.knime.core.node;

/**
 * API surface of KNIME's exception for settings that cannot be used.
 * <p>
 * Source checked: bundle org.knime.core.util, package org.knime.core.node (public source text of
 * ConfigBaseRO, which declares it), KNIME 5.3+.
 */
public class InvalidSettingsException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidSettingsException(final String msg) {
        super(msg);
    }

    public InvalidSettingsException(final Throwable cause) {
        super(cause);
    }

    public InvalidSettingsException(final String msg, final Throwable cause) {
        super(msg, cause);
    }
}
