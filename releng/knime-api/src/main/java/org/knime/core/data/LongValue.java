package org.knime.core.data;

/**
 * API surface: a cell with a long value.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/LongValue.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface LongValue extends DataValue {

    long getLongValue();
}
