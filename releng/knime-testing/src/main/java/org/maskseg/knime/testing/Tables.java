package org.maskseg.knime.testing;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.knime.core.data.DataColumnSpec;
import org.knime.core.data.DataColumnSpecCreator;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.DataType;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.NodeTestAccess;

/** Builds input tables for node tests. */
public final class Tables {

    private Tables() {
    }

    /** A spec from alternating column names and types: {@code spec("image", ImgPlusCell.TYPE, ...)}. */
    public static DataTableSpec spec(final Object... namesAndTypes) {
        if (namesAndTypes.length % 2 != 0) {
            throw new IllegalArgumentException("expected name/type pairs");
        }
        DataColumnSpec[] cols = new DataColumnSpec[namesAndTypes.length / 2];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = new DataColumnSpecCreator((String)namesAndTypes[2 * i], (DataType)namesAndTypes[2 * i + 1])
                .createSpec();
        }
        return new DataTableSpec(cols);
    }

    /** The spec with one column's property set (the column's other properties kept). */
    public static DataTableSpec withProperty(final DataTableSpec spec, final String column, final String key,
        final String value) {
        DataColumnSpec[] cols = new DataColumnSpec[spec.getNumColumns()];
        for (int i = 0; i < cols.length; i++) {
            DataColumnSpec c = spec.getColumnSpec(i);
            if (c.getName().equals(column)) {
                DataColumnSpecCreator creator = new DataColumnSpecCreator(c);
                creator.setProperties(c.getProperties().cloneAndOverwrite(Map.of(key, value)));
                c = creator.createSpec();
            }
            cols[i] = c;
        }
        if (spec.findColumnIndex(column) < 0) {
            throw new IllegalArgumentException("no column \"" + column + "\" in " + spec);
        }
        return new DataTableSpec(spec.getName(), cols);
    }

    public static BufferedDataTable table(final DataTableSpec spec, final List<DataRow> rows) {
        return NodeTestAccess.table(spec, rows);
    }

    public static BufferedDataTable table(final DataTableSpec spec, final DataRow... rows) {
        return table(spec, Arrays.asList(rows));
    }
}
