package org.knime.core.data.filestore;

import org.knime.core.data.DataCell;
import org.knime.core.data.filestore.internal.FileStoreProxy.FlushCallback;

/**
 * API surface: the superclass of cells whose content lives in file stores. The stand-in image cell keeps its image
 * in memory, so only the no-argument constructor is declared.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/filestore/FileStoreCell.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public abstract class FileStoreCell extends DataCell implements FlushCallback {

    /** A cell whose file stores are set later (in KNIME: on deserialization). */
    protected FileStoreCell() {
    }
}
