package org.maskseg.knime.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

import javax.swing.SwingWorker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knime.core.data.DataRow;
import org.knime.core.data.def.DefaultRow;
import org.knime.core.data.def.StringCell;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.NodeDialogPane;
import org.knime.core.node.NodeSettings;
import org.knime.core.node.port.PortObject;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.RegionSet;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.PlanJson;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.train.TrainingJob;
import org.maskseg.core.train.TrainingSettings;
import org.maskseg.knime.NodeTestData;
import org.maskseg.knime.TestModels;
import org.maskseg.knime.port.MaskSegModelPortObject;
import org.maskseg.knime.port.MaskSegModelPortObjectSpec;
import org.maskseg.knime.testing.ExecutionContexts;
import org.maskseg.knime.testing.NodeHarness;
import org.maskseg.knime.testing.Tables;
import org.maskseg.knime.util.IgnoreValueProperty;

/**
 * The trainer dialog's Plan tab. The dialog is built from lightweight Swing components (panels, labels, a text area,
 * a button), which need no display: these tests run headless and never open a window.
 */
class TrainerNodeDialogTest {

    @TempDir
    Path dir;

    private static BufferedDataTable nuclei(final int n) {
        List<Path> images = NodeTestData.nucleiImages(n);
        List<Path> labels = NodeTestData.nucleiLabels(n);
        List<DataRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new DefaultRow("case " + i, NodeTestData.pathCell(images.get(i)),
                NodeTestData.pathCell(labels.get(i))));
        }
        return Tables.table(Tables.spec("image", StringCell.TYPE, "labels", StringCell.TYPE), rows);
    }

    private NodeSettings settings(final NodeHarness<TrainerNodeModel> h, final int epochs, final int batch) {
        NodeSettings s = h.saveSettings();
        s.addString("image_column", "image");
        s.addString("label_column", "labels");
        s.addInt("epochs", epochs);
        s.addInt("batch_size", batch);
        return s;
    }

    /** Waits until the dialog has shown the outcome of the planning it started. */
    private static Plan finish(final TrainerNodeDialog dialog, final SwingWorker<Plan, String> worker)
        throws Exception {
        dialog.planShown().get();
        return worker.get();
    }

    /** Settings as sorted XML lines: equal when they hold the same entries, whatever their order. */
    private static List<String> entries(final NodeSettings s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.saveToXML(out);
        return out.toString(StandardCharsets.UTF_8).lines().sorted().toList();
    }

    @Test
    void describesEveryPlanItemAndWhereItComesFrom() {
        Plan p = Plan.builder()
            .configuration("2d")
            .patchSize(256, 192)
            .batchSize(12)
            .network(n -> n.numStages(3)
                .features(32, 64, 128)
                .strides(new int[][]{{1, 1}, {2, 2}, {2, 2}})
                .kernelSizes(new int[][]{{3, 3}, {3, 3}, {3, 3}}))
            .targetSpacing(1, 0.5)
            .training(t -> t.epochs(40).iterationsPerEpoch(250).validationIterations(50))
            .targets(Targets.classes(new LabelSpec(2, 2, List.of("background", "class 1"))))
            .build();
        TrainingSettings epochsSet = TrainingSettings.builder().epochs(40).batchSize(12).build();
        assertEquals(String.join("\n",
            "Configuration:                2d  (planned)",
            "Patch size:                   256 × 192 (x × y)  (planned)",
            "Batch size:                   12  (set in this dialog)",
            "Stages:                       3  (planned)",
            "Features per stage:           32, 64, 128  (planned)",
            "Target spacing:               1 × 0.5  (planned)",
            "Epochs × iterations:          40 × 250  (partly set in this dialog)",
            "Initial learning rate:        0.01  (planned)",
            "Validation batches per epoch: 50  (planned)",
            "Classes:                      2 (background, class 1), ignore value 2  (from the labels)",
            "Normalisation:                zscore  (planned)", ""),
            PlanPreview.describe(p, epochsSet, false));
        String warm = PlanPreview.describe(p, TrainingSettings.builder().build(), true);
        assertTrue(warm.contains("Patch size:                   256 × 192 (x × y)  (from the initial model)"), warm);

        // a lower learning rate for fine-tuning and region definitions are shown with their source
        Plan tunedPlan = p.toBuilder()
            .training(t -> t.initialLearningRate(0.001))
            .targets(Targets.of(p.targets().spec(), RegionSet.parse("cell=1", p.targets().spec()), false))
            .build();
        String tuned = PlanPreview.describe(tunedPlan, TrainingSettings.builder().learningRate(0.001).build(), false);
        assertTrue(tuned.contains("Initial learning rate:        0.001  (set in this dialog)"), tuned);
        assertTrue(tuned.contains("Regions:                      cell=1:1  (set in this dialog)"), tuned);

        // a time budget may size the plan to the computer when executed, unless patch or batch size are set
        TrainingSettings budget = TrainingSettings.builder()
            .budget(org.maskseg.core.train.Budget.parse("3m")).build();
        assertTrue(PlanPreview.describe(p, budget, false).endsWith("Device sizing:                patch, batch and "
            + "features may be made smaller when executed, so that the budget allows 500 steps on this computer  "
            + "(time budget)\n"), PlanPreview.describe(p, budget, false));
        String fixed = PlanPreview.describe(p, budget.toBuilder().patchSize(64, 64).build(), false);
        assertFalse(fixed.contains("Device sizing"), fixed);
        String steps = PlanPreview.describe(p, TrainingSettings.builder()
            .budget(org.maskseg.core.train.Budget.parse("500steps")).build(), false);
        assertFalse(steps.contains("Device sizing"), steps);

        // a residual encoder U-Net (ResEnc preset) shows its blocks after the stages
        Plan residual = p.toBuilder().network(n -> n.architecture(Plan.Network.RESIDUAL_ENCODER_UNET)
            .blocksPerStage(1, 3, 4)).build();
        String resEnc = PlanPreview.describe(residual, TrainingSettings.builder().build(), false);
        assertTrue(resEnc.contains("Stages:                       3  (planned)\n"
            + "Residual blocks per stage:    1, 3, 4  (planned)\n"), resEnc);
    }

    @Test
    void withoutInputDataTheDialogAsksToExecuteTheUpstreamNode() throws Exception {
        NodeHarness<TrainerNodeModel> h = NodeHarness.of(new TrainerNodeFactory(), dir);
        NodeSettings s = settings(h, 0, 0);
        TrainerNodeDialog d = (TrainerNodeDialog)h.openDialog(s, NodeHarness.specsOf(nuclei(1), null, null), null);
        assertEquals(PlanPreview.NO_DATA, d.planText());
        assertNull(d.computePlan());
        assertEquals(PlanPreview.NO_DATA, d.planText());
        d.onClose();
        assertEquals(entries(s), entries(NodeHarness.saveDialog(d)));
    }

    @Test
    void withInputDataTheDialogShowsTheEnginesPlanWithItsOverrides() throws Exception {
        NodeHarness<TrainerNodeModel> h = NodeHarness.of(new TrainerNodeFactory(), dir);
        NodeSettings s = settings(h, 3, 5);
        BufferedDataTable table = nuclei(4);
        PortObject[] data = {table, null, null};
        NodeDialogPane pane = h.openDialog(s, NodeHarness.specsOf(data), data);
        TrainerNodeDialog d = (TrainerNodeDialog)pane;
        assertEquals("", d.planText());
        Plan shown = finish(d, d.computePlan());

        // the same plan as the engine's planning on the same cases and overrides
        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> labels = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            images.add(ImageFiles.readImage(NodeTestData.nucleiImages(4).get(i)));
            labels.add(ImageFiles.readLabels(NodeTestData.nucleiLabels(4).get(i)));
        }
        TrainingSettings overrides = TrainingSettings.builder().epochs(3).batchSize(5).build();
        Plan engine = TrainingJob.plan(images, labels, null, overrides, PlannerOptions.defaults());
        assertEquals(PlanJson.toJson(engine), PlanJson.toJson(shown));
        assertEquals(3, shown.training().epochs());
        assertEquals(5, shown.batchSize());
        assertEquals(PlanPreview.describe(engine, overrides, false, "highest class + 1"), d.planText());
        assertTrue(d.planText().contains("ignore value 2  (classes from the labels, ignore value highest class + 1)"),
            d.planText());
        assertTrue(d.planText().contains("Batch size:                   5  (set in this dialog)"), d.planText());
        assertTrue(d.planStatus().startsWith("Plan for 4 cases"), d.planStatus());

        // empty overrides keep meaning "as planned"
        NodeSettings planned = settings(h, 0, 0);
        d = (TrainerNodeDialog)h.openDialog(planned, NodeHarness.specsOf(data), data);
        Plan asPlanned = finish(d, d.computePlan());
        Plan engineDefault = TrainingJob.plan(images, labels, null, TrainingSettings.builder().build(), null);
        assertEquals(PlanJson.toJson(engineDefault), PlanJson.toJson(asPlanned));
        assertTrue(d.planText().contains("Epochs × iterations:          " + engineDefault.training().epochs() + " × "
            + engineDefault.training().iterationsPerEpoch() + "  (planned)"), d.planText());
        d.onClose();
        assertEquals(entries(planned), entries(NodeHarness.saveDialog(d)));
    }

    @Test
    void thePlanShowsTheIgnoreValueTheLabelColumnDeclares() throws Exception {
        NodeHarness<TrainerNodeModel> h = NodeHarness.of(new TrainerNodeFactory(), dir);
        BufferedDataTable plain = nuclei(2);
        List<DataRow> rows = new ArrayList<>();
        plain.forEach(rows::add);
        BufferedDataTable table = Tables.table(Tables.withProperty(plain.getDataTableSpec(), "labels",
            IgnoreValueProperty.KEY, "255"), rows);
        PortObject[] data = {table, null, null};
        TrainerNodeDialog d = (TrainerNodeDialog)h.openDialog(settings(h, 0, 0), NodeHarness.specsOf(data), data);
        Plan shown = finish(d, d.computePlan());
        assertEquals(255, shown.targets().ignoreValue());
        assertTrue(d.planText().contains("ignore value 255  (classes from the labels, ignore value declared by the "
            + "label column \"labels\")"), d.planText());
        d.onClose();
    }

    @Test
    void withAnInitialModelTheDialogShowsTheModelsNetworkAndPlansOnValidationCasesToo() throws Exception {
        Path file = TestModels.untrainedNetwork(dir.resolve("net.zip"));
        MaskSegModelPortObject initial = MaskSegModelPortObject.copyOf(
            MaskSegModelPortObjectSpec.of(TrainedModel.load(file)), file, ExecutionContexts.create(dir.resolve("fs")));
        NodeHarness<TrainerNodeModel> h = NodeHarness.of(new TrainerNodeFactory(), dir);
        BufferedDataTable training = nuclei(3);
        List<DataRow> validationRows = new ArrayList<>();
        List<Path> images = NodeTestData.nucleiImages(5);
        List<Path> labels = NodeTestData.nucleiLabels(5);
        for (int i = 3; i < 5; i++) {
            validationRows.add(new DefaultRow("case " + i, NodeTestData.pathCell(images.get(i)),
                NodeTestData.pathCell(labels.get(i))));
        }
        BufferedDataTable validation = Tables.table(training.getDataTableSpec(), validationRows);
        PortObject[] data = {training, validation, initial};
        TrainerNodeDialog d = (TrainerNodeDialog)h.openDialog(settings(h, 0, 0), NodeHarness.specsOf(data), data);
        Plan shown = finish(d, d.computePlan());
        assertArrayEquals(new int[]{64, 64}, shown.patchSize(), "a warm start keeps the model's patch size");
        assertArrayEquals(new int[]{8, 16, 32}, shown.network().features());
        assertTrue(d.planText().contains("Patch size:                   64 × 64 (x × y)  (from the initial model)"),
            d.planText());
        assertTrue(d.planStatus().startsWith("Plan for 5 cases"), d.planStatus());
        d.onClose();
    }

    @Test
    void refusedSettingsAndUnreadableDataAreShownInsteadOfAPlan() throws Exception {
        NodeHarness<TrainerNodeModel> h = NodeHarness.of(new TrainerNodeFactory(), dir);
        NodeSettings s = settings(h, 0, 0);
        s.addString("patch_size", "64, big");
        PortObject[] data = {nuclei(2), null, null};
        TrainerNodeDialog d = (TrainerNodeDialog)h.openDialog(s, NodeHarness.specsOf(data), data);
        assertNull(d.computePlan());
        assertTrue(d.planText().startsWith("The plan cannot be computed: \"Patch size\": \"big\""), d.planText());

        NodeSettings wrongColumn = settings(h, 0, 0);
        wrongColumn.addString("label_column", "no such column");
        d = (TrainerNodeDialog)h.openDialog(wrongColumn, NodeHarness.specsOf(data), data);
        SwingWorker<Plan, String> failing = d.computePlan();
        d.planShown().get();
        assertThrows(ExecutionException.class, failing::get);
        assertTrue(d.planText().startsWith("The plan cannot be computed: "), d.planText());
        d.onClose();
    }
}
