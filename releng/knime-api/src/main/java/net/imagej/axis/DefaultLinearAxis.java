package net.imagej.axis;

/**
 * API surface: a linear calibration (physical = scale * pixel).
 * <p>
 * Source checked: imagej/imagej-common, src/main/java/net/imagej/axis/DefaultLinearAxis.java (as used by KNIME Image Processing 1.8).
 */
public class DefaultLinearAxis implements CalibratedAxis {

    private final AxisType m_type;

    private final double m_scale;

    public DefaultLinearAxis(final AxisType type, final double scale) {
        m_type = type;
        m_scale = scale;
    }

    @Override
    public AxisType type() {
        return m_type;
    }

    public double scale() {
        return m_scale;
    }

    @Override
    public double calibratedValue(final double rawValue) {
        return m_scale * rawValue;
    }

    @Override
    public double averageScale(final double rawValue1, final double rawValue2) {
        return m_scale;
    }
}
