package org.knime.core.node.port;

import java.io.IOException;

import javax.swing.JComponent;

import org.knime.core.internal.SerializerMethodLoader.Serializer;

/**
 * API surface: the description of a port's content available at configure time.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/port/PortObjectSpec.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface PortObjectSpec {

    /** Writes and reads specs of one class; registered through the org.knime.core.PortType extension point. */
    abstract static class PortObjectSpecSerializer<T extends PortObjectSpec> implements Serializer<T> {

        public abstract void savePortObjectSpec(T portObjectSpec, PortObjectSpecZipOutputStream out)
            throws IOException;

        public abstract T loadPortObjectSpec(PortObjectSpecZipInputStream in) throws IOException;
    }

    JComponent[] getViews();
}
