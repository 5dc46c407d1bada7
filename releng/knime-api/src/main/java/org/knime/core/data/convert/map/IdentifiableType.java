package org.knime.core.data.convert.map;

/**
 * API surface: a type with an identifier, implemented by {@link org.knime.core.data.DataType}. Its method is not used
 * by the nodes.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/convert/map/IdentifiableType.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface IdentifiableType {
}
