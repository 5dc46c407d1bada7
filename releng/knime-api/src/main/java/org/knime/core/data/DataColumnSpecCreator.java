package org.knime.core.data;

/**
 * API surface: builder of column specs.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/DataColumnSpecCreator.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class DataColumnSpecCreator {

    private String m_name;

    private DataType m_type;

    private DataColumnProperties m_properties = new DataColumnProperties();

    public DataColumnSpecCreator(final String name, final DataType type) {
        setName(name);
        setType(type);
    }

    public DataColumnSpecCreator(final DataColumnSpec cspec) {
        this(cspec.getName(), cspec.getType());
        m_properties = cspec.getProperties();
    }

    public void setName(final String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Column name must not be null or empty");
        }
        m_name = name.trim();
    }

    public void setType(final DataType type) {
        if (type == null) {
            throw new NullPointerException("Column type must not be null");
        }
        m_type = type;
    }

    /** Replaces the properties; null stands for none. */
    public void setProperties(final DataColumnProperties props) {
        m_properties = props == null ? new DataColumnProperties() : props;
    }

    public DataType getType() {
        return m_type;
    }

    public DataColumnSpec createSpec() {
        return new DataColumnSpec(m_name, m_type, m_properties);
    }
}
