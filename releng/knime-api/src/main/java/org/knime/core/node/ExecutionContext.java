package org.knime.core.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Function;

import org.knime.core.data.DataTableSpec;
import org.knime.core.data.filestore.FileStore;

/**
 * API surface: the execution context a node receives in execute: creates tables and file stores and reports
 * progress. KNIME's public constructors take framework internals (Node, NodeProgressMonitor); here it is created
 * by the test double through a package-private constructor.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/ExecutionContext.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public class ExecutionContext extends ExecutionMonitor {

    private final Function<String, FileStore> m_fileStores;

    ExecutionContext(final ProgressState state, final double offset, final double scale,
        final Function<String, FileStore> fileStores) {
        super(state, offset, scale);
        m_fileStores = fileStores;
    }

    public BufferedDataContainer createDataContainer(final DataTableSpec spec) {
        return new BufferedDataContainer(spec);
    }

    public FileStore createFileStore(final String relativePath) throws IOException {
        try {
            return m_fileStores.apply(relativePath);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    public ExecutionContext createSubExecutionContext(final double maxProg) {
        return new ExecutionContext(m_state, m_state.progress(), scale() * maxProg, m_fileStores);
    }
}
