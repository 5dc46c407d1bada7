package org.knime.core.node;

import org.knime.core.node.port.PortObjectSpec;

/**
 * API surface: the base class of node dialogs.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/NodeDialogPane.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public abstract class NodeDialogPane {

    protected NodeDialogPane() {
    }

    protected void loadSettingsFrom(final NodeSettingsRO settings, final PortObjectSpec[] specs)
        throws NotConfigurableException {
    }

    protected abstract void saveSettingsTo(NodeSettingsWO settings) throws InvalidSettingsException;
}
