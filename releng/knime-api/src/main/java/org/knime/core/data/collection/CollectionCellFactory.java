package org.knime.core.data.collection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.knime.core.data.DataCell;
import org.knime.core.data.DataType;

/**
 * API surface: creates collection cells. The element type of a list is the type its non-missing cells share; KNIME
 * computes the most specific common super type, which this surface supports only for cells of one type (mixed
 * types are refused here).
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/collection/CollectionCellFactory.java, commit
 * 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class CollectionCellFactory {

    private CollectionCellFactory() {
    }

    /** A list cell holding the cells in iteration order; null elements are refused. */
    public static ListCell createListCell(final Collection<? extends DataCell> coll) {
        List<DataCell> cells = new ArrayList<>(coll.size());
        DataType elementType = null;
        for (DataCell c : coll) {
            if (c == null) {
                throw new NullPointerException("list elements must not be null; use a missing cell");
            }
            cells.add(c);
            if (!c.isMissing()) {
                if (elementType == null) {
                    elementType = c.getType();
                } else if (!elementType.equals(c.getType())) {
                    throw new UnsupportedOperationException(
                        "lists of mixed cell types are not supported by the API surface");
                }
            }
        }
        return new ListCell(cells, elementType == null ? DataType.getType(DataCell.class) : elementType);
    }
}
