package net.imagej.interval;

import net.imagej.axis.TypedAxis;
import net.imagej.space.TypedSpace;
import net.imglib2.RealInterval;

/**
 * API surface: a real interval with typed axes.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/interval/TypedRealInterval.java.
 */
public interface TypedRealInterval<A extends TypedAxis> extends RealInterval, TypedSpace<A> {
}
