package org.knime.knip.base.data;

import org.knime.core.data.DataCellFactory;
import org.knime.core.node.ExecutionContext;

/**
 * API surface: KNIP's superclass of cell factories that write their cells to file stores. The stand-in cells keep
 * their content in memory, so only the constructor the image cell factory uses is declared.
 * <p>
 * Source checked: knime-ip/knip, org.knime.knip.base/src/org/knime/knip/base/data/KNIPCellFactory.java, tag 1.8.3.
 */
public abstract class KNIPCellFactory implements DataCellFactory {

    /**
     * @param exec the context whose file stores the cells are written to (unused by the in-memory stand-in)
     */
    public KNIPCellFactory(final ExecutionContext exec) {
    }
}
