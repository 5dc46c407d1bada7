package org.maskseg.knime.util;

import java.util.List;

import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.NodeSettingsWO;
import org.knime.core.node.defaultnodesettings.SettingsModel;
import org.knime.core.node.defaultnodesettings.SettingsModelBoolean;
import org.knime.core.node.defaultnodesettings.SettingsModelString;
import org.maskseg.core.InvalidInputException;

/**
 * A node's settings: every setting is a {@link SettingsModel} (so KNIME lets a flow variable control each one), plus
 * the checks that involve several settings. Validation loads the settings into a fresh copy and runs those checks
 * there, so invalid settings are refused before the node's own settings change.
 */
public abstract class SettingsGroup {

    /** Every setting, in dialog order. */
    public abstract List<SettingsModel> models();

    /**
     * Settings added in a later version: settings saved before they existed lack their keys, and such settings
     * still load, keeping these models at their defaults.
     */
    protected List<SettingsModel> addedLater() {
        return List.of();
    }

    /** Whether saved settings leave out a setting added later (so it keeps its default). */
    private boolean absent(final SettingsModel m, final NodeSettingsRO settings) {
        String key = m instanceof SettingsModelString s ? s.getKey()
            : m instanceof SettingsModelBoolean b ? b.getConfigName() : null;
        return key != null && addedLater().contains(m) && !settings.containsKey(key);
    }

    /** A new instance with default values, used to validate settings without touching this one. */
    protected abstract SettingsGroup newInstance();

    /** Checks that involve several settings; called on a copy holding the settings to validate. */
    protected abstract void check() throws InvalidSettingsException;

    public final void saveTo(final NodeSettingsWO settings) {
        for (SettingsModel m : models()) {
            m.saveSettingsTo(settings);
        }
    }

    public final void validate(final NodeSettingsRO settings) throws InvalidSettingsException {
        for (SettingsModel m : models()) {
            if (!absent(m, settings)) {
                m.validateSettings(settings);
            }
        }
        SettingsGroup copy = newInstance();
        copy.loadFrom(settings);
        copy.check();
    }

    public final void loadFrom(final NodeSettingsRO settings) throws InvalidSettingsException {
        for (SettingsModel m : models()) {
            if (!absent(m, settings)) {
                m.loadSettingsFrom(settings);
            }
        }
    }

    /** The engine's message for a refused setting, as the settings exception KNIME shows in the dialog. */
    public static InvalidSettingsException refused(final InvalidInputException e) {
        return new InvalidSettingsException(e.getMessage(), e);
    }
}
