package org.knime.core.node.config;

import java.util.Iterator;

import javax.swing.tree.TreeNode;

import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.config.base.ConfigBaseRO;

/**
 * API surface (subset): read access to a settings tree with sub-configurations.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/config/ConfigRO.java,
 * commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface ConfigRO extends ConfigBaseRO, TreeNode, Iterable<String> {

    Config getConfig(String key) throws InvalidSettingsException;

    @Override
    Iterator<String> iterator();
}
