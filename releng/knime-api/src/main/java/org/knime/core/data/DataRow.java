package org.knime.core.data;

/**
 * API surface: one row of a table.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/DataRow.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface DataRow extends Iterable<DataCell> {

    int getNumCells();

    RowKey getKey();

    DataCell getCell(int index);
}
