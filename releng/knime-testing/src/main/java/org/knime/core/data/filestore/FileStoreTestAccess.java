package org.knime.core.data.filestore;

import java.io.File;
import java.io.IOException;
import java.util.List;

/** Creates file stores and moves them with their port objects, as KNIME's file store handlers do. */
public final class FileStoreTestAccess {

    private FileStoreTestAccess() {
    }

    public static FileStore create(final File file) {
        return new FileStore(file);
    }

    public static List<FileStore> fileStores(final FileStorePortObject object) throws IOException {
        return object.fileStores();
    }

    public static void attach(final FileStorePortObject object, final List<FileStore> stores) throws IOException {
        object.attachFileStores(stores);
    }
}
