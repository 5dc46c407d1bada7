package org.maskseg.knime.workflows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.knime.core.data.DataCell;
import org.knime.core.data.DataColumnSpec;
import org.knime.core.data.DataColumnSpecCreator;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.def.DefaultRow;
import org.knime.core.data.def.StringCell;
import org.knime.core.node.NodeFactory;
import org.knime.core.node.NodeModel;
import org.knime.core.node.NodeSettings;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.port.PortObject;
import org.knime.core.util.FileUtilTestAccess;
import org.maskseg.knime.testing.NodeHarness;
import org.maskseg.knime.testing.Tables;

/**
 * Executes a workflow stored in KNIME's on-disk format node by node, the way KNIME would: in the order its
 * connections impose, each node with the settings of its settings.xml (flow variables replaced by the workflow
 * variables' values), its inputs taken from the outputs its connections name, and {@code knime://knime.workflow/}
 * URLs resolved against the workflow folder. MaskSeg nodes run through {@link NodeHarness}; of KNIME's own nodes
 * only the Table Creator is known, whose output follows from its settings alone, and the Parallel Chunk Start and
 * End, which this class stands in for (KNIME's own nodes are not available here): the table entering the start is
 * split into chunks as KNIME splits it (rows / chunks rows each, the first rows % chunks chunks one more, never more
 * chunks than rows), the nodes between start and end run once per chunk, each time as new node instances (KNIME
 * runs a copy of the loop body per chunk), taking inputs from outside the loop body unchanged, and the end
 * concatenates the chunks' tables in chunk order.
 */
final class WorkflowExecution {

    static final String TABLE_CREATOR = "org.knime.base.node.io.tablecreator.TableCreator2NodeFactory";

    static final String CHUNK_START =
        "org.knime.core.node.workflow.virtual.parallelchunkstart.ParallelChunkStartNodeFactory";

    static final String CHUNK_END = "org.knime.core.node.workflow.virtual.parallelchunkend.ParallelChunkEndNodeFactory";

    /** A node as the workflow stores it. */
    record Node(int id, String name, String factory, NodeSettings model) {
    }

    private final Path m_workflow;

    private final Path m_workDir;

    private final Map<Integer, Node> m_nodes = new TreeMap<>();

    /** destination node → (input port (0-based) → source node and output port (0-based)) */
    private final Map<Integer, Map<Integer, int[]>> m_inputs = new HashMap<>();

    private final Map<String, String> m_variables = new HashMap<>();

    private final Map<Integer, PortObject[]> m_outputs = new LinkedHashMap<>();

    private final List<Integer> m_order = new ArrayList<>();

    private int m_runs;

    WorkflowExecution(final Path workflow, final Path workDir) throws Exception {
        this(workflow, workDir, Map.of());
    }

    /**
     * @param variables workflow variables given on the command line ({@code -workflow.variable=name,value,type}):
     *            they overwrite the workflow's values of the same name, as KNIME's batch application does
     */
    WorkflowExecution(final Path workflow, final Path workDir, final Map<String, String> variables) throws Exception {
        m_workflow = workflow;
        m_workDir = workDir;
        NodeSettingsRO wf = read(workflow.resolve("workflow.knime"));
        if (wf.containsKey("workflow_variables")) {
            NodeSettingsRO vars = wf.getNodeSettings("workflow_variables");
            for (String k : vars.keySet()) {
                NodeSettingsRO v = vars.getNodeSettings(k);
                m_variables.put(v.getString("name"), v.getString("value"));
            }
        }
        m_variables.putAll(variables);
        NodeSettingsRO nodes = wf.getNodeSettings("nodes");
        for (String key : nodes.keySet()) {
            NodeSettingsRO n = nodes.getNodeSettings(key);
            String file = n.getString("node_settings_file");
            NodeSettings settings = (NodeSettings)read(workflow.resolve(file));
            int id = n.getInt("id");
            m_nodes.put(id, new Node(id, file.substring(0, file.indexOf('/')), settings.getString("factory"),
                settings.getNodeSettings("model")));
            if (settings.containsKey("variables")) {
                applyVariables(settings.getNodeSettings("variables"), settings.getNodeSettings("model"));
            }
        }
        NodeSettingsRO connections = wf.getNodeSettings("connections");
        for (String key : connections.keySet()) {
            NodeSettingsRO c = connections.getNodeSettings(key);
            // port 0 of a node is its flow-variable port; data ports count from 1
            m_inputs.computeIfAbsent(c.getInt("destID"), k -> new HashMap<>()).put(c.getInt("destPort") - 1,
                new int[]{c.getInt("sourceID"), c.getInt("sourcePort") - 1});
        }
        order();
    }

