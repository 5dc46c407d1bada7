package net.imagej;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import net.imagej.axis.Axes;
import net.imagej.axis.AxisType;
import net.imagej.axis.CalibratedAxis;
import net.imagej.axis.DefaultLinearAxis;
import net.imagej.interval.AbstractCalibratedRealInterval;
import net.imglib2.Cursor;
import net.imglib2.Interval;
import net.imglib2.RandomAccess;
import net.imglib2.img.Img;
import net.imglib2.img.ImgFactory;
import net.imglib2.img.WrappedImg;

/**
 * API surface (subset): an ImgLib2 image with a name and calibrated axes, with the real class hierarchy. In
 * particular {@code axis(int)} is inherited from {@link net.imagej.space.AbstractAnnotatedSpace}, so its erased
 * descriptor returns {@code net.imagej.axis.Axis}, exactly as in KNIME Image Processing; {@link Img} methods
 * delegate to the wrapped image. Colour tables, channel ranges and valid bits are left out.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/ImgPlus.java.
 */
public class ImgPlus<T> extends AbstractCalibratedRealInterval<CalibratedAxis>
    implements Img<T>, WrappedImg<T>, ImgPlusMetadata {

    private final Img<T> m_img;

    private String m_name;

    private String m_source = "";

    private final Map<String, Object> m_properties = new HashMap<>();

    public ImgPlus(final Img<T> img) {
        this(img, null, null, null);
    }

    public ImgPlus(final Img<T> img, final String name) {
        this(img, name, null, null);
    }

    public ImgPlus(final Img<T> img, final String name, final AxisType[] axes) {
        this(img, name, axes, null);
    }

    /** Missing axis types default to X, Y, Z, then Time; missing calibration to 1. */
    public ImgPlus(final Img<T> img, final String name, final AxisType[] axisTypes, final double[] cal) {
        this(img, name, linearAxes(img, axisTypes, cal));
    }

    public ImgPlus(final Img<T> img, final String name, final CalibratedAxis... axes) {
        super(img, axes);
        m_img = img;
        setName(name);
    }

    private static CalibratedAxis[] linearAxes(final Img<?> img, final AxisType[] axisTypes, final double[] cal) {
        int n = img.numDimensions();
        if (axisTypes != null && axisTypes.length != n) {
            throw new IllegalArgumentException(
                "Axis type count does not match dimensionality: " + axisTypes.length + " != " + n);
        }
        if (cal != null && cal.length != n) {
            throw new IllegalArgumentException(
                "Calibration count does not match dimensionality: " + cal.length + " != " + n);
        }
        AxisType[] defaults = {Axes.X, Axes.Y, Axes.Z};
        CalibratedAxis[] axes = new CalibratedAxis[n];
        for (int d = 0; d < n; d++) {
            AxisType t = axisTypes != null ? axisTypes[d] : d < defaults.length ? defaults[d] : Axes.TIME;
            axes[d] = new DefaultLinearAxis(t, cal != null ? cal[d] : 1);
        }
        return axes;
    }

    // -- WrappedImg

    @Override
    public Img<T> getImg() {
        return m_img;
    }

    // -- Img (delegated)

    @Override
    public RandomAccess<T> randomAccess() {
        return m_img.randomAccess();
    }

    @Override
    public RandomAccess<T> randomAccess(final Interval interval) {
        return m_img.randomAccess(interval);
    }

    @Override
    public long min(final int d) {
        return m_img.min(d);
    }

    @Override
    public long max(final int d) {
        return m_img.max(d);
    }

    @Override
    public void dimensions(final long[] dimensions) {
        m_img.dimensions(dimensions);
    }

    @Override
    public long dimension(final int d) {
        return m_img.dimension(d);
    }

    @Override
    public Cursor<T> cursor() {
        return m_img.cursor();
    }

    @Override
    public Cursor<T> localizingCursor() {
        return m_img.localizingCursor();
    }

    @Override
    public long size() {
        return m_img.size();
    }

    @Override
    public T firstElement() {
        return m_img.firstElement();
    }

    @Override
    public Object iterationOrder() {
        return m_img.iterationOrder();
    }

    @Override
    public Iterator<T> iterator() {
        return m_img.iterator();
    }

    @Override
    public ImgFactory<T> factory() {
        return m_img.factory();
    }

    /** A copy of the pixels with the same name and axes. */
    @Override
    public ImgPlus<T> copy() {
        CalibratedAxis[] axes = new CalibratedAxis[numDimensions()];
        for (int d = 0; d < axes.length; d++) {
            axes[d] = axis(d).copy();
        }
        ImgPlus<T> c = new ImgPlus<>(m_img.copy(), m_name, axes);
        c.setSource(m_source);
        c.m_properties.putAll(m_properties);
        return c;
    }

    // -- Named, Sourced, ImageMetadata

    @Override
    public String getName() {
        return m_name;
    }

    @Override
    public void setName(final String name) {
        m_name = name == null ? "Untitled" : name;
    }

    @Override
    public String getSource() {
        return m_source;
    }

    @Override
    public void setSource(final String source) {
        m_source = source;
    }

    @Override
    public Map<String, Object> getProperties() {
        return m_properties;
    }
}
