package net.imagej.axis;

/**
 * API surface: an axis with a calibration from pixel to physical coordinates.
 * <p>
 * Source checked: imagej/imagej-common, src/main/java/net/imagej/axis/CalibratedAxis.java (as used by KNIME Image Processing 1.8).
 */
public interface CalibratedAxis {

    AxisType type();

    double calibratedValue(double rawValue);

    double averageScale(double rawValue1, double rawValue2);
}
