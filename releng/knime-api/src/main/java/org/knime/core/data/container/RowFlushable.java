package org.knime.core.data.container;

/**
 * API surface: a row sink that can be flushed, implemented by {@link DataContainer}. Its method is not used by the
 * nodes.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/container/RowFlushable.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface RowFlushable {
}
