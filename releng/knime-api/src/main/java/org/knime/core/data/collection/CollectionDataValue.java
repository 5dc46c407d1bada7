package org.knime.core.data.collection;

import org.knime.core.data.DataType;
import org.knime.core.data.DataValue;

/**
 * API surface: the value of collection cells (lists, sets).
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/collection/CollectionDataValue.java, commit
 * 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface CollectionDataValue extends DataValue, CellCollection {

    /** The common type of the elements. */
    DataType getElementType();

    int size();
}
