package org.knime.core.data.filestore;

import java.io.File;

/**
 * API surface: a file owned by the workflow, created through ExecutionContext#createFileStore and kept as long as
 * a table cell or port object refers to it. Created only by the framework (no public constructor, as in KNIME).
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/filestore/FileStore.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class FileStore {

    private final File m_file;

    FileStore(final File file) {
        m_file = file;
    }

    public File getFile() {
        return m_file;
    }

    @Override
    public String toString() {
        return m_file.toString();
    }
}
