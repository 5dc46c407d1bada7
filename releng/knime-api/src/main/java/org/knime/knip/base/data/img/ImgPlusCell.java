package org.knime.knip.base.data.img;

import org.knime.core.data.DataCell;
import org.knime.core.data.DataType;
import org.knime.core.data.StringValue;
import org.knime.core.data.filestore.FileStoreCell;
import org.knime.knip.base.data.IntervalValue;

import net.imagej.ImgPlus;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.RealType;

/**
 * API surface: the image cell of KNIME Image Processing, with KNIP's superclass and interfaces. KNIP's cell writes
 * its image to a file store; this one keeps the image in memory. Created through {@link ImgPlusCellFactory}.
 * <p>
 * Source checked: knime-ip/knip, org.knime.knip.base/src/org/knime/knip/base/data/img/ImgPlusCell.java, commit 961b9b1781cc25873c3476159fa2eadb972a7230.
 */
public class ImgPlusCell<T extends RealType<T>> extends FileStoreCell implements ImgPlusValue<T>, StringValue, IntervalValue {
    private static final long serialVersionUID = 1L;

    public static final DataType TYPE = DataType.getType(ImgPlusCell.class);

    private final transient ImgPlus<T> m_imgPlus;

    ImgPlusCell(final ImgPlus<T> imgPlus) {
        m_imgPlus = imgPlus;
    }

    @Override
    public long[] getDimensions() {
        long[] dims = new long[m_imgPlus.numDimensions()];
        m_imgPlus.dimensions(dims);
        return dims;
    }

    @Override
    public ImgPlus<T> getImgPlus() {
        return m_imgPlus;
    }

    @Override
    public ImgPlus<T> getImgPlusCopy() {
        Img<T> copy = m_imgPlus.getImg().copy();
        int n = m_imgPlus.numDimensions();
        net.imagej.axis.AxisType[] types = new net.imagej.axis.AxisType[n];
        double[] cal = new double[n];
        for (int d = 0; d < n; d++) {
            types[d] = m_imgPlus.axis(d).type();
            cal[d] = m_imgPlus.averageScale(d);
        }
        return new ImgPlus<>(copy, m_imgPlus.getName(), types, cal);
    }

    @Override
    public long[] getMinimum() {
        long[] min = new long[m_imgPlus.numDimensions()];
        m_imgPlus.getImg().min(min);
        return min;
    }

    @SuppressWarnings("unchecked")
    @Override
    public Class<T> getPixelType() {
        return (Class<T>)m_imgPlus.getImg().firstElement().getClass();
    }

    @Override
    public String getStringValue() {
        return toString();
    }

    @Override
    public String toString() {
        return m_imgPlus.getName() + " " + java.util.Arrays.toString(getDimensions());
    }

    @Override
    protected boolean equalsDataCell(final DataCell dc) {
        return ((ImgPlusCell<?>)dc).m_imgPlus == m_imgPlus;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(m_imgPlus);
    }
}
