package org.maskseg.knime.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.NodeFactory;
import org.knime.core.node.NodeModel;
import org.knime.core.node.NodeSettings;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.port.PortType;
import org.maskseg.knime.NodeTestData;
import org.maskseg.knime.testing.NodeHarness;

/**
 * The example workflows are in KNIME's on-disk format, name only existing node factories, give every MaskSeg node
 * exactly the settings keys it saves (with values it accepts), control only existing settings by declared flow
 * variables, connect ports of matching types, and point to data files that exist.
 */
class ExampleWorkflowsTest {

    /** KNIME's own nodes the examples use; settings format as in shared/knime/reference-workflow. */
    private static final Set<String> KNIME_FACTORIES = Set.of(
        "org.knime.base.node.io.tablecreator.TableCreator2NodeFactory", WorkflowExecution.CHUNK_START,
        WorkflowExecution.CHUNK_END);

    /**
     * The settings keys KNIME's Parallel Chunk Start and End save (knime-core's test workflows, e.g.
     * bug6432_ParallelLoops, hold them): the chunk count (-1 = automatic) and whether the main branch stays
     * inactive; whether a chunk-index column is added. Both nodes have one table input and one table output.
     */
    private static final Map<String, Set<String>> CHUNK_KEYS = Map.of(WorkflowExecution.CHUNK_START,
        Set.of("chunkCount", "inactiveMainBranch"), WorkflowExecution.CHUNK_END, Set.of("addChunkIndex"));

    private static final String TABLE_CREATOR = "org.knime.base.node.io.tablecreator.TableCreator2NodeFactory";

    @TempDir
    Path tmp;

    private static Path examples() {
        return NodeTestData.repositoryRoot().resolve("workflows-examples");
    }

    private static List<Path> workflows() throws IOException {
        try (Stream<Path> s = Files.list(examples())) {
            return s.filter(p -> Files.isRegularFile(p.resolve("workflow.knime"))).sorted().toList();
        }
    }

