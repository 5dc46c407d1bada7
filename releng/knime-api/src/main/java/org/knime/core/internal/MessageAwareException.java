package org.knime.core.internal;

/**
 * API surface: an exception that carries a KNIME message, implemented by
 * {@link org.knime.core.node.CanceledExecutionException}. Its method is not used by the nodes.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/internal/MessageAwareException.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface MessageAwareException {
}
