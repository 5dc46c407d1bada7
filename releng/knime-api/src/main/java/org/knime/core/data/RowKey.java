package org.knime.core.data;

/**
 * API surface: the identifier of a row.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/RowKey.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class RowKey implements RowKeyValue {

    private final String m_id;

    public RowKey(final String id) {
        if (id == null) {
            throw new NullPointerException("Row key must not be null");
        }
        m_id = id;
    }

    public String getString() {
        return m_id;
    }

    public static RowKey createRowKey(final long rowIndex) {
        return new RowKey("Row" + rowIndex);
    }

    @Override
    public String toString() {
        return m_id;
    }

    @Override
    public boolean equals(final Object obj) {
        return obj instanceof RowKey k && k.m_id.equals(m_id);
    }

    @Override
    public int hashCode() {
        return m_id.hashCode();
    }
}
