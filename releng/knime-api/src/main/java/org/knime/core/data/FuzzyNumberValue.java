package org.knime.core.data;

/**
 * API surface: the value interface of fuzzy numbers. None of its methods is used by the nodes, so none is declared here;
 * it is here because KNIME's cells implement it.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/FuzzyNumberValue.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface FuzzyNumberValue extends DataValue {
}
