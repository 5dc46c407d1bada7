package net.imagej.axis;

import java.io.Serializable;

/**
 * API surface: an axis type given by its label.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/axis/DefaultAxisType.java.
 */
public class DefaultAxisType implements AxisType, Serializable, Comparable<AxisType> {

    private static final long serialVersionUID = 1L;

    private final String m_label;

    private final boolean m_spatial;

    public DefaultAxisType(final String label) {
        this(label, false);
    }

    public DefaultAxisType(final String label, final boolean spatial) {
        m_label = label;
        m_spatial = spatial;
    }

    @Override
    public String getLabel() {
        return m_label;
    }

    @Override
    public boolean isXY() {
        return this == Axes.X || this == Axes.Y;
    }

    @Override
    public boolean isSpatial() {
        return m_spatial;
    }

    @Override
    public int compareTo(final AxisType other) {
        return m_label.compareTo(other.getLabel());
    }

    @Override
    public String toString() {
        return m_label;
    }
}
