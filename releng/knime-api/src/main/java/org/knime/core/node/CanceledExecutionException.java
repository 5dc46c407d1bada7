package org.knime.core.node;

import org.knime.core.internal.MessageAwareException;

/**
 * API surface: thrown by {@link ExecutionMonitor#checkCanceled()} once the user has cancelled the node.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/CanceledExecutionException.java,
 * commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public class CanceledExecutionException extends Exception implements MessageAwareException {
    private static final long serialVersionUID = 1L;

    public CanceledExecutionException() {
        super("Execution canceled");
    }

    public CanceledExecutionException(final String s) {
        super(s);
    }
}
