package net.imagej.space;

import java.util.List;

import net.imagej.axis.CalibratedAxis;

/**
 * API surface: calibrated axes on top of {@link AbstractTypedSpace}.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/space/AbstractCalibratedSpace.java.
 */
public abstract class AbstractCalibratedSpace<A extends CalibratedAxis> extends AbstractTypedSpace<A>
    implements CalibratedSpace<A> {

    public AbstractCalibratedSpace(final int numDims) {
        super(numDims);
    }

    @SafeVarargs
    public AbstractCalibratedSpace(final A... axes) {
        super(axes);
    }

    public AbstractCalibratedSpace(final List<A> axes) {
        super(axes);
    }
}
