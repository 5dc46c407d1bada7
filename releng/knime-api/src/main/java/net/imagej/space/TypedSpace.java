package net.imagej.space;

import net.imagej.axis.AxisType;
import net.imagej.axis.TypedAxis;

/**
 * API surface: a space whose axes have types (X, Y, Channel, ...).
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/space/TypedSpace.java.
 */
public interface TypedSpace<A extends TypedAxis> extends AnnotatedSpace<A> {

    /** The first dimension whose axis has the given type (compared by identity, as the real default does), or -1. */
    default int dimensionIndex(final AxisType axisType) {
        for (int d = 0; d < numDimensions(); d++) {
            if (axis(d).type() == axisType) {
                return d;
            }
        }
        return -1;
    }
}
