package org.knime.core.node.config;

import java.util.Iterator;

import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.config.base.ConfigBaseRO;

/**
 * API surface (subset): read access to a settings tree with sub-configurations.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/config/ConfigRO.java,
 * commit 1b5880a377ed46bd43e0d47318005529eb17f2b6. (KNIME's interface also extends javax.swing.tree.TreeNode, omitted here.)
 */
public interface ConfigRO extends ConfigBaseRO {

    Config getConfig(String key) throws InvalidSettingsException;

    @Override
    Iterator<String> iterator();
}
