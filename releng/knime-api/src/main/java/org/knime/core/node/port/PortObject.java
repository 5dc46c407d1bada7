package org.knime.core.node.port;

import java.io.IOException;

import javax.swing.JComponent;

import org.knime.core.internal.SerializerMethodLoader.Serializer;
import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.ExecutionMonitor;

/**
 * API surface: the content passed between nodes.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/port/PortObject.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public interface PortObject {

    /** Writes and reads port objects of one class; registered through the org.knime.core.PortType extension point. */
    abstract static class PortObjectSerializer<T extends PortObject> implements Serializer<T> {

        public abstract void savePortObject(T portObject, PortObjectZipOutputStream out, ExecutionMonitor exec)
            throws IOException, CanceledExecutionException;

        public abstract T loadPortObject(PortObjectZipInputStream in, PortObjectSpec spec, ExecutionMonitor exec)
            throws IOException, CanceledExecutionException;
    }

    String getSummary();

    PortObjectSpec getSpec();

    JComponent[] getViews();
}
