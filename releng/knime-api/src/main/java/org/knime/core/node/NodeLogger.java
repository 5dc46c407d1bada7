package org.knime.core.node;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * API surface: the logger of nodes, here forwarding to java.util.logging.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/NodeLogger.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class NodeLogger {

    private final Logger m_logger;

    private NodeLogger(final String name) {
        m_logger = Logger.getLogger(name);
    }

    public static NodeLogger getLogger(final Class<?> c) {
        return new NodeLogger(c.getName());
    }

    public static NodeLogger getLogger(final String s) {
        return new NodeLogger(s);
    }

    public void debug(final Object o) {
        m_logger.fine(String.valueOf(o));
    }

    public void info(final Object o) {
        m_logger.info(String.valueOf(o));
    }

    public void warn(final Object o) {
        m_logger.warning(String.valueOf(o));
    }

    public void warn(final Object o, final Throwable t) {
        m_logger.log(Level.WARNING, String.valueOf(o), t);
    }

    public void error(final Object o) {
        m_logger.severe(String.valueOf(o));
    }

    public void error(final Object o, final Throwable t) {
        m_logger.log(Level.SEVERE, String.valueOf(o), t);
    }
}
