package org.knime.core.node;

import java.util.EventListener;

/**
 * API surface: a listener to a node model's warnings, implemented by {@link NodeView}. Its method is not used by the
 * nodes.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/NodeModelWarningListener.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface NodeModelWarningListener extends EventListener {
}
