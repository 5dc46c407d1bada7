package org.knime.core.node.defaultnodesettings;

/**
 * API surface: a settings model that can be controlled by a flow variable. Its methods are not used through this
 * interface by the nodes.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/defaultnodesettings/SettingsModelFlowVariableCompatible.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface SettingsModelFlowVariableCompatible {
}
