package net.imagej.axis;

/**
 * API surface: the kind of an image axis (X, Y, Z, Channel, Time, ...).
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/axis/AxisType.java.
 */
public interface AxisType {

    String getLabel();

    boolean isXY();

    boolean isSpatial();
}
