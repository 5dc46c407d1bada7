package org.knime.core.node;

import java.awt.Component;
import java.util.LinkedHashMap;
import java.util.Map;

import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;

/**
 * API surface: the base class of node dialogs. Tabs are only recorded here (KNIME shows them in a tabbed pane);
 * the framework loads settings through {@link #callDerivedLoadSettingsFrom}, which a data-aware dialog overrides
 * to receive the input data.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/NodeDialogPane.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public abstract class NodeDialogPane {

    private final Map<String, Component> m_tabs = new LinkedHashMap<>();

    protected NodeDialogPane() {
    }

    /** Framework entry: loads the settings with the input specs (the input data is ignored by plain dialogs). */
    void callDerivedLoadSettingsFrom(final NodeSettingsRO settings, final PortObjectSpec[] specs,
        final PortObject[] data) throws NotConfigurableException {
        loadSettingsFrom(settings, specs);
    }

    protected void loadSettingsFrom(final NodeSettingsRO settings, final PortObjectSpec[] specs)
        throws NotConfigurableException {
    }

    protected abstract void saveSettingsTo(NodeSettingsWO settings) throws InvalidSettingsException;

    /** Adds a tab; a tab of the same title is replaced. */
    protected final void addTab(final String title, final Component comp) {
        if (title == null || comp == null) {
            throw new NullPointerException("tab title and component must not be null");
        }
        m_tabs.remove(title);
        m_tabs.put(title, comp);
    }

    protected final Component getTab(final String title) {
        return m_tabs.get(title);
    }

    /** Called (on the event dispatch thread in KNIME) when the dialog opens. */
    public void onOpen() {
    }

    /** Called (on the event dispatch thread in KNIME) when the dialog closes. */
    public void onClose() {
    }
}
