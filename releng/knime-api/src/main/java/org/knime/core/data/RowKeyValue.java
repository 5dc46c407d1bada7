package org.knime.core.data;

/**
 * API surface: the value of a row key, implemented by {@link RowKey}. Its methods are not used by the nodes.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/RowKeyValue.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface RowKeyValue {
}
