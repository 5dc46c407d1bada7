package org.knime.core.data.collection;

import java.util.Iterator;
import java.util.List;

import org.knime.core.data.DataCell;
import org.knime.core.data.DataType;

/**
 * API surface: a cell holding an ordered list of cells (which may be missing cells). Created with
 * {@link CollectionCellFactory#createListCell}; the column type of a list column is
 * {@link #getCollectionType(DataType)} of the element type. Here the elements are kept in an immutable list; KNIME
 * also handles blob cells inside lists.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/collection/ListCell.java, commit
 * 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public class ListCell extends DataCell implements ListDataValue {
    private static final long serialVersionUID = 1L;

    private final List<DataCell> m_cells;

    private final DataType m_elementType;

    ListCell(final List<DataCell> cells, final DataType elementType) {
        m_cells = List.copyOf(cells);
        m_elementType = elementType;
    }

    /** The type of a list column whose elements have the given type. */
    public static final DataType getCollectionType(final DataType elementType) {
        return DataType.getType(ListCell.class, elementType);
    }

    @Override
    public DataType getElementType() {
        return m_elementType;
    }

    @Override
    public Iterator<DataCell> iterator() {
        return m_cells.iterator();
    }

    @Override
    public DataCell get(final int index) {
        return m_cells.get(index);
    }

    @Override
    public int size() {
        return m_cells.size();
    }

    @Override
    public boolean containsBlobWrapperCells() {
        return false;
    }

    @Override
    protected boolean equalsDataCell(final DataCell dc) {
        return m_cells.equals(((ListCell)dc).m_cells);
    }

    @Override
    public int hashCode() {
        return m_cells.hashCode();
    }

    @Override
    public String toString() {
        return m_cells.toString();
    }
}
