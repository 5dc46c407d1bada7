package org.knime.core.node.config;

import org.knime.core.node.config.base.ConfigBaseWO;

/**
 * API surface (subset): write access to a settings tree with sub-configurations.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/config/ConfigWO.java,
 * commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface ConfigWO extends ConfigBaseWO {

    Config addConfig(String key);
}
