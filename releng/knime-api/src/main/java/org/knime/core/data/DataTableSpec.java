package org.knime.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import javax.swing.JComponent;

import org.knime.core.node.port.PortObjectSpec;

/**
 * API surface: the columns of a table. Column names are unique, as in KNIME.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/DataTableSpec.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class DataTableSpec implements PortObjectSpec, Iterable<DataColumnSpec> {

    private final String m_name;

    private final List<DataColumnSpec> m_columns;

    public DataTableSpec() {
        this("default");
    }

    public DataTableSpec(final DataColumnSpec... colSpecs) {
        this("default", colSpecs);
    }

    public DataTableSpec(final String name) {
        this(name, new DataColumnSpec[0]);
    }

    public DataTableSpec(final String name, final DataColumnSpec... colSpecs) {
        m_name = name;
        m_columns = List.copyOf(Arrays.asList(colSpecs));
        Set<String> seen = new HashSet<>();
        for (DataColumnSpec c : m_columns) {
            if (!seen.add(c.getName())) {
                throw new IllegalArgumentException("Duplicate column name \"" + c.getName() + "\"");
            }
        }
    }

    /** Appends the columns of the second spec to those of the first. */
    public DataTableSpec(final DataTableSpec spec1, final DataTableSpec spec2) {
        this(spec1.getName(), concat(spec1, spec2));
    }

    private static DataColumnSpec[] concat(final DataTableSpec a, final DataTableSpec b) {
        List<DataColumnSpec> all = new ArrayList<>(a.m_columns);
        all.addAll(b.m_columns);
        return all.toArray(DataColumnSpec[]::new);
    }

    public String getName() {
        return m_name;
    }

    public int getNumColumns() {
        return m_columns.size();
    }

    public DataColumnSpec getColumnSpec(final int index) {
        return m_columns.get(index);
    }

    public DataColumnSpec getColumnSpec(final String column) {
        int i = findColumnIndex(column);
        return i < 0 ? null : m_columns.get(i);
    }

    public int findColumnIndex(final String columnName) {
        for (int i = 0; i < m_columns.size(); i++) {
            if (m_columns.get(i).getName().equals(columnName)) {
                return i;
            }
        }
        return -1;
    }

    public boolean containsName(final String columnName) {
        return findColumnIndex(columnName) >= 0;
    }

    public final String[] getColumnNames() {
        return m_columns.stream().map(DataColumnSpec::getName).toArray(String[]::new);
    }

    /** A column name based on {@code suggestedColName} that does not exist in {@code spec} yet. */
    public static String getUniqueColumnName(final DataTableSpec spec, final String suggestedColName) {
        if (spec == null || !spec.containsName(suggestedColName)) {
            return suggestedColName;
        }
        int i = 1;
        while (spec.containsName(suggestedColName + " (#" + i + ")")) {
            i++;
        }
        return suggestedColName + " (#" + i + ")";
    }

    @Override
    public Iterator<DataColumnSpec> iterator() {
        return m_columns.iterator();
    }

    public Stream<DataColumnSpec> stream() {
        return m_columns.stream();
    }

    @Override
    public JComponent[] getViews() {
        return new JComponent[0];
    }

    @Override
    public boolean equals(final Object obj) {
        return obj instanceof DataTableSpec s && s.m_columns.equals(m_columns);
    }

    @Override
    public int hashCode() {
        return m_columns.hashCode();
    }

    @Override
    public String toString() {
        return "DataTableSpec" + m_columns;
    }
}
