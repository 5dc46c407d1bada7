package org.maskseg.knime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.knime.core.data.DataTableSpec;
import org.knime.core.data.filestore.FileStore;
import org.knime.core.data.filestore.FileStoreTestAccess;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeDialogPane;
import org.knime.core.node.NodeFactory;
import org.knime.core.node.NodeModel;
import org.knime.core.node.NodeSettings;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.NodeTestAccess;
import org.knime.core.node.NodeView;
import org.knime.core.node.NotConfigurableException;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;

/**
 * Runs one node the way KNIME does, in memory: settings are validated before they are loaded, execute is preceded
 * by configure, inputs must fit the input port types, and every output table must have exactly the spec that
 * configure promised. Progress messages and cancellation are observable.
 *
 * @param <M> the node model class
 */
public final class NodeHarness<M extends NodeModel> {

    private final NodeFactory<M> m_factory;

    private final M m_model;

    private final Path m_fileStoreDir;

    private final AtomicInteger m_fileStoreCount = new AtomicInteger();

    private ExecutionContext m_lastContext;

    private int m_cancelAfterChecks = -1;

    private NodeHarness(final NodeFactory<M> factory, final Path workDir) {
        m_factory = factory;
        m_model = factory.createNodeModel();
        m_fileStoreDir = workDir.resolve("filestores");
    }

    /** A harness for a new node model of {@code factory}; file stores are created below {@code workDir}. */
    public static <M extends NodeModel> NodeHarness<M> of(final NodeFactory<M> factory, final Path workDir) {
        return new NodeHarness<>(factory, workDir);
    }

    public M model() {
        return m_model;
    }

    public PortType[] inPortTypes() {
        return NodeTestAccess.inPortTypes(m_model);
    }

    public PortType[] outPortTypes() {
        return NodeTestAccess.outPortTypes(m_model);
    }

    /** The model's current settings, as KNIME saves them into settings.xml under "model". */
    public NodeSettings saveSettings() {
        NodeSettings s = new NodeSettings("model");
        NodeTestAccess.saveSettings(m_model, s);
        return s;
    }

    public void validateSettings(final NodeSettingsRO settings) throws InvalidSettingsException {
        NodeTestAccess.validateSettings(m_model, settings);
    }

    /** Validates, then loads (the order KNIME uses). */
    public void loadSettings(final NodeSettingsRO settings) throws InvalidSettingsException {
        NodeTestAccess.validateSettings(m_model, settings);
        NodeTestAccess.loadValidatedSettings(m_model, settings);
    }

    /** Loads the settings into the node's dialog and saves them back, as opening and closing it with OK does. */
    public NodeSettings dialogRoundTrip(final NodeSettingsRO settings, final PortObjectSpec... specs)
        throws NotConfigurableException, InvalidSettingsException {
        NodeDialogPane dialog = openDialog(settings, specs, null);
        dialog.onClose();
        return saveDialog(dialog);
    }

    /**
     * Opens the node's dialog as KNIME does: loads the settings with the input specs and, where upstream nodes have
     * been executed, their data ({@code data} may be null, or hold null for inputs without data; a data-aware
     * dialog gets the data), then calls {@code onOpen}. Close it with {@code onClose}.
     */
    public NodeDialogPane openDialog(final NodeSettingsRO settings, final PortObjectSpec[] specs,
        final PortObject[] data) throws NotConfigurableException {
        if (!NodeTestAccess.hasDialog(m_factory)) {
            throw new IllegalStateException("node has no dialog");
        }
        NodeDialogPane dialog = NodeTestAccess.dialog(m_factory);
        NodeTestAccess.loadDialog(dialog, settings, specs, data);
        dialog.onOpen();
        return dialog;
    }

    /** The specs of input data (null for missing inputs), as the framework derives them for a dialog. */
    public static PortObjectSpec[] specsOf(final PortObject... data) {
        PortObjectSpec[] specs = new PortObjectSpec[data.length];
        for (int i = 0; i < data.length; i++) {
            specs[i] = data[i] == null ? null : data[i].getSpec();
        }
        return specs;
    }

    /** The dialog's settings, as pressing OK saves them. */
    public static NodeSettings saveDialog(final NodeDialogPane dialog) throws InvalidSettingsException {
        NodeSettings out = new NodeSettings("model");
        NodeTestAccess.saveDialog(dialog, out);
        return out;
    }

    public PortObjectSpec[] configure(final PortObjectSpec... specs) throws InvalidSettingsException {
        PortType[] in = inPortTypes();
        if (specs.length != in.length) {
            throw new IllegalArgumentException("node has " + in.length + " inputs, got " + specs.length + " specs");
        }
        for (int i = 0; i < in.length; i++) {
            if (specs[i] == null && !in[i].isOptional()) {
                throw new IllegalArgumentException("input " + i + " is not optional");
            }
        }
        PortObjectSpec[] out = NodeTestAccess.configure(m_model, specs);
        if (out == null || out.length != outPortTypes().length) {
            throw new IllegalStateException("configure returned " + (out == null ? "null" : out.length + " specs")
                + " for " + outPortTypes().length + " outputs");
        }
        return out;
    }

