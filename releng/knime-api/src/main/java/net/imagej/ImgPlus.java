package net.imagej;

import net.imagej.axis.Axes;
import net.imagej.axis.AxisType;
import net.imagej.axis.CalibratedAxis;
import net.imagej.axis.DefaultLinearAxis;
import net.imglib2.img.Img;

/**
 * API surface (subset): an ImgLib2 image with a name and calibrated axes. ImageJ's ImgPlus also implements Img
 * itself; the nodes only use {@link #getImg()} and the axis metadata, which is all that is declared here.
 * <p>
 * Source checked: imagej/imagej-common, src/main/java/net/imagej/ImgPlus.java (as used by KNIME Image Processing 1.8).
 */
public class ImgPlus<T> {

    private final Img<T> m_img;

    private String m_name;

    private final CalibratedAxis[] m_axes;

    public ImgPlus(final Img<T> img) {
        this(img, null, null, null);
    }

    public ImgPlus(final Img<T> img, final String name) {
        this(img, name, null, null);
    }

    public ImgPlus(final Img<T> img, final String name, final AxisType[] axes) {
        this(img, name, axes, null);
    }

    /** Missing axis types default to X, Y, then Z; missing calibration to 1. */
    public ImgPlus(final Img<T> img, final String name, final AxisType[] axisTypes, final double[] cal) {
        m_img = img;
        m_name = name == null ? "Untitled" : name;
        int n = img.numDimensions();
        if (axisTypes != null && axisTypes.length != n) {
            throw new IllegalArgumentException("Axis type count does not match dimensionality: " + axisTypes.length
                + " != " + n);
        }
        m_axes = new CalibratedAxis[n];
        AxisType[] defaults = {Axes.X, Axes.Y, Axes.Z};
        for (int d = 0; d < n; d++) {
            AxisType t = axisTypes != null ? axisTypes[d] : d < defaults.length ? defaults[d] : Axes.TIME;
            m_axes[d] = new DefaultLinearAxis(t, cal != null && d < cal.length ? cal[d] : 1);
        }
    }

    public Img<T> getImg() {
        return m_img;
    }

    public String getName() {
        return m_name;
    }

    public void setName(final String name) {
        m_name = name;
    }

    public int numDimensions() {
        return m_img.numDimensions();
    }

    public long dimension(final int d) {
        return m_img.dimension(d);
    }

    public void dimensions(final long[] dimensions) {
        m_img.dimensions(dimensions);
    }

    public CalibratedAxis axis(final int d) {
        return m_axes[d];
    }

    /** Index of the axis of the given type, or -1. */
    public int dimensionIndex(final AxisType axis) {
        for (int d = 0; d < m_axes.length; d++) {
            if (m_axes[d].type().equals(axis)) {
                return d;
            }
        }
        return -1;
    }

    public double averageScale(final int d) {
        return m_axes[d].averageScale(0, 1);
    }
}
