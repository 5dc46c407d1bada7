package org.knime.core.node.defaultnodesettings;

import java.util.ArrayList;
import java.util.List;

import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeDialogPane;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.NodeSettingsWO;
import org.knime.core.node.NotConfigurableException;
import org.knime.core.node.port.PortObjectSpec;

/**
 * API surface: a dialog made of dialog components, each bound to a settings model; it saves and loads exactly the
 * settings of its components. Layout calls (tabs, groups) only matter in KNIME's Swing implementation.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/defaultnodesettings/DefaultNodeSettingsPane.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public class DefaultNodeSettingsPane extends NodeDialogPane {

    private final List<DialogComponent> m_components = new ArrayList<>();

    public DefaultNodeSettingsPane() {
    }

    public void createNewTab(final String tabTitle) {
    }

    public void setDefaultTabTitle(final String tabTitle) {
    }

    public void createNewGroup(final String title) {
    }

    public void closeCurrentGroup() {
    }

    public void setHorizontalPlacement(final boolean horizontal) {
    }

    public void addDialogComponent(final DialogComponent diaC) {
        m_components.add(diaC);
    }

    @Override
    public final void loadSettingsFrom(final NodeSettingsRO settings, final PortObjectSpec[] specs)
        throws NotConfigurableException {
        for (DialogComponent c : m_components) {
            c.getModel().loadSettingsForDialog(settings, specs);
        }
    }

    @Override
    public final void saveSettingsTo(final NodeSettingsWO settings) throws InvalidSettingsException {
        for (DialogComponent c : m_components) {
            c.getModel().saveSettingsForDialog(settings);
        }
    }
}
