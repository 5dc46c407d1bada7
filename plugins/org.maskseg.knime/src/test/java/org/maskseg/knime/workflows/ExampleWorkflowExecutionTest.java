package org.maskseg.knime.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.collection.ListCell;
import org.knime.core.data.def.DoubleCell;
import org.knime.core.node.BufferedDataTable;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.knime.NodeTestData;
import org.maskseg.knime.port.MaskSegModelPortObject;
import org.maskseg.knime.trainer.TrainerNodeFactory;
import org.maskseg.knime.util.IgnoreValueProperty;

/**
 * Runs the shipped example workflows node by node with the settings stored in their settings.xml files, on the
 * bundled sample images: sparse annotation → train → predict and score → write the model, then batch prediction
 * with that model. This proves that the shipped settings run, not only that they parse.
 * <p>
 * The trainer's stored schedule (50 epochs of 50 steps) takes far too long for a test, so the test sets only its
 * epochs, iterations per epoch and validation batches per epoch to 1, as a user would through flow variables for a
 * first try; every other setting, including the planned batch and patch size, is the workflow's own. The
 * workflows run in a copy, so the model the writer saves does not land in the repository.
 */
class ExampleWorkflowExecutionTest {

    private static final String SPARSE = "MaskSeg Sparse Annotation to Prediction";

    private static final String BATCH = "MaskSeg Batch Prediction";

    private static final String PARALLEL = "MaskSeg Parallel Prediction";

    @TempDir
    Path tmp;

    private Path copyExamples() throws IOException {
        return NodeTestData.copyOfExamples(tmp.resolve("workspace"));
    }

    /** The only deviation from the stored settings: a one-step schedule for the trainer. */
    private static void oneStepTraining(final WorkflowExecution.Node n) {
        if (n.factory().equals(TrainerNodeFactory.class.getName())) {
            n.model().addInt("epochs", 1);
            n.model().addInt("iterations_per_epoch", 1);
            n.model().addInt("validation_iterations", 1);
        }
    }

    private static int id(final WorkflowExecution wf, final String namePrefix) {
        return wf.nodes().stream().filter(n -> n.name().startsWith(namePrefix)).findFirst().orElseThrow().id();
    }

    @Test
    void sparseAnnotationTrainingPredictionAndBatchPredictionRunWithTheirStoredSettings() throws Exception {
        Path workspace = copyExamples();
        assertFalse(Files.exists(workspace.resolve(SPARSE).resolve("nuclei-model.zip")));

        WorkflowExecution sparse = new WorkflowExecution(workspace.resolve(SPARSE), tmp.resolve("run1"));
        List<String> order = sparse.nodes().stream().map(WorkflowExecution.Node::name).toList();
        assertEquals(List.of("Table Creator (#1)", "Ignore-Label Annotator (#2)", "MaskSeg Masked Trainer (#3)",
            "Table Creator (#4)", "MaskSeg Predictor (#5)", "MaskSeg Model Writer (#6)"), order);
        sparse.run(ExampleWorkflowExecutionTest::oneStepTraining);

        // the annotator keeps a small part of every image's labels and lists it per class (background, nucleus)
        BufferedDataTable annotated = (BufferedDataTable)sparse.outputs(id(sparse, "Ignore-Label Annotator"))[0];
        assertEquals(8, annotated.size());
        DataTableSpec spec = annotated.getDataTableSpec();
        int fraction = spec.findColumnIndex("Annotated fraction");
        int perClass = spec.findColumnIndex("Annotated fraction per class");
        for (DataRow r : annotated) {
            double f = ((DoubleCell)r.getCell(fraction)).getDoubleValue();
            assertTrue(f > 0 && f < 0.5, r.getKey() + ": " + f);
            ListCell classes = (ListCell)r.getCell(perClass);
            assertEquals(2, classes.size());
            for (var c : classes) {
                double cf = ((DoubleCell)c).getDoubleValue();
                assertTrue(cf > 0 && cf < 1, r.getKey() + ": " + classes);
            }
        }

        // the annotator declares the ignore value it wrote, so the trainer keeps its default ignore setting
        assertEquals(2, IgnoreValueProperty.of(spec.getColumnSpec("Scribble labels")));
        WorkflowExecution.Node trainerNode = sparse.nodes().stream()
            .filter(n -> n.name().startsWith("MaskSeg Masked Trainer")).findFirst().orElseThrow();
        assertTrue(trainerNode.model().getBoolean("ignore_value_default"));

        // the trainer ran its one epoch on the scribble labels
        PortObjectsOfTrainer trainer = new PortObjectsOfTrainer(sparse.outputs(id(sparse, "MaskSeg Masked Trainer")));
        assertEquals(1, trainer.statistics().size());
        assertEquals(2, trainer.model().getSpec().getClassNames().size());

        // the predictor segments and scores the 4 test images against their dense labels
        BufferedDataTable predicted = (BufferedDataTable)sparse.outputs(id(sparse, "MaskSeg Predictor"))[0];
        assertEquals(4, predicted.size());
        int dice = predicted.getDataTableSpec().findColumnIndex("Mean foreground Dice");
        assertTrue(dice >= 0, predicted.getDataTableSpec().toString());
        for (DataRow r : predicted) {
            double d = ((DoubleCell)r.getCell(dice)).getDoubleValue();
            assertTrue(d >= 0 && d <= 1, r.getKey() + ": Dice " + d);
        }

        // the writer saved the model inside the workflow folder (knime://knime.workflow/nuclei-model.zip)
        Path written = workspace.resolve(SPARSE).resolve("nuclei-model.zip");
        assertTrue(Files.isRegularFile(written));
        assertEquals(2, TrainedModel.load(written).numClasses());

        // the batch workflow reads that model through its model_file variable and predicts its 4 images
        WorkflowExecution batch = new WorkflowExecution(workspace.resolve(BATCH), tmp.resolve("run2"));
        batch.run(n -> { });
        BufferedDataTable batchOut = (BufferedDataTable)batch.outputs(id(batch, "MaskSeg Predictor"))[0];
        assertEquals(4, batchOut.size());
        assertTrue(batchOut.getDataTableSpec().containsName("Predicted labels"));

        assertFalse(Files.exists(NodeTestData.repositoryRoot().resolve("workflows-examples").resolve(SPARSE)
            .resolve("nuclei-model.zip")), "the run wrote into the repository");
    }

