package org.knime.core.node.port;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API surface: the registry of port types. In KNIME it is filled from the org.knime.core.PortType extension point;
 * here it creates types on demand.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/port/PortTypeRegistry.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class PortTypeRegistry {

    private static final PortTypeRegistry INSTANCE = new PortTypeRegistry();

    private final Map<PortType, PortType> m_types = new ConcurrentHashMap<>();

    private PortTypeRegistry() {
    }

    public static PortTypeRegistry getInstance() {
        return INSTANCE;
    }

    public PortType getPortType(final Class<? extends PortObject> portClass) {
        return getPortType(portClass, false);
    }

    public PortType getPortType(final Class<? extends PortObject> portClass, final boolean isOptional) {
        PortType t = new PortType(portClass, isOptional);
        return m_types.computeIfAbsent(t, k -> k);
    }
}
