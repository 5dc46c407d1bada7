package org.knime.core.node;

import org.knime.core.data.DataTableSpec;
import org.knime.core.data.container.DataContainer;

/**
 * API surface: a container whose result is a {@link BufferedDataTable}; created by
 * {@link ExecutionContext#createDataContainer(DataTableSpec)} (package-private constructor, as in KNIME).
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/BufferedDataContainer.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public class BufferedDataContainer extends DataContainer {

    BufferedDataContainer(final DataTableSpec spec) {
        super(spec);
    }

    /** The table; the container must have been closed. */
    public BufferedDataTable getTable() {
        if (isOpen()) {
            throw new IllegalStateException("Cannot get table: container is not closed");
        }
        return new BufferedDataTable(getTableSpec(), collectedRows());
    }
}
