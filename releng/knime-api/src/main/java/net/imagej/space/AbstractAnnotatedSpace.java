package net.imagej.space;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import net.imagej.axis.Axis;

/**
 * API surface: list-backed axes. This class declares {@code axis(int)}, so {@code ImgPlus.axis(int)} has the
 * erased descriptor {@code (I)Lnet/imagej/axis/Axis;}; code that needs a {@code CalibratedAxis} gets it through
 * the type argument (javac inserts the cast at the call site).
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/space/AbstractAnnotatedSpace.java.
 */
public abstract class AbstractAnnotatedSpace<A extends Axis> implements AnnotatedSpace<A> {

    private final List<A> m_axes;

    public AbstractAnnotatedSpace(final int numDims) {
        m_axes = new ArrayList<>(numDims);
        for (int d = 0; d < numDims; d++) {
            m_axes.add(null);
        }
    }

    @SafeVarargs
    public AbstractAnnotatedSpace(final A... axes) {
        this(Arrays.asList(axes));
    }

    public AbstractAnnotatedSpace(final List<A> axes) {
        m_axes = new ArrayList<>(axes);
    }

    @Override
    public A axis(final int d) {
        return m_axes.get(d);
    }

    @Override
    public void axes(final A[] axes) {
        for (int d = 0; d < axes.length; d++) {
            axes[d] = axis(d);
        }
    }

    @Override
    public void setAxis(final A axis, final int d) {
        while (m_axes.size() <= d) {
            m_axes.add(null);
        }
        m_axes.set(d, axis);
    }

    @Override
    public int numDimensions() {
        return m_axes.size();
    }
}
