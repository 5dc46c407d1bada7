package net.imagej.axis;

/**
 * API surface (subset): an axis whose equation has the variables a and b.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/axis/Variable2Axis.java.
 */
public abstract class Variable2Axis extends Variable1Axis {

    public Variable2Axis(final AxisType type) {
        super(type);
    }

    public double b() {
        return get("b");
    }

    public void setB(final double b) {
        set("b", b);
    }
}
