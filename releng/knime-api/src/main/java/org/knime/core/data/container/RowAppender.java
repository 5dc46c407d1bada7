package org.knime.core.data.container;

/**
 * API surface: something rows can be added to, implemented by {@link DataContainer}. The nodes call
 * {@code addRowToTable} on the container classes only, so nothing is declared here.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/container/RowAppender.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface RowAppender {
}
