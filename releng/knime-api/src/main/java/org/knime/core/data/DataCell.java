package org.knime.core.data;

import java.io.Serializable;

import org.knime.core.data.collection.CollectionDataValue;

/**
 * API surface: the base class of all cells. Equality is final here as in KNIME: cells of the same class are
 * compared with {@link #equalsDataCell(DataCell)}.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/DataCell.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public abstract class DataCell implements DataValue, Serializable {
    private static final long serialVersionUID = 1L;

    /** The cell's type; for collection cells it includes their element type. */
    public final DataType getType() {
        if (this instanceof CollectionDataValue coll) {
            return DataType.getType(getClass(), coll.getElementType());
        }
        return DataType.getType(getClass());
    }

    public boolean isMissing() {
        return false;
    }

    @Override
    public abstract String toString();

    @Override
    public final boolean equals(final Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || o.getClass() != getClass()) {
            return false;
        }
        return equalsDataCell((DataCell)o);
    }

    protected abstract boolean equalsDataCell(DataCell dc);

    @Override
    public abstract int hashCode();
}
