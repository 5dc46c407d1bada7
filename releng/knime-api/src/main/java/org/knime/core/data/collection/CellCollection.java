package org.knime.core.data.collection;

import org.knime.core.data.DataCell;

/**
 * API surface: cells that hold other cells.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/collection/CellCollection.java, commit
 * 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface CellCollection extends Iterable<DataCell> {

    boolean containsBlobWrapperCells();
}
