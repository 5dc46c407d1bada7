package org.knime.core.node.defaultnodesettings;

import org.knime.core.node.InvalidSettingsException;

/**
 * API surface: an int setting with inclusive bounds.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/defaultnodesettings/SettingsModelIntegerBounded.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public class SettingsModelIntegerBounded extends SettingsModelInteger {

    private final int m_minValue;

    private final int m_maxValue;

    public SettingsModelIntegerBounded(final String configName, final int defaultValue, final int minValue,
        final int maxValue) {
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
    protected SettingsModelIntegerBounded createClone() {
        return new SettingsModelIntegerBounded(getConfigName(), getIntValue(), m_minValue, m_maxValue);
    }

    public int getLowerBound() {
        return m_minValue;
    }

    public int getUpperBound() {
        return m_maxValue;
    }

    @Override
    protected void validateValue(final int value) throws InvalidSettingsException {
        if (value < m_minValue || value > m_maxValue) {
            throw new InvalidSettingsException("value (=" + value + ") must be within the range [" + m_minValue
                + "..." + m_maxValue + "] for setting '" + getConfigName() + "'");
        }
    }

    @Override
    public void setIntValue(final int newValue) {
        if (newValue < m_minValue || newValue > m_maxValue) {
            throw new IllegalArgumentException("value (=" + newValue + ") must be within the range [" + m_minValue
                + "..." + m_maxValue + "]");
        }
        super.setIntValue(newValue);
    }
}
