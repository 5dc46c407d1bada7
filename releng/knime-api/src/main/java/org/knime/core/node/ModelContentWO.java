package org.knime.core.node;

import org.knime.core.node.config.ConfigWO;

/**
 * API surface: write-only model content.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/ModelContentWO.java, commit
 * 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface ModelContentWO extends ConfigWO {

    ModelContentWO addModelContent(String key);
}
