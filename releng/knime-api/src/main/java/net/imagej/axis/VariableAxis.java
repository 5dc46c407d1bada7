package net.imagej.axis;

import java.util.HashMap;
import java.util.Map;

/**
 * API surface (subset): a calibrated axis whose equation has named variables.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/axis/VariableAxis.java.
 */
public abstract class VariableAxis extends AbstractCalibratedAxis {

    private final Map<String, Double> m_vars = new HashMap<>();

    public VariableAxis(final AxisType type) {
        super(type);
    }

    public Double get(final String name) {
        return m_vars.get(name);
    }

    public void set(final String name, final Double value) {
        m_vars.put(name, value);
    }

    @Override
    public String particularEquation() {
        return generalEquation() + " " + m_vars;
    }
}
