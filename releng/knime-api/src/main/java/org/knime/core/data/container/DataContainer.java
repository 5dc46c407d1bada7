package org.knime.core.data.container;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.knime.core.data.DataCell;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.DataType;

/**
 * API surface: collects rows for a new table. This in-memory version checks what KNIME checks when rows are added:
 * the number of cells, the cell types against the spec and unique row keys.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/container/DataContainer.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public class DataContainer implements RowAppender, RowFlushable {

    private final DataTableSpec m_spec;

    private final List<DataRow> m_rows = new ArrayList<>();

    private final Set<String> m_keys = new HashSet<>();

    private boolean m_open = true;

    public DataContainer(final DataTableSpec spec) {
        m_spec = spec;
    }

    public void addRowToTable(final DataRow row) {
        if (!m_open) {
            throw new IllegalStateException("Cannot add rows to a closed container");
        }
        if (row.getNumCells() != m_spec.getNumColumns()) {
            throw new IllegalArgumentException("Row " + row.getKey() + " has " + row.getNumCells()
                + " cells, the spec has " + m_spec.getNumColumns() + " columns");
        }
        for (int i = 0; i < row.getNumCells(); i++) {
            DataCell c = row.getCell(i);
            DataType type = m_spec.getColumnSpec(i).getType();
            boolean fits = type.getCellClass().isInstance(c) && (type.getCollectionElementType() == null
                || type.getCollectionElementType().equals(c.getType().getCollectionElementType()));
            if (!c.isMissing() && !fits) {
                throw new IllegalArgumentException("Row " + row.getKey() + ", column \""
                    + m_spec.getColumnSpec(i).getName() + "\": cell of type " + c.getType()
                    + " does not fit column type " + m_spec.getColumnSpec(i).getType());
            }
        }
        if (!m_keys.add(row.getKey().getString())) {
            throw new IllegalArgumentException("Duplicate row key \"" + row.getKey() + "\"");
        }
        m_rows.add(row);
    }

    public void close() {
        m_open = false;
    }

    public boolean isOpen() {
        return m_open;
    }

    public DataTableSpec getTableSpec() {
        return m_spec;
    }

    public long size() {
        return m_rows.size();
    }

    /** Access for the table-building subclass in another package. */
    protected final List<DataRow> collectedRows() {
        return List.copyOf(m_rows);
    }
}
