package org.knime.core.node;

import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.knime.core.data.DataTableSpec;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;

/**
 * API surface: the model of a node. The framework (here: the test double, in this package) calls the protected
 * life-cycle methods. As in KNIME, the port-object variants of configure and execute delegate to the table
 * variants unless overridden. Views registered by the framework receive {@link #notifyViews(Object)}; flow variables a
 * node pushes are recorded in the order pushed (KNIME puts them on the node's outgoing flow object stack).
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/NodeModel.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public abstract class NodeModel implements AbstractNodeView.ViewableModel {

    private final PortType[] m_inPortTypes;

    private final PortType[] m_outPortTypes;

    private String m_warningMessage;

    private final List<AbstractNodeView<?>> m_views = new CopyOnWriteArrayList<>();

    private final Map<String, Object> m_pushedFlowVariables = new LinkedHashMap<>();

    protected NodeModel(final int nrInDataPorts, final int nrOutDataPorts) {
        this(tablePorts(nrInDataPorts), tablePorts(nrOutDataPorts));
    }

    protected NodeModel(final PortType[] inPortTypes, final PortType[] outPortTypes) {
        m_inPortTypes = inPortTypes.clone();
        m_outPortTypes = outPortTypes.clone();
    }

    private static PortType[] tablePorts(final int n) {
        PortType[] p = new PortType[n];
        Arrays.fill(p, BufferedDataTable.TYPE);
        return p;
    }

    protected final int getNrInPorts() {
        return m_inPortTypes.length;
    }

    protected final int getNrOutPorts() {
        return m_outPortTypes.length;
    }

    protected final PortType getInPortType(final int index) {
        return m_inPortTypes[index];
    }

    protected final PortType getOutPortType(final int index) {
        return m_outPortTypes[index];
    }

    protected abstract void loadInternals(File nodeInternDir, ExecutionMonitor exec)
        throws IOException, CanceledExecutionException;

    protected abstract void saveInternals(File nodeInternDir, ExecutionMonitor exec)
        throws IOException, CanceledExecutionException;

    protected abstract void saveSettingsTo(NodeSettingsWO settings);

    protected abstract void validateSettings(NodeSettingsRO settings) throws InvalidSettingsException;

    protected abstract void loadValidatedSettingsFrom(NodeSettingsRO settings) throws InvalidSettingsException;

    protected PortObject[] execute(final PortObject[] inObjects, final ExecutionContext exec) throws Exception {
        BufferedDataTable[] tables = new BufferedDataTable[inObjects.length];
        for (int i = 0; i < inObjects.length; i++) {
            tables[i] = (BufferedDataTable)inObjects[i];
        }
        return execute(tables, exec);
    }

    protected BufferedDataTable[] execute(final BufferedDataTable[] inData, final ExecutionContext exec)
        throws Exception {
        throw new IllegalStateException("execute() must be overridden by " + getClass().getName());
    }

    protected PortObjectSpec[] configure(final PortObjectSpec[] inSpecs) throws InvalidSettingsException {
        DataTableSpec[] specs = new DataTableSpec[inSpecs.length];
        for (int i = 0; i < inSpecs.length; i++) {
            specs[i] = (DataTableSpec)inSpecs[i];
        }
        return configure(specs);
    }

    protected DataTableSpec[] configure(final DataTableSpec[] inSpecs) throws InvalidSettingsException {
        throw new IllegalStateException("configure() must be overridden by " + getClass().getName());
    }

    protected abstract void reset();

    protected final void setWarningMessage(final String warningMessage) {
        m_warningMessage = warningMessage;
    }

    protected final String getWarningMessage() {
        return m_warningMessage;
    }

    protected final NodeLogger getLogger() {
        return NodeLogger.getLogger(getClass());
    }

    protected final void notifyViews(final Object arg) {
        for (AbstractNodeView<?> view : m_views) {
            view.updateModel(arg);
        }
    }

    protected final void pushFlowVariableDouble(final String name, final double value) {
        pushFlowVariable(name, value);
    }

    protected final void pushFlowVariableInt(final String name, final int value) {
        pushFlowVariable(name, value);
    }

    protected final void pushFlowVariableString(final String name, final String value) {
        pushFlowVariable(name, value);
    }

    private void pushFlowVariable(final String name, final Object value) {
        if (name == null || value == null) {
            throw new IllegalArgumentException("Flow variable name and value must not be null");
        }
        synchronized (m_pushedFlowVariables) {
            // a variable pushed again with the same name hides the earlier one, as on KNIME's stack
            m_pushedFlowVariables.remove(name);
            m_pushedFlowVariables.put(name, value);
        }
    }

    final void registerView(final AbstractNodeView<?> view) {
        m_views.add(view);
    }

    final void unregisterView(final AbstractNodeView<?> view) {
        m_views.remove(view);
    }

    final List<AbstractNodeView<?>> views() {
        return List.copyOf(m_views);
    }

    final Map<String, Object> pushedFlowVariables() {
        synchronized (m_pushedFlowVariables) {
            return new LinkedHashMap<>(m_pushedFlowVariables);
        }
    }

    final void clearPushedFlowVariables() {
        synchronized (m_pushedFlowVariables) {
            m_pushedFlowVariables.clear();
        }
    }
}
