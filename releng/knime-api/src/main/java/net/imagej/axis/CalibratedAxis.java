package net.imagej.axis;

/**
 * API surface: an axis with a calibration from pixel to physical coordinates.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/axis/CalibratedAxis.java.
 */
public interface CalibratedAxis extends TypedAxis {

    String unit();

    void setUnit(String unit);

    double calibratedValue(double rawValue);

    double rawValue(double calibratedValue);

    String generalEquation();

    String particularEquation();

    double averageScale(double rawValue1, double rawValue2);

    CalibratedAxis copy();
}
