package org.maskseg.knime.util;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.knime.core.data.DataCell;
import org.knime.core.data.DataColumnSpec;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.DataValue;
import org.knime.core.data.IntValue;
import org.knime.core.data.StringValue;
import org.knime.core.data.collection.CollectionDataValue;
import org.knime.core.node.InvalidSettingsException;
import org.knime.knip.base.data.img.ImgPlusValue;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.labels.ClassKnowledge;

/**
 * The partial-label columns of a training table: which foreground classes each row annotates (a string such as
 * "nucleus; mito" or "1;2", or a collection of such strings or of numbers) and per class a mask of the pixels where
 * that class is unknown. Turns each row into a {@link ClassKnowledge} for the engine. A missing class-set cell means
 * every class is annotated; a row whose mask cell is missing knows that class wherever it is annotated. The Masked
 * Trainer reads training labels this way, the Predictor the reference labels it scores against.
 */
public final class PartialLabelColumns {

    /** One unknown-mask column and the class it belongs to (a name or a value, resolved per job). */
    public record MaskColumn(String column, int index, String classToken, CellReader reader) {
    }

    /** A class-set column holds text ("nucleus; mito") or a collection of texts or numbers. */
    @SuppressWarnings("unchecked")
    public static final Class<? extends DataValue>[] CLASS_SET_TYPES =
        new Class[]{StringValue.class, CollectionDataValue.class};

    private final String m_classSetColumn;

    private final int m_classSetIndex;

    private final List<MaskColumn> m_masks;

    private PartialLabelColumns(final String classSetColumn, final int classSetIndex, final List<MaskColumn> masks) {
        m_classSetColumn = classSetColumn;
        m_classSetIndex = classSetIndex;
        m_masks = List.copyOf(masks);
    }

    /**
     * The partial-label columns the settings select in a table.
     *
     * @param classSetColumn the annotated-classes column, or null/empty for none
     * @param detect         whether every column named "Unknown mask (&lt;class&gt;)" is used
     * @param maskColumn     a further unknown-mask column, or null/empty for none
     * @param maskClass      its class; empty to take it from a column named "Unknown mask (&lt;class&gt;)"
     */
    public static PartialLabelColumns of(final DataTableSpec spec, final String classSetColumn, final boolean detect,
        final String maskColumn, final String maskClass) throws InvalidSettingsException {
        int classSetIndex = -1;
        String classSet = blankToNull(classSetColumn);
        if (classSet != null) {
            classSetIndex = Columns.require(spec, classSet, "Annotated classes column", CLASS_SET_TYPES);
            if (spec.getColumnSpec(classSetIndex).getType().isCompatible(ImgPlusValue.class)) {
                throw new InvalidSettingsException("Column \"" + classSet + "\" (setting \"Annotated classes column\")"
                    + " holds images; expected text naming the annotated classes, e.g. \"nucleus; mito\" or \"1;2\"");
            }
        }
        List<MaskColumn> masks = new ArrayList<>();
        String explicit = blankToNull(maskColumn);
        if (explicit != null) {
            Columns.require(spec, explicit, "Unknown mask column", Columns.IMAGE_OR_PATH);
            String token = blankToNull(maskClass);
            if (token == null) {
                token = UnknownMaskColumns.className(explicit);
            }
            if (token == null) {
                throw new InvalidSettingsException("\"Unknown mask class\" is empty and the column \"" + explicit
                    + "\" does not name its class like \"" + UnknownMaskColumns.name("mito")
                    + "\"; give the class whose unknown pixels the column marks (a name or a value)");
            }
            masks.add(maskColumn(spec, explicit, token));
        }
        if (detect) {
            for (DataColumnSpec c : spec) {
                String cls = UnknownMaskColumns.className(c.getName());
                if (cls != null && !c.getName().equals(explicit) && imageOrPath(c)) {
                    masks.add(maskColumn(spec, c.getName(), cls));
                }
            }
        }
        return new PartialLabelColumns(classSet, classSetIndex, masks);
    }

    private static MaskColumn maskColumn(final DataTableSpec spec, final String column, final String classToken) {
        return new MaskColumn(column, spec.findColumnIndex(column), classToken,
            new CellReader(spec, column, null, null));
    }

    private static boolean imageOrPath(final DataColumnSpec c) {
        for (Class<? extends DataValue> v : Columns.IMAGE_OR_PATH) {
            if (c.getType().isCompatible(v)) {
                return true;
            }
        }
        return false;
    }

    private static String blankToNull(final String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Whether the table carries no partial-label information: every class is known wherever annotated. */
    public boolean isEmpty() {
        return m_classSetIndex < 0 && m_masks.isEmpty();
    }

    /** The annotated-classes column in use, or null; for messages. */
    public String annotatedClassesColumn() {
        return m_classSetColumn;
    }

    /** The unknown-mask columns in use, for messages. */
    public List<MaskColumn> maskColumns() {
        return m_masks;
    }

    /**
     * What one row says about its classes.
     *
     * @param classNames the job's class names (index = value), used to find classes given by name; may be empty
     */
    public ClassKnowledge knowledge(final DataRow row, final List<String> classNames) {
        ClassKnowledge k = ClassKnowledge.complete();
        if (m_classSetIndex >= 0) {
            DataCell cell = row.getCell(m_classSetIndex);
            if (!cell.isMissing()) {
                Set<Integer> classes = new TreeSet<>();
                for (String token : tokens(cell)) {
                    int c = resolve(token, classNames, row, m_classSetColumn);
                    if (c > 0) {
                        classes.add(c); // background is always annotated
                    }
                }
                k = ClassKnowledge.annotated(classes);
            }
        }
        for (MaskColumn m : m_masks) {
            int c = resolve(m.classToken(), classNames, row, m.column());
            if (c == 0) {
                throw RowErrors.inRow(row.getKey(), m.column(), new InvalidInputException(
                    "background cannot be unknown; an unknown mask belongs to a foreground class"));
            }
            DataCell cell = row.getCell(m.index());
            if (!cell.isMissing()) {
                k = k.withUnknownMask(c, m.reader().labels(row));
            }
        }
        return k;
    }

    /**
     * The classes of a class-set cell: the elements of a collection, or a text with the classes separated by ';'
     * (commas are accepted too).
     */
    private static List<String> tokens(final DataCell cell) {
        List<String> out = new ArrayList<>();
        if (cell instanceof CollectionDataValue c) {
            for (DataCell e : c) {
                if (!e.isMissing()) {
                    out.addAll(tokens(e));
                }
            }
        } else if (cell instanceof IntValue i) {
            out.add(Integer.toString(i.getIntValue()));
        } else if (cell instanceof StringValue s) {
            for (String t : s.getStringValue().split("[;,]")) {
                if (!t.isBlank()) {
                    out.add(t.strip());
                }
            }
        }
        return out;
    }

    /** A class given by value or by name (case-insensitive) among the class names. */
    private static int resolve(final String token, final List<String> classNames, final DataRow row,
        final String column) {
        if (token.matches("\\d{1,9}")) {
            return Integer.parseInt(token);
        }
        for (int c = 0; c < classNames.size(); c++) {
            if (classNames.get(c).toLowerCase(Locale.ROOT).equals(token.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        String why = classNames.isEmpty()
            ? "the classes have no names (names come from the initial model or the Class names setting); give class"
                + " values such as 2"
            : "the classes are " + classNames + " (give a name or a value)";
        throw RowErrors.inRow(row.getKey(), column, new InvalidInputException("unknown class '" + token + "'; " + why));
    }
}
