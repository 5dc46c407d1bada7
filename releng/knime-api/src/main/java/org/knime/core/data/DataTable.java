package org.knime.core.data;

/**
 * API surface: a table with a spec and rows.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/DataTable.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface DataTable extends Iterable<DataRow> {

    DataTableSpec getDataTableSpec();

    @Override
    RowIterator iterator();
}
