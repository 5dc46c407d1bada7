package org.knime.knip.base.data.img;

import org.knime.core.data.DataValue;

import net.imagej.ImgPlus;
import net.imglib2.type.numeric.RealType;

/**
 * API surface (subset): a KNIME Image Processing image cell value.
 * <p>
 * Source checked: knime-ip/knip, org.knime.knip.base/src/org/knime/knip/base/data/img/ImgPlusValue.java, commit 961b9b1781cc25873c3476159fa2eadb972a7230.
 */
public interface ImgPlusValue<T extends RealType<T>> extends DataValue {

    long[] getDimensions();

    ImgPlus<T> getImgPlus();

    ImgPlus<T> getImgPlusCopy();

    long[] getMinimum();

    Class<T> getPixelType();
}
