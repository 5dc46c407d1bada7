package org.knime.core.data.filestore;

import java.io.IOException;
import java.util.List;

import org.knime.core.data.filestore.internal.FileStoreProxy.FlushCallback;
import org.knime.core.node.port.PortObject;

/**
 * API surface: a port object whose content lives in file stores. The framework persists the files itself and
 * re-attaches them after the serializer has loaded the object (the serializer writes only small metadata).
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/filestore/FileStorePortObject.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public abstract class FileStorePortObject implements PortObject, FlushCallback {

    private List<FileStore> m_fileStores;

    protected FileStorePortObject(final List<FileStore> fileStores) {
        m_fileStores = List.copyOf(fileStores);
    }

    /** For deserialization: the framework attaches the file stores afterwards. */
    protected FileStorePortObject() {
        m_fileStores = List.of();
    }

    protected void postConstruct() throws IOException {
    }

    protected void flushToFileStore() throws IOException {
    }

    protected int getFileStoreCount() {
        return m_fileStores.size();
    }

    protected FileStore getFileStore(final int index) {
        return m_fileStores.get(index);
    }

    /** Framework hook: attach the persisted file stores to a freshly loaded object. */
    void attachFileStores(final List<FileStore> fileStores) throws IOException {
        m_fileStores = List.copyOf(fileStores);
        postConstruct();
    }

    /** Framework hook: the file stores to persist with this object. */
    List<FileStore> fileStores() throws IOException {
        flushToFileStore();
        return m_fileStores;
    }
}
