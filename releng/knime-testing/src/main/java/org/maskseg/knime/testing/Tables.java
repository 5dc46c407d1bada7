package org.maskseg.knime.testing;

import java.util.Arrays;
import java.util.List;

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

    public static BufferedDataTable table(final DataTableSpec spec, final List<DataRow> rows) {
        return NodeTestAccess.table(spec, rows);
    }

    public static BufferedDataTable table(final DataTableSpec spec, final DataRow... rows) {
        return table(spec, Arrays.asList(rows));
    }
}
