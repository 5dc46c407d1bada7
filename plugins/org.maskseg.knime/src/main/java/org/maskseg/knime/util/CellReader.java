package org.maskseg.knime.util;

import java.nio.file.Path;
import java.util.function.Supplier;

import org.knime.core.data.DataCell;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.StringValue;
import org.knime.knip.base.data.img.ImgPlusValue;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;

/**
 * Reads the image, label and region-of-interest cells of a row as engine volumes. A cell is either a KNIME Image
 * Processing image or a file path (TIFF, PNG, NIfTI, read with the engine's reader). Volumes are named after the
 * row key; every error names the row and column.
 */
public final class CellReader {

    private final int m_label;

    private final int m_image;

    private final int m_roi;

    private final String m_labelName;

    private final String m_imageName;

    private final String m_roiName;

    /** Column names may be null when a column is not used. */
    public CellReader(final DataTableSpec spec, final String labelColumn, final String imageColumn,
        final String roiColumn) {
        m_label = index(spec, labelColumn);
        m_image = index(spec, imageColumn);
        m_roi = index(spec, roiColumn);
        m_labelName = labelColumn;
        m_imageName = imageColumn;
        m_roiName = roiColumn;
    }

    private static int index(final DataTableSpec spec, final String column) {
        if (column == null) {
            return -1;
        }
        int i = spec.findColumnIndex(column);
        if (i < 0) {
            throw new InvalidInputException("Column \"" + column + "\" is not in the input table");
        }
        return i;
    }

    public boolean hasImage() {
        return m_image >= 0;
    }

    public boolean hasLabels() {
        return m_label >= 0;
    }

    public boolean hasRoi() {
        return m_roi >= 0;
    }

    public ImageVolume image(final DataRow row) {
        DataCell c = cell(row, m_image, m_imageName);
        return inRow(row, m_imageName, () -> c instanceof ImgPlusValue<?> v
            ? ImageCells.toImageVolume(v, row.getKey().getString())
            : ImageFiles.readImage(path(c), row.getKey().getString()));
    }

    public LabelVolume labels(final DataRow row) {
        return labelVolume(row, m_label, m_labelName);
    }

    /** The region-of-interest mask (nonzero = inside) as a label volume. */
    public LabelVolume roi(final DataRow row) {
        return labelVolume(row, m_roi, m_roiName);
    }

    private LabelVolume labelVolume(final DataRow row, final int index, final String column) {
        DataCell c = cell(row, index, column);
        return inRow(row, column, () -> c instanceof ImgPlusValue<?> v
            ? ImageCells.toLabelVolume(v, row.getKey().getString())
            : ImageFiles.readLabels(path(c), row.getKey().getString()));
    }

    private static DataCell cell(final DataRow row, final int index, final String column) {
        if (index < 0) {
            throw new IllegalStateException("column \"" + column + "\" is not read by this node");
        }
        DataCell c = row.getCell(index);
        if (c.isMissing()) {
            throw RowErrors.missing(row.getKey(), column);
        }
        return c;
    }

    private static Path path(final DataCell c) {
        if (!(c instanceof StringValue s)) {
            throw new InvalidInputException("expected an image or a file path, got a cell of type " + c.getType());
        }
        return LocalFiles.resolve(s.getStringValue(), "file");
    }

    /** Runs engine work for a row; its user-facing errors get the row key in front. */
    public <T> T inRow(final DataRow row, final Supplier<T> work) {
        return inRow(row, null, work);
    }

    private static <T> T inRow(final DataRow row, final String column, final Supplier<T> work) {
        try {
            return work.get();
        } catch (InvalidInputException e) {
            throw RowErrors.inRow(row.getKey(), column, e);
        }
    }
}
