package org.knime.core.node.defaultnodesettings;

/**
 * API surface: a dialog element bound to one settings model. In KNIME it is a Swing panel; the surface keeps only
 * the model binding, which is what saving and loading the dialog's settings relies on.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/defaultnodesettings/DialogComponent.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public abstract class DialogComponent {

    private final SettingsModel m_model;

    private String m_toolTip;

    public DialogComponent(final SettingsModel model) {
        m_model = model;
    }

    public final SettingsModel getModel() {
        return m_model;
    }

    public void setToolTipText(final String text) {
        m_toolTip = text;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + m_model + (m_toolTip == null ? "" : ", " + m_toolTip) + "]";
    }
}
