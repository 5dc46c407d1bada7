package org.maskseg.knime.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knime.core.node.BufferedDataTable;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.knime.NodeTestData;
import org.maskseg.knime.trainer.TrainerNodeFactory;

/**
 * Runs the example workflows with the command lines of the README's "Run headless" section, read from the README:
 * the arguments are parsed as KNIME's batch application parses them (checked against {@code BatchExecutor} of
 * knime/knime-core at tag analytics-platform/5.3.0: {@code -reset}, {@code -nosave}, {@code -workflowDir=…},
 * {@code -workflow.variable=name,value,type} with type {@code String}, {@code int} or {@code double} and quotes around
 * values; {@code -nosplash} and {@code -application} belong to the Eclipse launcher), and the workflow then runs
 * through the execution double with the workflow's own settings and the variables given. The only deviation is the
 * trainer's schedule, cut to one step as in {@link ExampleWorkflowExecutionTest}.
 */
class HeadlessBatchTest {

    static final String BATCH_APPLICATION = "org.knime.product.KNIME_BATCH_APPLICATION";

    @TempDir
    Path tmp;

    /** The arguments of a batch run, as KNIME's batch application reads them. */
    record BatchCommand(String application, boolean reset, boolean noSave, String workflowDir,
        Map<String, String> variables) {

        static BatchCommand parse(final List<String> args) {
            String application = null;
            boolean reset = false;
            boolean noSave = false;
            String dir = null;
            Map<String, String> variables = new LinkedHashMap<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                String[] parts = a.split("=", 2);
                switch (parts[0]) {
                    case "-nosplash", "-consoleLog" -> { }
                    case "-application" -> application = args.get(++i);
                    case "-reset" -> reset = true;
                    case "-nosave" -> noSave = true;
                    case "-workflowDir" -> dir = parts[1];
                    case "-workflow.variable" -> {
                        List<String> v = splitVariable(parts[1]);
                        if (v.size() != 3) {
                            throw new IllegalArgumentException("Couldn't parse -workflow.variable argument: " + a);
                        }
                        switch (v.get(2)) {
                            case "String" -> { }
                            case "int" -> Integer.parseInt(v.get(1));
                            case "double" -> Double.parseDouble(v.get(1));
                            default -> throw new IllegalArgumentException(
                                "Invalid type for workflow variable " + v.get(0) + ": " + v.get(2));
                        }
                        variables.put(v.get(0), v.get(1));
                    }
                    default -> throw new IllegalArgumentException("Unknown option '" + parts[0] + "'");
                }
            }
            return new BatchCommand(application, reset, noSave, dir, variables);
        }