    /** Cancels execution at the n-th cancellation check of the next execute (1 = the first check). */
    public void cancelAfterChecks(final int n) {
        m_cancelAfterChecks = n;
    }

    /** Configures with the inputs' specs, then executes, like KNIME; checks outputs against configure's specs. */
    public PortObject[] execute(final PortObject... inputs) throws Exception {
        PortType[] in = inPortTypes();
        PortObjectSpec[] specs = new PortObjectSpec[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] != null && !in[i].acceptsPortObject(inputs[i])) {
                throw new IllegalArgumentException("input " + i + " does not fit port type " + in[i]);
            }
            specs[i] = inputs[i] == null ? null : inputs[i].getSpec();
        }
        PortObjectSpec[] configured = configure(specs);
        m_lastContext = NodeTestAccess.executionContext(this::createFileStore);
        if (m_cancelAfterChecks > 0) {
            NodeTestAccess.cancelAfterChecks(m_lastContext, m_cancelAfterChecks);
            m_cancelAfterChecks = -1;
        }
        NodeTestAccess.clearPushedFlowVariables(m_model);
        PortObject[] out;
        try {
            out = NodeTestAccess.execute(m_model, inputs, m_lastContext);
        } finally {
            NodeTestAccess.modelChanged(m_model);
        }
        PortType[] outTypes = outPortTypes();
        if (out == null || out.length != outTypes.length) {
            throw new IllegalStateException("execute returned the wrong number of outputs");
        }
        for (int i = 0; i < out.length; i++) {
            if (!outTypes[i].acceptsPortObject(out[i])) {
                throw new IllegalStateException("output " + i + " does not fit port type " + outTypes[i]);
            }
            if (out[i] instanceof BufferedDataTable t && configured[i] instanceof DataTableSpec promised
                && !sameStructure(t.getDataTableSpec(), promised)) {
                throw new IllegalStateException("output table " + i + " has spec " + t.getDataTableSpec()
                    + " but configure promised " + promised);
            }
        }
        return out;
    }

    /**
     * Whether the executed table has the columns configure promised, by name and type. As in KNIME, column properties
     * may differ: a node may declare at execute what it learns only from the data.
     */
    private static boolean sameStructure(final DataTableSpec actual, final DataTableSpec promised) {
        if (actual.getNumColumns() != promised.getNumColumns()) {
            return false;
        }
        for (int c = 0; c < actual.getNumColumns(); c++) {
            if (!actual.getColumnSpec(c).getName().equals(promised.getColumnSpec(c).getName())
                || !actual.getColumnSpec(c).getType().equals(promised.getColumnSpec(c).getType())) {
                return false;
            }
        }
        return true;
    }

    /** The execution context of the last execute, e.g. to create tables with the same file store space. */
    public ExecutionContext lastContext() {
        return m_lastContext;
    }

    public List<Double> progressHistory() {
        return NodeTestAccess.progressHistory(m_lastContext);
    }

    public List<String> messageHistory() {
        return NodeTestAccess.messageHistory(m_lastContext);
    }

    public String warning() {
        return NodeTestAccess.warning(m_model);
    }

    public void reset() {
        NodeTestAccess.reset(m_model);
        NodeTestAccess.clearPushedFlowVariables(m_model);
        NodeTestAccess.modelChanged(m_model);
    }

    /** Opens view {@code index} of the node (registered with the model, so it follows execution). */
    public NodeView<M> openView(final int index) {
        return NodeTestAccess.openView(m_factory, m_model, index);
    }

    public void closeView(final NodeView<M> view) {
        NodeTestAccess.closeView(view);
    }

    /** The component a view shows. */
    public static java.awt.Component viewComponent(final NodeView<?> view) {
        return NodeTestAccess.viewComponent(view);
    }

    /** The flow variables the node pushed in its last execute (name to Double, Integer or String), in order. */
    public Map<String, Object> flowVariables() {
        return NodeTestAccess.pushedFlowVariables(m_model);
    }

    private FileStore createFileStore(final String relativePath) {
        try {
            Path dir = m_fileStoreDir.resolve(Integer.toString(m_fileStoreCount.incrementAndGet()));
            Files.createDirectories(dir);
            Path file = dir.resolve(relativePath);
            if (!file.normalize().startsWith(dir)) {
                throw new IOException("file store name leaves its folder: " + relativePath);
            }
            return FileStoreTestAccess.create(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
