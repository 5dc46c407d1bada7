package net.imagej.interval;

import net.imagej.axis.CalibratedAxis;
import net.imagej.space.AbstractCalibratedSpace;
import net.imglib2.RealInterval;
import net.imglib2.RealPositionable;

/**
 * API surface (subset of the constructors): a calibrated space with real bounds. {@link #averageScale(int)}
 * measures the axis between the interval's real bounds, as the real class does, so it is NaN for a dimension of
 * size 1 (both bounds equal).
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/interval/AbstractCalibratedRealInterval.java.
 */
public abstract class AbstractCalibratedRealInterval<A extends CalibratedAxis> extends AbstractCalibratedSpace<A>
    implements CalibratedRealInterval<A> {

    private final double[] m_min;

    private final double[] m_max;

    @SafeVarargs
    public AbstractCalibratedRealInterval(final RealInterval interval, final A... axes) {
        super(axes);
        if (axes.length != interval.numDimensions()) {
            throw new IllegalArgumentException("number of provided axes != number of dimensions");
        }
        m_min = new double[interval.numDimensions()];
        m_max = new double[interval.numDimensions()];
        interval.realMin(m_min);
        interval.realMax(m_max);
    }

    @Override
    public double averageScale(final int d) {
        return axis(d).averageScale(realMin(d), realMax(d));
    }

    @Override
    public double realMin(final int d) {
        return m_min[d];
    }

    @Override
    public void realMin(final double[] dest) {
        for (int d = 0; d < dest.length; d++) {
            dest[d] = realMin(d);
        }
    }

    @Override
    public void realMin(final RealPositionable dest) {
        for (int d = 0; d < dest.numDimensions(); d++) {
            dest.setPosition(realMin(d), d);
        }
    }

    @Override
    public double realMax(final int d) {
        return m_max[d];
    }

    @Override
    public void realMax(final double[] dest) {
        for (int d = 0; d < dest.length; d++) {
            dest[d] = realMax(d);
        }
    }

    @Override
    public void realMax(final RealPositionable dest) {
        for (int d = 0; d < dest.numDimensions(); d++) {
            dest.setPosition(realMax(d), d);
        }
    }
}
