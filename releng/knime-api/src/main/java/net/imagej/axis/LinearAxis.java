package net.imagej.axis;

/**
 * API surface: a calibration of the form origin + scale * pixel.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/axis/LinearAxis.java.
 */
public interface LinearAxis extends CalibratedAxis {

    void setScale(double scale);

    double scale();

    void setOrigin(double origin);

    double origin();

    @Override
    LinearAxis copy();
}
