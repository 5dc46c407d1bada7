package org.maskseg.knime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.knime.core.data.filestore.FileStoreTestAccess;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.NodeTestAccess;

/** Execution contexts for code that needs one outside a node run (e.g. creating port objects in tests). */
public final class ExecutionContexts {

    private ExecutionContexts() {
    }

    /** A context whose file stores are created in numbered folders below {@code dir}. */
    public static ExecutionContext create(final Path dir) {
        AtomicInteger count = new AtomicInteger();
        return NodeTestAccess.executionContext(name -> {
            try {
                Path folder = dir.resolve("store-" + count.incrementAndGet());
                Files.createDirectories(folder);
                return FileStoreTestAccess.create(folder.resolve(name).toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
