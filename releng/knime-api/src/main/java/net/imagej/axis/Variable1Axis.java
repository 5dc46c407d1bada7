package net.imagej.axis;

/**
 * API surface (subset): an axis whose equation has the variable a.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/axis/Variable1Axis.java.
 */
public abstract class Variable1Axis extends VariableAxis {

    public Variable1Axis(final AxisType type) {
        super(type);
    }

    public double a() {
        return get("a");
    }

    public void setA(final double a) {
        set("a", a);
    }
}
