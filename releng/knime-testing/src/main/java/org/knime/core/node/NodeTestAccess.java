package org.knime.core.node;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.filestore.FileStore;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;

/**
 * Calls the framework-only members of the KNIME API surface (protected life-cycle methods, package-private
 * constructors), in the role KNIME's own Node class plays. Used by {@code org.maskseg.knime.testing}.
 */
public final class NodeTestAccess {

    private NodeTestAccess() {
    }

    public static ExecutionContext executionContext(final Function<String, FileStore> fileStores) {
        return new ExecutionContext(new ProgressState(), 0, 1, fileStores);
    }

    public static void cancel(final ExecutionMonitor exec) {
        exec.m_state.cancel();
    }

    public static void cancelAfterChecks(final ExecutionMonitor exec, final int n) {
        exec.m_state.cancelAfterChecks(n);
    }

    public static List<Double> progressHistory(final ExecutionMonitor exec) {
        return exec.m_state.progressHistory();
    }

    public static List<String> messageHistory(final ExecutionMonitor exec) {
        return exec.m_state.messageHistory();
    }

    public static BufferedDataTable table(final DataTableSpec spec, final List<DataRow> rows) {
        BufferedDataContainer c = new BufferedDataContainer(spec);
        rows.forEach(c::addRowToTable);
        c.close();
        return c.getTable();
    }

    public static PortType[] inPortTypes(final NodeModel model) {
        PortType[] t = new PortType[model.getNrInPorts()];
        for (int i = 0; i < t.length; i++) {
            t[i] = model.getInPortType(i);
        }
        return t;
    }

    public static PortType[] outPortTypes(final NodeModel model) {
        PortType[] t = new PortType[model.getNrOutPorts()];
        for (int i = 0; i < t.length; i++) {
            t[i] = model.getOutPortType(i);
        }
        return t;
    }

    public static PortObjectSpec[] configure(final NodeModel model, final PortObjectSpec[] specs)
        throws InvalidSettingsException {
        return model.configure(specs);
    }

    public static PortObject[] execute(final NodeModel model, final PortObject[] in, final ExecutionContext exec)
        throws Exception {
        return model.execute(in, exec);
    }

    public static void saveSettings(final NodeModel model, final NodeSettingsWO settings) {
        model.saveSettingsTo(settings);
    }

    public static void validateSettings(final NodeModel model, final NodeSettingsRO settings)
        throws InvalidSettingsException {
        model.validateSettings(settings);
    }

    public static void loadValidatedSettings(final NodeModel model, final NodeSettingsRO settings)
        throws InvalidSettingsException {
        model.loadValidatedSettingsFrom(settings);
    }

    public static void reset(final NodeModel model) {
        model.reset();
    }

    public static String warning(final NodeModel model) {
        return model.getWarningMessage();
    }

    public static boolean hasDialog(final NodeFactory<?> factory) {
        return factory.hasDialog();
    }

    public static int viewCount(final NodeFactory<?> factory) {
        return factory.getNrNodeViews();
    }

    public static NodeDialogPane dialog(final NodeFactory<?> factory) {
        return factory.createNodeDialogPane();
    }

    /** Loads a dialog as KNIME does; {@code data} is null or holds null entries for inputs without data. */
    public static void loadDialog(final NodeDialogPane dialog, final NodeSettingsRO settings,
        final PortObjectSpec[] specs, final PortObject[] data) throws NotConfigurableException {
        dialog.callDerivedLoadSettingsFrom(settings, specs, data);
    }

    public static void saveDialog(final NodeDialogPane dialog, final NodeSettingsWO settings)
        throws InvalidSettingsException {
        dialog.saveSettingsTo(settings);
    }

    /**
     * Opens view {@code index} of a node as KNIME does: created by the factory, registered with the model (so that
     * it receives {@code notifyViews}), then {@code modelChanged} and {@code onOpen}.
     */
    public static <M extends NodeModel> NodeView<M> openView(final NodeFactory<M> factory, final M model,
        final int index) {
        if (index < 0 || index >= factory.getNrNodeViews()) {
            throw new IndexOutOfBoundsException("view " + index + " of " + factory.getNrNodeViews());
        }
        NodeView<M> view = factory.createNodeView(index, model);
        model.registerView(view);
        view.modelChanged();
        view.onOpen();
        return view;
    }

    public static void closeView(final NodeView<?> view) {
        view.getNodeModel().unregisterView(view);
        view.onClose();
    }

    /** Tells the model's open views that its state changed (after execute or reset, as KNIME does). */
    public static void modelChanged(final NodeModel model) {
        for (AbstractNodeView<?> v : model.views()) {
            v.modelChanged();
        }
    }

    /** The component a view shows (the centre of its window in KNIME). */
    public static java.awt.Component viewComponent(final NodeView<?> view) {
        return view.getComponent();
    }

    /** Flow variables the model pushed in its last execute, by name, in the order pushed. */
    public static Map<String, Object> pushedFlowVariables(final NodeModel model) {
        return model.pushedFlowVariables();
    }

    public static void clearPushedFlowVariables(final NodeModel model) {
        model.clearPushedFlowVariables();
    }
}
