package org.knime.core.node.defaultnodesettings;

import javax.swing.JPanel;

import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.NodeSettingsWO;
import org.knime.core.node.NotConfigurableException;
import org.knime.core.node.port.PortObjectSpec;

/**
 * API surface: a dialog element bound to one settings model. In KNIME it is a Swing panel; the surface keeps only
 * the model binding, which is what saving and loading the dialog's settings relies on, and an empty panel for
 * dialogs that lay out components themselves (created on first request, so dialogs that never ask need no Swing).
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/defaultnodesettings/DialogComponent.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public abstract class DialogComponent {

    private final SettingsModel m_model;

    private String m_toolTip;

    private JPanel m_panel;

    public DialogComponent(final SettingsModel model) {
        m_model = model;
    }

    public final SettingsModel getModel() {
        return m_model;
    }

    public void setToolTipText(final String text) {
        m_toolTip = text;
    }

    /** The panel holding the component's widgets, to be placed in a dialog. */
    public JPanel getComponentPanel() {
        if (m_panel == null) {
            m_panel = new JPanel();
        }
        return m_panel;
    }

    /** Loads the model's value for the dialog (for dialogs that manage their components themselves). */
    public final void loadSettingsFrom(final NodeSettingsRO settings, final PortObjectSpec[] specs)
        throws NotConfigurableException {
        m_model.loadSettingsForDialog(settings, specs);
    }

    /** Saves the model's value from the dialog (for dialogs that manage their components themselves). */
    public final void saveSettingsTo(final NodeSettingsWO settings) throws InvalidSettingsException {
        m_model.saveSettingsForDialog(settings);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + m_model + (m_toolTip == null ? "" : ", " + m_toolTip) + "]";
    }
}