    /**
     * The parallel workflow splits its 12 images into the stored 2 chunks, runs a copy of the predictor (with its
     * own network) per chunk and joins them: rows, keys, order and every pixel equal a serial run (one chunk) of the
     * same workflow and the predictor run once on the whole table.
     */
    @Test
    void parallelChunksPredictExactlyAsASerialRun() throws Exception {
        Path workspace = copyExamples();
        Path model = org.maskseg.knime.TestModels.untrainedNetwork(tmp.resolve("model.zip"));
        java.util.Map<String, String> variables = java.util.Map.of("model_file", model.toString(), "device", "cpu");
        WorkflowExecution parallel = new WorkflowExecution(workspace.resolve(PARALLEL), tmp.resolve("run1"),
            variables);
        assertEquals(List.of("MaskSeg Model Reader (#1)", "Table Creator (#2)", "Parallel Chunk Start (#3)",
            "MaskSeg Predictor (#4)", "Parallel Chunk End (#5)"),
            parallel.nodes().stream().map(WorkflowExecution.Node::name).toList());
        parallel.run(n -> { });
        int predictor = id(parallel, "MaskSeg Predictor");
        List<org.knime.core.node.port.PortObject[]> chunks = parallel.chunkOutputs(predictor);
        assertEquals(2, chunks.size(), "the stored chunk count");
        assertEquals(List.of(6L, 6L), chunks.stream().map(o -> ((BufferedDataTable)o[0]).size()).toList());
        BufferedDataTable joined = (BufferedDataTable)parallel.outputs(id(parallel, "Parallel Chunk End"))[0];
        assertEquals(12, joined.size());

        WorkflowExecution serial = new WorkflowExecution(workspace.resolve(PARALLEL), tmp.resolve("run2"),
            variables);
        serial.run(n -> {
            if (n.factory().equals(WorkflowExecution.CHUNK_START)) {
                n.model().addInt("chunkCount", 1);
            }
        });
        assertEquals(1, serial.chunkOutputs(id(serial, "MaskSeg Predictor")).size());
        BufferedDataTable whole = (BufferedDataTable)serial.outputs(id(serial, "Parallel Chunk End"))[0];
        assertSameTable(whole, joined);
        // the labels are not all one class: the comparison has something to compare
        java.util.Set<Integer> values = new java.util.HashSet<>();
        int labels = joined.getDataTableSpec().findColumnIndex("Predicted labels");
        for (DataRow r : joined) {
            for (int v : org.maskseg.knime.util.ImageCells.toLabelVolume(
                (org.knime.knip.base.data.img.ImgPlusValue<?>)r.getCell(labels), "p").data()) {
                values.add(v);
            }
        }
        assertEquals(java.util.Set.of(0, 1), values);
    }

    /** Same keys in the same order, and every cell equal (images pixel by pixel). */
    private static void assertSameTable(final BufferedDataTable expected, final BufferedDataTable actual)
        throws Exception {
        assertEquals(expected.getDataTableSpec(), actual.getDataTableSpec());
        assertEquals(expected.size(), actual.size());
        var e = expected.iterator();
        var a = actual.iterator();
        while (e.hasNext()) {
            DataRow x = e.next();
            DataRow y = a.next();
            assertEquals(x.getKey(), y.getKey());
            for (int c = 0; c < x.getNumCells(); c++) {
                if (x.getCell(c) instanceof org.knime.knip.base.data.img.ImgPlusValue<?> xi) {
                    var yi = (org.knime.knip.base.data.img.ImgPlusValue<?>)y.getCell(c);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(
                        org.maskseg.knime.util.ImageCells.toImageVolume(xi, "x").data(),
                        org.maskseg.knime.util.ImageCells.toImageVolume(yi, "y").data(), x.getKey() + ", column " + c);
                } else {
                    assertEquals(x.getCell(c), y.getCell(c), x.getKey() + ", column " + c);
                }
            }
        }
    }

    /** The trainer's two outputs. */
    private record PortObjectsOfTrainer(MaskSegModelPortObject model, BufferedDataTable statistics) {
        PortObjectsOfTrainer(final org.knime.core.node.port.PortObject[] out) {
            this((MaskSegModelPortObject)out[0], (BufferedDataTable)out[1]);
        }
    }
}
