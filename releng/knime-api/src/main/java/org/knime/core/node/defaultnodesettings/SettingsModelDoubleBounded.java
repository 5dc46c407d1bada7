package org.knime.core.node.defaultnodesettings;

import org.knime.core.node.InvalidSettingsException;

/**
 * API surface: a double setting with inclusive bounds.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/defaultnodesettings/SettingsModelDoubleBounded.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public class SettingsModelDoubleBounded extends SettingsModelDouble {

    private final double m_minValue;

    private final double m_maxValue;

    public SettingsModelDoubleBounded(final String configName, final double defaultValue, final double minValue,
        final double maxValue) {
        super(configName, defaultValue);
        if (minValue > maxValue || defaultValue < minValue || defaultValue > maxValue) {
            throw new IllegalArgumentException("Default value " + defaultValue + " outside bounds [" + minValue + ", "
                + maxValue + "] of setting '" + configName + "'");
        }
        m_minValue = minValue;
        m_maxValue = maxValue;
    }

    @SuppressWarnings("unchecked")
    @Override
    protected SettingsModelDoubleBounded createClone() {
        return new SettingsModelDoubleBounded(getConfigName(), getDoubleValue(), m_minValue, m_maxValue);
    }

    public double getLowerBound() {
        return m_minValue;
    }

    public double getUpperBound() {
        return m_maxValue;
    }

    @Override
    protected void validateValue(final double value) throws InvalidSettingsException {
        if (!(value >= m_minValue && value <= m_maxValue)) {
            throw new InvalidSettingsException("value (=" + value + ") must be within the range [" + m_minValue
                + "..." + m_maxValue + "] for setting '" + getConfigName() + "'");
        }
    }

    @Override
    public void setDoubleValue(final double newValue) {
        if (!(newValue >= m_minValue && newValue <= m_maxValue)) {
            throw new IllegalArgumentException("value (=" + newValue + ") must be within the range [" + m_minValue
                + "..." + m_maxValue + "]");
        }
        super.setDoubleValue(newValue);
    }
}
