package net.imagej.axis;

/**
 * API surface: the kind of an image axis (X, Y, Z, Channel, Time, ...).
 * <p>
 * Source checked: imagej/imagej-common, src/main/java/net/imagej/axis/AxisType.java (as used by KNIME Image Processing 1.8).
 */
public interface AxisType {

    String getLabel();

    boolean isSpatial();
}
