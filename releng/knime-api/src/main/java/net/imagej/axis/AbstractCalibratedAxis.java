package net.imagej.axis;

/**
 * API surface: base class of calibrated axes (type and unit).
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/axis/AbstractCalibratedAxis.java.
 */
public abstract class AbstractCalibratedAxis extends DefaultTypedAxis implements CalibratedAxis {

    private String m_unit;

    public AbstractCalibratedAxis(final AxisType type) {
        super(type);
    }

    @Override
    public String unit() {
        return m_unit;
    }

    @Override
    public void setUnit(final String unit) {
        m_unit = unit;
    }

    /** Physical distance per pixel between the two raw positions (NaN when they are equal). */
    @Override
    public double averageScale(final double rawValue1, final double rawValue2) {
        return (calibratedValue(rawValue2) - calibratedValue(rawValue1)) / (rawValue2 - rawValue1);
    }
}
