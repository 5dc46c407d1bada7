package org.knime.core.data.collection;

import org.knime.core.data.DataCell;

/**
 * API surface: the value of list cells: an ordered collection with access by position.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/collection/ListDataValue.java, commit
 * 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface ListDataValue extends CollectionDataValue {

    DataCell get(int index);
}
