package org.knime.core.data;

/**
 * API surface: marker interface of all cell value kinds.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/DataValue.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface DataValue {
}
