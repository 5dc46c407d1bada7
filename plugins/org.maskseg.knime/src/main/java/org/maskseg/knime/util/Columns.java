package org.maskseg.knime.util;

import java.util.Arrays;

import org.knime.core.data.DataColumnSpec;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.DataValue;
import org.knime.core.data.StringValue;
import org.knime.core.node.InvalidSettingsException;
import org.knime.knip.base.data.img.ImgPlusValue;

/** Finding and checking the columns a node's settings name. */
public final class Columns {

    private Columns() {
    }

    /** Image and label columns hold KNIME Image Processing images or file paths. */
    @SuppressWarnings("unchecked")
    public static final Class<? extends DataValue>[] IMAGE_OR_PATH = new Class[]{ImgPlusValue.class, StringValue.class};

    /**
     * The index of the named column, which must exist and hold one of the accepted value kinds.
     *
     * @param setting the setting's label as the dialog shows it, for the message
     */
    @SafeVarargs
    public static int require(final DataTableSpec spec, final String column, final String setting,
        final Class<? extends DataValue>... accepted) throws InvalidSettingsException {
        if (column == null || column.isEmpty()) {
            throw new InvalidSettingsException("No column selected for \"" + setting + "\"; open the dialog and choose one");
        }
        int index = spec.findColumnIndex(column);
        if (index < 0) {
            throw new InvalidSettingsException("Column \"" + column + "\" (setting \"" + setting
                + "\") is not in the input table; its columns are " + Arrays.toString(spec.getColumnNames()));
        }
        DataColumnSpec col = spec.getColumnSpec(index);
        for (Class<? extends DataValue> c : accepted) {
            if (col.getType().isCompatible(c)) {
                return index;
            }
        }
        throw new InvalidSettingsException("Column \"" + column + "\" (setting \"" + setting + "\") has type "
            + col.getType() + "; expected " + describe(accepted));
    }

    /** Words that mark a column of label images or masks. */
    public static final java.util.List<String> LABEL_HINTS = java.util.List.of("label", "mask", "seg", "annot", "truth");

    /**
     * A column for a dialog default: the first compatible column not in {@code exclude} whose name contains one
     * of the hints (case-insensitive), else the first compatible one that contains none of the label hints when
     * {@code hints} is empty, else null.
     */
    @SafeVarargs
    public static String guess(final DataTableSpec spec, final java.util.Collection<String> exclude,
        final java.util.List<String> hints, final Class<? extends DataValue>... accepted) {
        String fallback = null;
        for (DataColumnSpec col : spec) {
            String name = col.getName();
            if (exclude.contains(name) || !compatible(col, accepted)) {
                continue;
            }
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            boolean labelLike = LABEL_HINTS.stream().anyMatch(lower::contains);
            if (!hints.isEmpty() && hints.stream().anyMatch(lower::contains)) {
                return name;
            }
            if (hints.isEmpty() && !labelLike && fallback == null) {
                fallback = name;
            }
        }
        return fallback;
    }

    private static boolean compatible(final DataColumnSpec col, final Class<? extends DataValue>[] accepted) {
        for (Class<? extends DataValue> c : accepted) {
            if (col.getType().isCompatible(c)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(final Class<? extends DataValue>[] accepted) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < accepted.length; i++) {
            sb.append(i == 0 ? "" : i == accepted.length - 1 ? " or " : ", ");
            sb.append(accepted[i] == ImgPlusValue.class ? "an image (KNIME Image Processing)"
                : accepted[i] == StringValue.class ? "a file path (string)" : accepted[i].getSimpleName());
        }
        return sb.toString();
    }
}
