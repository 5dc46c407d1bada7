package org.knime.core.data;

import java.util.Iterator;

/**
 * API surface: iterator over the rows of a table.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/RowIterator.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public abstract class RowIterator implements Iterator<DataRow> {

    @Override
    public abstract boolean hasNext();

    @Override
    public abstract DataRow next();
}