    private static NodeSettingsRO read(final Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return NodeSettings.loadFromXML(in);
        }
    }

    @Test
    void atLeastThreeExamplesWithAReadme() throws IOException {
        assertTrue(workflows().size() >= 3, "example workflows: " + workflows());
        assertTrue(Files.isRegularFile(examples().resolve("README.md")));
        String readme = Files.readString(examples().resolve("README.md"));
        for (Path wf : workflows()) {
            assertTrue(readme.contains(wf.getFileName().toString()), "README explains " + wf.getFileName());
        }
    }

    @TestFactory
    Stream<DynamicTest> workflowsAreConsistent() throws IOException {
        return workflows().stream().map(wf -> DynamicTest.dynamicTest(wf.getFileName().toString(), () -> check(wf)));
    }

    private void check(final Path wf) throws Exception {
        NodeSettingsRO workflow = read(wf.resolve("workflow.knime"));
        assertEquals("5.1.0", workflow.getString("version"));
        Set<String> variables = new HashSet<>();
        if (workflow.containsKey("workflow_variables")) {
            NodeSettingsRO vars = workflow.getNodeSettings("workflow_variables");
            for (String k : vars.keySet()) {
                NodeSettingsRO v = vars.getNodeSettings(k);
                assertEquals("STRING", v.getString("class"), k);
                assertFalse(v.getString("value").isEmpty(), k);
                variables.add(v.getString("name"));
            }
        }
        Map<Integer, NodeModel> models = new HashMap<>();
        Map<Integer, String> factories = new HashMap<>();
        NodeSettingsRO nodes = workflow.getNodeSettings("nodes");
        for (String key : nodes.keySet()) {
            NodeSettingsRO n = nodes.getNodeSettings(key);
            int id = n.getInt("id");
            Path settingsFile = wf.resolve(n.getString("node_settings_file"));
            assertTrue(Files.isRegularFile(settingsFile), settingsFile.toString());
            NodeSettingsRO settings = read(settingsFile);
            String factory = settings.getString("factory");
            factories.put(id, factory);
            if (factory.startsWith("org.maskseg.")) {
                models.put(id, checkMaskSegNode(wf, settingsFile, settings, factory, variables));
            } else {
                assertTrue(KNIME_FACTORIES.contains(factory), "unknown node factory " + factory);
                assertFalse(settings.containsKey("variables"));
                if (factory.equals(TABLE_CREATOR)) {
                    checkTableCreatorFiles(wf, settings.getNodeSettings("model"));
                }
                if (CHUNK_KEYS.containsKey(factory)) {
                    NodeSettingsRO model = settings.getNodeSettings("model");
                    assertEquals(CHUNK_KEYS.get(factory), model.keySet(), settingsFile + ": settings keys");
                    if (factory.equals(WorkflowExecution.CHUNK_START)) {
                        int chunks = model.getInt("chunkCount");
                        assertTrue(chunks == -1 || chunks >= 1, settingsFile + ": chunk count " + chunks);
                        model.getBoolean("inactiveMainBranch");
                    } else {
                        model.getBoolean("addChunkIndex");
                    }
                }
            }
        }
        NodeSettingsRO connections = workflow.getNodeSettings("connections");
        assertFalse(connections.keySet().isEmpty());
        Set<String> inputsTaken = new HashSet<>();
        for (String key : connections.keySet()) {
            NodeSettingsRO c = connections.getNodeSettings(key);
            int source = c.getInt("sourceID");
            int dest = c.getInt("destID");
            assertTrue(factories.containsKey(source) && factories.containsKey(dest), key);
            assertTrue(inputsTaken.add(dest + ":" + c.getInt("destPort")), "input connected twice: " + key);
            PortType out = portType(models.get(source), c.getInt("sourcePort"), true);
            PortType in = portType(models.get(dest), c.getInt("destPort"), false);
            assertEquals(in.getPortObjectClass(), out.getPortObjectClass(), key + " connects different port types");
        }
        checkChunkLoops(factories, connections);
        for (Map.Entry<Integer, NodeModel> e : models.entrySet()) {
            PortType[] in = org.knime.core.node.NodeTestAccess.inPortTypes(e.getValue());
            for (int p = 1; p <= in.length; p++) {
                assertTrue(in[p - 1].isOptional() || inputsTaken.contains(e.getKey() + ":" + p),
                    "input " + p + " of node " + e.getKey() + " is not connected");
            }
        }
    }

    /**
     * Every Parallel Chunk Start reaches exactly one Parallel Chunk End, every End is reached from one Start, and
     * each output of the start leads to its end (the loop body is closed).
     */
    private static void checkChunkLoops(final Map<Integer, String> factories, final NodeSettingsRO connections)
        throws Exception {
        Map<Integer, Set<Integer>> next = new HashMap<>();
        for (String key : connections.keySet()) {
            NodeSettingsRO c = connections.getNodeSettings(key);
            next.computeIfAbsent(c.getInt("sourceID"), k -> new HashSet<>()).add(c.getInt("destID"));
        }
        Set<Integer> endsSeen = new HashSet<>();
        for (Map.Entry<Integer, String> f : factories.entrySet()) {
            if (!f.getValue().equals(WorkflowExecution.CHUNK_START)) {
                continue;
            }
            Set<Integer> reached = reach(f.getKey(), next);
            List<Integer> ends = reached.stream().filter(id -> factories.get(id).equals(WorkflowExecution.CHUNK_END))
                .toList();
            assertEquals(1, ends.size(), "chunk start " + f.getKey() + " reaches the chunk ends " + ends);
            assertTrue(endsSeen.add(ends.get(0)), "chunk end " + ends.get(0) + " closes two loops");
            for (int body : next.getOrDefault(f.getKey(), Set.of())) {
                assertTrue(body == ends.get(0) || reach(body, next).contains(ends.get(0)),
                    "node " + body + " after chunk start " + f.getKey() + " does not lead to its end");
            }
        }
        for (Map.Entry<Integer, String> f : factories.entrySet()) {
            if (f.getValue().equals(WorkflowExecution.CHUNK_END)) {
                assertTrue(endsSeen.contains(f.getKey()), "chunk end " + f.getKey() + " has no chunk start");
            }
        }
    }

    private static Set<Integer> reach(final int from, final Map<Integer, Set<Integer>> next) {
        Set<Integer> seen = new HashSet<>();
        java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>(List.of(from));
        while (!todo.isEmpty()) {
            for (int n : next.getOrDefault(todo.poll(), Set.of())) {
                if (seen.add(n)) {
                    todo.add(n);
                }
            }
        }
        return seen;
    }

    /** Port 0 of a native node is its flow-variable port; data ports count from 1. */
    private static PortType portType(final NodeModel model, final int port, final boolean output) {
        assertTrue(port >= 1, "data ports start at 1");
        if (model == null) {
            assertEquals(1, port, "the Table Creator and the parallel chunk nodes have one table port each way");
            return BufferedDataTable.TYPE;
        }
        PortType[] types = output ? org.knime.core.node.NodeTestAccess.outPortTypes(model)
            : org.knime.core.node.NodeTestAccess.inPortTypes(model);
        assertTrue(port <= types.length, "port " + port + " of " + model.getClass().getSimpleName());
        return types[port - 1];
    }

    private NodeModel checkMaskSegNode(final Path wf, final Path settingsFile, final NodeSettingsRO settings,
        final String factory, final Set<String> variables) throws Exception {
        NodeFactory<?> f = (NodeFactory<?>)Class.forName(factory).getDeclaredConstructor().newInstance();
        NodeHarness<?> h = NodeHarness.of(f, tmp);
        NodeSettingsRO model = settings.getNodeSettings("model");
        Set<String> expected = h.saveSettings().keySet();
        assertEquals(expected, model.keySet(), settingsFile + ": settings keys");
        try {
            h.loadSettings(model);
        } catch (Exception e) {
            fail(settingsFile + ": settings refused: " + e.getMessage(), e);
        }
        assertEquals(model.keySet(), h.saveSettings().keySet());
        if (settings.containsKey("variables")) {
            NodeSettingsRO vars = settings.getNodeSettings("variables");
            for (String key : vars.keySet()) {
                if (key.equals("version")) {
                    continue;
                }
                assertTrue(model.containsKey(key), settingsFile + ": flow variable controls unknown setting " + key);
                String used = vars.getNodeSettings(key).getString("used_variable");
                assertTrue(variables.contains(used), settingsFile + ": undeclared flow variable " + used);
            }
        }
        return h.model();
    }

    private static void checkTableCreatorFiles(final Path wf, final NodeSettingsRO model) throws Exception {
        String[] values = model.getStringArray("values");
        for (String v : values) {
            String prefix = "knime://knime.workflow/";
            assertTrue(v.startsWith(prefix), "workflow-relative path expected: " + v);
            Path file = wf.resolve(v.substring(prefix.length())).normalize();
            assertTrue(Files.isRegularFile(file), "missing data file " + file);
        }
    }
}
