package org.knime.core.node.port;

import java.util.Objects;

/**
 * API surface: the type of a node port, given by its port object class and whether it is optional.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/port/PortType.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class PortType {

    private final Class<? extends PortObject> m_objectClass;

    private final boolean m_optional;

    public PortType(final Class<? extends PortObject> objectClass, final boolean optional) {
        m_objectClass = Objects.requireNonNull(objectClass);
        m_optional = optional;
    }

    public PortType(final Class<? extends PortObject> objectClass) {
        this(objectClass, false);
    }

    public Class<? extends PortObject> getPortObjectClass() {
        return m_objectClass;
    }

    public boolean isOptional() {
        return m_optional;
    }

    public String getName() {
        return m_objectClass.getSimpleName();
    }

    public boolean acceptsPortObject(final PortObject obj) {
        return obj == null ? m_optional : m_objectClass.isInstance(obj);
    }

    @Override
    public boolean equals(final Object obj) {
        return obj instanceof PortType t && t.m_objectClass == m_objectClass && t.m_optional == m_optional;
    }

    @Override
    public int hashCode() {
        return m_objectClass.hashCode() * 2 + (m_optional ? 1 : 0);
    }

    @Override
    public String toString() {
        return getName() + (m_optional ? " (optional)" : "");
    }
}