    private static NodeSettingsRO read(final Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return NodeSettings.loadFromXML(in);
        }
    }

    /** Settings controlled by a flow variable take the workflow variable's value (all are string variables). */
    private void applyVariables(final NodeSettingsRO variables, final NodeSettings model) throws Exception {
        for (String key : variables.keySet()) {
            if (key.equals("version")) {
                continue;
            }
            String variable = variables.getNodeSettings(key).getString("used_variable");
            String value = m_variables.get(variable);
            if (value == null) {
                throw new IllegalStateException("setting " + key + " uses the undeclared variable " + variable);
            }
            model.addString(key, value);
        }
    }

    /** Kahn's topological order; among nodes ready at the same time, the lower id first. */
    private void order() {
        Map<Integer, Integer> pending = new HashMap<>();
        for (int id : m_nodes.keySet()) {
            pending.put(id, m_inputs.getOrDefault(id, Map.of()).size());
        }
        TreeSet<Integer> ready = new TreeSet<>();
        pending.forEach((id, n) -> {
            if (n == 0) {
                ready.add(id);
            }
        });
        while (!ready.isEmpty()) {
            int id = ready.pollFirst();
            m_order.add(id);
            for (Map.Entry<Integer, Map<Integer, int[]>> e : m_inputs.entrySet()) {
                for (int[] source : e.getValue().values()) {
                    if (source[0] == id && pending.merge(e.getKey(), -1, Integer::sum) == 0) {
                        ready.add(e.getKey());
                    }
                }
            }
        }
        if (m_order.size() != m_nodes.size()) {
            throw new IllegalStateException("the workflow's connections form a cycle");
        }
    }

    /** The nodes in execution order. */
    List<Node> nodes() {
        return m_order.stream().map(m_nodes::get).toList();
    }

    /**
     * Executes every node in order.
     *
     * @param adjust called with each node and its settings before they are loaded (to lighten a setting for a test)
     */
    void run(final Consumer<Node> adjust) throws Exception {
        FileUtilTestAccess.setWorkflowDirectory(m_workflow);
        try {
            java.util.Set<Integer> done = new java.util.HashSet<>();
            for (Node n : nodes()) {
                if (done.contains(n.id())) {
                    continue;
                }
                adjust.accept(n);
                if (n.factory().equals(CHUNK_START)) {
                    done.addAll(runChunks(n, adjust));
                } else {
                    m_outputs.put(n.id(), execute(n, m_outputs));
                }
            }
        } finally {
            FileUtilTestAccess.setWorkflowDirectory(null);
        }
    }

    /** The outputs of each chunk of a node inside a parallel chunk loop, in chunk order. */
    List<PortObject[]> chunkOutputs(final int id) {
        return m_chunkOutputs.getOrDefault(id, List.of());
    }

    private final Map<Integer, List<PortObject[]>> m_chunkOutputs = new HashMap<>();

    /**
     * Runs a parallel chunk loop: its body once per chunk, then the end node's concatenation.
     *
     * @return the ids of the start, the body and the end node
     */
    private List<Integer> runChunks(final Node start, final Consumer<Node> adjust) throws Exception {
        int endId = -1;
        for (Node n : nodes()) {
            if (n.factory().equals(CHUNK_END) && downstream(start.id()).contains(n.id())) {
                endId = n.id();
                break;
            }
        }
        if (endId < 0) {
            throw new IllegalStateException(start.name() + " has no Parallel Chunk End downstream");
        }
        java.util.Set<Integer> fromStart = downstream(start.id());
        List<Node> body = new ArrayList<>();
        for (Node n : nodes()) {
            if (n.id() != endId && fromStart.contains(n.id()) && downstream(n.id()).contains(endId)) {
                adjust.accept(n);
                body.add(n);
            }
        }
        int[] in = m_inputs.get(start.id()).get(0);
        org.knime.core.node.BufferedDataTable table =
            (org.knime.core.node.BufferedDataTable)m_outputs.get(in[0])[in[1]];
        List<DataRow> rows = new ArrayList<>();
        table.forEach(rows::add);
        int chunks = start.model().getInt("chunkCount");
        if (chunks <= 0) {
            chunks = (int)Math.ceil(1.5 * Runtime.getRuntime().availableProcessors());
        }
        chunks = Math.max(1, Math.min(chunks, rows.size()));
        int per = rows.size() / chunks;
        int extra = rows.size() % chunks;
        List<DataRow> joined = new ArrayList<>();
        DataTableSpec joinedSpec = null;
        int from = 0;
        for (int c = 0; c < chunks; c++) {
            int size = per + (c < extra ? 1 : 0);
            Map<Integer, PortObject[]> local = new HashMap<>(m_outputs);
            local.put(start.id(), new PortObject[]{Tables.table(table.getDataTableSpec(), rows.subList(from, from
                + size))});
            from += size;
            for (Node n : body) {
                PortObject[] out = execute(n, local);
                local.put(n.id(), out);
                m_chunkOutputs.computeIfAbsent(n.id(), k -> new ArrayList<>()).add(out);
            }
            int[] last = m_inputs.get(endId).get(0);
            org.knime.core.node.BufferedDataTable part =
                (org.knime.core.node.BufferedDataTable)local.get(last[0])[last[1]];
            joinedSpec = part.getDataTableSpec();
            part.forEach(joined::add);
        }
        m_outputs.put(start.id(), new PortObject[]{table});
        m_outputs.put(endId, new PortObject[]{Tables.table(joinedSpec, joined)});
        List<Integer> ids = new ArrayList<>(List.of(start.id(), endId));
        body.forEach(n -> ids.add(n.id()));
        return ids;
    }

    /** The nodes reachable from a node through connections. */
    private java.util.Set<Integer> downstream(final int id) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>(List.of(id));
        while (!todo.isEmpty()) {
            int from = todo.poll();
            for (Map.Entry<Integer, Map<Integer, int[]>> e : m_inputs.entrySet()) {
                for (int[] source : e.getValue().values()) {
                    if (source[0] == from && seen.add(e.getKey())) {
                        todo.add(e.getKey());
                    }
                }
            }
        }
        return seen;
    }

    /** The outputs of a node that has run (0-based ports). */
    PortObject[] outputs(final int id) {
        return m_outputs.get(id);
    }

    private PortObject[] execute(final Node n, final Map<Integer, PortObject[]> outputs) throws Exception {
        if (n.factory().equals(TABLE_CREATOR)) {
            return new PortObject[]{tableCreator(n.model())};
        }
        NodeFactory<?> factory = (NodeFactory<?>)Class.forName(n.factory()).getDeclaredConstructor().newInstance();
        NodeHarness<? extends NodeModel> h = NodeHarness.of(factory, m_workDir.resolve("node " + n.id() + " run "
            + m_runs++));
        h.loadSettings(n.model());
        PortObject[] in = new PortObject[h.inPortTypes().length];
        for (Map.Entry<Integer, int[]> e : m_inputs.getOrDefault(n.id(), Map.of()).entrySet()) {
            in[e.getKey()] = outputs.get(e.getValue()[0])[e.getValue()[1]];
        }
        try {
            return h.execute(in);
        } catch (Exception e) {
            throw new AssertionError(n.name() + " failed: " + e.getMessage(), e);
        }
    }

    /** The Table Creator's output: its cells by row and column index, string columns, keys prefix + number. */
    private static PortObject tableCreator(final NodeSettingsRO model) throws Exception {
        int[] rows = intArray(model.getNodeSettings("rowIndices"));
        int[] cols = intArray(model.getNodeSettings("columnIndices"));
        String[] values = stringArray(model.getNodeSettings("values"));
        NodeSettingsRO props = model.getNodeSettings("columnProperties");
        List<DataColumnSpec> columns = new ArrayList<>();
        for (int c = 0; props.containsKey(Integer.toString(c)); c++) {
            NodeSettingsRO p = props.getNodeSettings(Integer.toString(c));
            String cellClass = p.getNodeSettings("ColumnClass").getString("cell_class");
            if (!cellClass.equals(StringCell.class.getName())) {
                throw new IllegalStateException("only string columns are supported, got " + cellClass);
            }
            columns.add(new DataColumnSpecCreator(p.getString("ColumnName"), StringCell.TYPE).createSpec());
        }
        int nRows = 0;
        for (int r : rows) {
            nRows = Math.max(nRows, r + 1);
        }
        DataCell[][] cells = new DataCell[nRows][columns.size()];
        for (int i = 0; i < values.length; i++) {
            cells[rows[i]][cols[i]] = new StringCell(values[i]);
        }
        List<DataRow> out = new ArrayList<>();
        int start = model.getInt("rowIdStartValue");
        for (int r = 0; r < nRows; r++) {
            for (int c = 0; c < columns.size(); c++) {
                if (cells[r][c] == null) {
                    throw new IllegalStateException("empty cell at row " + r + ", column " + c);
                }
            }
            out.add(new DefaultRow(model.getString("rowIdPrefix") + (start + r) + model.getString("rowIdSuffix"),
                cells[r]));
        }
        return Tables.table(new DataTableSpec(columns.toArray(DataColumnSpec[]::new)), out);
    }

    /** An array stored as entries "array-size", "0", "1", ... */
    private static int[] intArray(final NodeSettingsRO a) throws Exception {
        int[] v = new int[a.getInt("array-size")];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.getInt(Integer.toString(i));
        }
        return v;
    }

    private static String[] stringArray(final NodeSettingsRO a) throws Exception {
        String[] v = new String[a.getInt("array-size")];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.getString(Integer.toString(i));
        }
        return v;
    }
}
