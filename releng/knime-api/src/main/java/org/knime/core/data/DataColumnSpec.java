package org.knime.core.data;

/**
 * API surface: name, type and properties of a column (KNIME's spec also holds domain and handlers).
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/DataColumnSpec.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class DataColumnSpec {

    private final String m_name;

    private final DataType m_type;

    private final DataColumnProperties m_properties;

    DataColumnSpec(final String name, final DataType type, final DataColumnProperties properties) {
        m_name = name;
        m_type = type;
        m_properties = properties;
    }

    public String getName() {
        return m_name;
    }

    public DataType getType() {
        return m_type;
    }

    /** The column's properties; empty, never null, when none were set. */
    public DataColumnProperties getProperties() {
        return m_properties;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof DataColumnSpec s && s.m_name.equals(m_name) && s.m_type.equals(m_type)
            && s.m_properties.equals(m_properties);
    }

    @Override
    public int hashCode() {
        return m_name.hashCode() ^ m_type.hashCode();
    }

    @Override
    public String toString() {
        return m_name + " (" + m_type + ")";
    }
}
