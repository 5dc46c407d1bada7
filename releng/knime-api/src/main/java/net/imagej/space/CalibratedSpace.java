package net.imagej.space;

import net.imagej.axis.CalibratedAxis;

/**
 * API surface: a space whose axes carry a calibration.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/space/CalibratedSpace.java.
 */
public interface CalibratedSpace<A extends CalibratedAxis> extends TypedSpace<A> {

    /** Scale of dimension d between raw positions 0 and 1. */
    default double averageScale(final int d) {
        return axis(d).averageScale(0, 1);
    }
}