        /** name,value,type; quotes (" or ') protect commas, and are removed. */
        static List<String> splitVariable(final String arg) {
            return splitQuoted(arg, c -> c == ',', true);
        }
    }

    /** The commands of the README's "Run headless" section, split into arguments as a POSIX shell does. */
    static List<List<String>> readmeCommands() throws IOException {
        String readme = Files.readString(NodeTestData.repositoryRoot().resolve("README.md"));
        int section = readme.indexOf("### Run headless");
        assertTrue(section >= 0, "README.md has no \"Run headless\" section");
        int start = readme.indexOf("```\n", section) + 4;
        int end = readme.indexOf("```", start);
        String block = readme.substring(start, end).replace("\\\n", " ");
        List<List<String>> commands = new ArrayList<>();
        for (String line : block.split("\n")) {
            if (!line.isBlank()) {
                commands.add(shellWords(line));
            }
        }
        return commands;
    }

    private static List<String> shellWords(final String line) {
        return splitQuoted(line, Character::isWhitespace, false);
    }

    /**
     * Splits text at separator characters outside quotes (" or '), removing the quotes. As fields, every separator
     * ends one (empty fields kept, as in name,value,type); as words, runs of separators between words are skipped
     * and a quoted empty string is a word (as a POSIX shell splits a command line).
     */
    private static List<String> splitQuoted(final String text, final IntPredicate separator, final boolean fields) {
        List<String> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        boolean started = fields;
        char quote = 0;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    sb.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                started = true;
            } else if (separator.test(c)) {
                if (started) {
                    out.add(sb.toString());
                    sb.setLength(0);
                    started = fields;
                }
            } else {
                sb.append(c);
                started = true;
            }
        }
        if (started) {
            out.add(sb.toString());
        }
        return out;
    }

    /** A checkout-like folder holding a copy of the example workflows (runs write nothing into the repository). */
    private Path copyOfExamples() throws IOException {
        return NodeTestData.copyOfExamples(tmp.resolve("checkout/workflows-examples")).getParent();
    }

    @Test
    void theReadmesCommandLinesRunTheExampleWorkflows() throws Exception {
        List<List<String>> commands = readmeCommands();
        assertEquals(2, commands.size(), commands.toString());
        // paths in the commands are relative to the repository root, as run from a checkout
        Path checkout = copyOfExamples();

        List<BatchCommand> parsed = new ArrayList<>();
        for (List<String> c : commands) {
            assertEquals("knime", c.get(0));
            BatchCommand b = BatchCommand.parse(c.subList(1, c.size()));
            assertEquals(BATCH_APPLICATION, b.application());
            assertTrue(b.reset() && b.noSave(), c.toString());
            parsed.add(b);
        }

        // 1: sparse annotation, training (one step), prediction with scores, model written into the workflow
        BatchCommand sparse = parsed.get(0);
        WorkflowExecution first = new WorkflowExecution(checkout.resolve(sparse.workflowDir()), tmp.resolve("run1"),
            sparse.variables());
        first.run(n -> {
            if (n.factory().equals(TrainerNodeFactory.class.getName())) {
                n.model().addInt("epochs", 1);
                n.model().addInt("iterations_per_epoch", 1);
                n.model().addInt("validation_iterations", 1);
            }
        });
        Path model = checkout.resolve(sparse.workflowDir()).resolve("nuclei-model.zip");
        assertEquals(2, TrainedModel.load(model).numClasses());

        // 2: batch prediction with the model and the device given as workflow variables
        BatchCommand batch = parsed.get(1);
        assertEquals("cpu", batch.variables().get("device"));
        Map<String, String> variables = new LinkedHashMap<>(batch.variables());
        variables.put("model_file", checkout.resolve(variables.get("model_file")).toString());
        assertEquals(model, Path.of(variables.get("model_file")));
        WorkflowExecution second = new WorkflowExecution(checkout.resolve(batch.workflowDir()), tmp.resolve("run2"),
            variables);
        WorkflowExecution.Node predictor = second.nodes().stream()
            .filter(n -> n.name().startsWith("MaskSeg Predictor")).findFirst().orElseThrow();
        assertEquals("cpu", predictor.model().getString("device"), "the command line's device variable is applied");
        second.run(n -> { });
        BufferedDataTable out = (BufferedDataTable)second.outputs(predictor.id())[0];
        assertEquals(4, out.size());
        assertTrue(out.getDataTableSpec().containsName("Predicted labels"));
    }

    @Test
    void argumentsAreParsedAsKnimesBatchApplicationDoes() {
        BatchCommand b = BatchCommand.parse(List.of("-nosplash", "-application", BATCH_APPLICATION, "-reset",
            "-workflowDir=/w", "-workflow.variable=a,\"x,y\",String", "-workflow.variable=n,3,int"));
        assertEquals(Map.of("a", "x,y", "n", "3"), b.variables());
        assertEquals("/w", b.workflowDir());
        assertThrows(IllegalArgumentException.class, () -> BatchCommand.parse(List.of("-workflow.variable=n,x,long")));
        assertThrows(NumberFormatException.class, () -> BatchCommand.parse(List.of("-workflow.variable=n,x,int")));
        assertThrows(IllegalArgumentException.class, () -> BatchCommand.parse(List.of("-bogus")));
    }
}
