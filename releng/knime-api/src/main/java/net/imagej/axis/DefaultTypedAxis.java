package net.imagej.axis;

/**
 * API surface: an axis that has a type and nothing else.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/axis/DefaultTypedAxis.java.
 */
public class DefaultTypedAxis implements TypedAxis {

    private AxisType m_type;

    public DefaultTypedAxis(final AxisType type) {
        setType(type);
    }

    @Override
    public AxisType type() {
        return m_type;
    }

    @Override
    public void setType(final AxisType type) {
        m_type = type;
    }
}
