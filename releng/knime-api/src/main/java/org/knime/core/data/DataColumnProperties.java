package org.knime.core.data;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * API surface: string key/value annotations of a column, immutable; adding keys gives a new object.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/DataColumnProperties.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class DataColumnProperties implements Cloneable {

    private final Map<String, String> m_values;

    public DataColumnProperties() {
        this(Map.of());
    }

    /** A copy of the given pairs; later changes to the argument do not show here. */
    public DataColumnProperties(final Map<String, String> content) {
        m_values = Collections.unmodifiableMap(new TreeMap<>(content));
    }

    public boolean containsProperty(final String key) {
        return m_values.containsKey(key);
    }

    /** The value of the key, or null when absent. */
    public String getProperty(final String key) {
        return m_values.get(key);
    }

    public String getProperty(final String key, final String defaultValue) {
        return m_values.getOrDefault(key, defaultValue);
    }

    public int size() {
        return m_values.size();
    }

    /** These pairs with the given ones added; a given key replaces the value it had here. */
    public DataColumnProperties cloneAndOverwrite(final Map<String, String> newProperties) {
        Map<String, String> merged = new TreeMap<>(m_values);
        merged.putAll(newProperties);
        return new DataColumnProperties(merged);
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof DataColumnProperties p && p.m_values.equals(m_values);
    }

    @Override
    public int hashCode() {
        return m_values.hashCode();
    }

    @Override
    public String toString() {
        return m_values.toString();
    }
}
