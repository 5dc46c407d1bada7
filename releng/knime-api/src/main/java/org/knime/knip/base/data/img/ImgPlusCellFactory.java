package org.knime.knip.base.data.img;

import java.io.IOException;

import org.knime.core.data.DataType;
import org.knime.core.node.ExecutionContext;
import org.knime.knip.base.data.KNIPCellFactory;

import net.imagej.ImgPlus;
import net.imglib2.type.numeric.RealType;

/**
 * API surface: creates image cells (in KNIP: file-store backed, one file store per factory).
 * <p>
 * Source checked: knime-ip/knip, org.knime.knip.base/src/org/knime/knip/base/data/img/ImgPlusCellFactory.java, commit 961b9b1781cc25873c3476159fa2eadb972a7230.
 */
public final class ImgPlusCellFactory extends KNIPCellFactory {

    public ImgPlusCellFactory(final ExecutionContext exec) {
        super(exec);
    }

    public final <T extends RealType<T>> ImgPlusCell<T> createCell(final ImgPlus<T> imgPlus) throws IOException {
        return new ImgPlusCell<>(imgPlus);
    }

    public DataType getDataType() {
        return ImgPlusCell.TYPE;
    }
}
