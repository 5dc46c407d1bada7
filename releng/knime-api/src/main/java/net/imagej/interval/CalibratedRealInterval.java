package net.imagej.interval;

import net.imagej.axis.CalibratedAxis;
import net.imagej.space.CalibratedSpace;

/**
 * API surface: a real interval with calibrated axes.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/interval/CalibratedRealInterval.java.
 */
public interface CalibratedRealInterval<A extends CalibratedAxis> extends TypedRealInterval<A>, CalibratedSpace<A> {
}
