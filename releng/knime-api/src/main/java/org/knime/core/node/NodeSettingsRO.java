package org.knime.core.node;

import org.knime.core.node.config.ConfigRO;

/**
 * API surface: read-only node settings.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/NodeSettingsRO.java, commit
 * 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface NodeSettingsRO extends ConfigRO {

    NodeSettingsRO getNodeSettings(String key) throws InvalidSettingsException;
}
