package org.knime.core.data;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.knime.core.data.collection.CollectionDataValue;
import org.knime.core.data.convert.map.IdentifiableType;

/**
 * API surface: the type of a column, identified by its cell class. A value class is compatible when the cell class
 * implements it, which is all the nodes need (KNIME also knows adapters). Collection types (e.g. lists) also carry
 * their element type.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/DataType.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class DataType implements IdentifiableType {

    private static final Map<List<Object>, DataType> TYPES = new ConcurrentHashMap<>();

    private static final DataCell MISSING = new MissingCell(null);

    private final Class<? extends DataCell> m_cellClass;

    private final DataType m_elementType;

    private DataType(final Class<? extends DataCell> cellClass, final DataType elementType) {
        m_cellClass = cellClass;
        m_elementType = elementType;
    }

    public static DataType getType(final Class<? extends DataCell> cell) {
        return getType(cell, null);
    }

    /** The type of a collection cell class (e.g. a list) with the given element type. */
    public static DataType getType(final Class<? extends DataCell> cellImplementsCollectionDataValue,
        final DataType collectionElementType) {
        if (cellImplementsCollectionDataValue == null) {
            throw new NullPointerException("Cell class must not be null.");
        }
        List<Object> key = Arrays.asList(cellImplementsCollectionDataValue, collectionElementType);
        return TYPES.computeIfAbsent(key, k -> new DataType(cellImplementsCollectionDataValue, collectionElementType));
    }

    /** The element type of a collection type, null for other types. */
    public DataType getCollectionElementType() {
        return m_elementType;
    }

    public boolean isCollectionType() {
        return isCompatible(CollectionDataValue.class);
    }

    public static DataCell getMissingCell() {
        return MISSING;
    }

    public Class<? extends DataCell> getCellClass() {
        return m_cellClass;
    }

    public boolean isCompatible(final Class<? extends DataValue> valueClass) {
        return valueClass.isAssignableFrom(m_cellClass);
    }

    public String getName() {
        return m_elementType == null ? m_cellClass.getSimpleName()
            : m_cellClass.getSimpleName() + " of " + m_elementType.getName();
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof DataType t && t.m_cellClass == m_cellClass
            && Objects.equals(t.m_elementType, m_elementType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(m_cellClass, m_elementType);
    }

    @Override
    public String toString() {
        return getName();
    }
}
