package org.knime.core.data.filestore.internal;

/**
 * API surface: only the nested {@link FlushCallback}, the interface file-store cells and port objects implement.
 * KNIME's class itself (the link between a file store and its handler) is not used by the nodes; the private
 * constructor keeps it out of this surface.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/filestore/internal/FileStoreProxy.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class FileStoreProxy {

    private FileStoreProxy(final Void none) {
    }

    /** Implemented by objects holding file stores that want to be told before they are written. */
    public interface FlushCallback {
    }
}
