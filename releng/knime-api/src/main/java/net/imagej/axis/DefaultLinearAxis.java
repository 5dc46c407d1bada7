package net.imagej.axis;

/**
 * API surface (subset): a linear calibration, physical = origin + scale * pixel (a = origin, b = scale).
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/axis/DefaultLinearAxis.java.
 */
public class DefaultLinearAxis extends Variable2Axis implements LinearAxis {

    public DefaultLinearAxis(final AxisType type, final double scale) {
        this(type, scale, 0);
    }

    public DefaultLinearAxis(final AxisType type, final double scale, final double origin) {
        super(type);
        setScale(scale);
        setOrigin(origin);
    }

    public DefaultLinearAxis(final AxisType type, final String unit, final double scale) {
        this(type, scale, 0);
        setUnit(unit);
    }

    @Override
    public void setScale(final double scale) {
        setB(scale);
    }

    @Override
    public double scale() {
        return b();
    }

    @Override
    public void setOrigin(final double origin) {
        setA(origin);
    }

    @Override
    public double origin() {
        return a();
    }

    @Override
    public double calibratedValue(final double rawValue) {
        return origin() + scale() * rawValue;
    }

    @Override
    public double rawValue(final double calibratedValue) {
        return (calibratedValue - origin()) / scale();
    }

    @Override
    public String generalEquation() {
        return "y = a + b*x";
    }

    @Override
    public DefaultLinearAxis copy() {
        DefaultLinearAxis c = new DefaultLinearAxis(type(), scale(), origin());
        c.setUnit(unit());
        return c;
    }
}
