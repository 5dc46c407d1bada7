package org.maskseg.knime.predictor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.DataType;
import org.knime.core.data.def.DefaultRow;
import org.knime.core.data.def.DoubleCell;
import org.knime.core.data.def.StringCell;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeSettings;
import org.knime.knip.base.data.img.ImgPlusCell;
import org.knime.knip.base.data.img.ImgPlusValue;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.metrics.SegmentationMetrics;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.knime.NodeTestData;
import org.maskseg.knime.TestModels;
import org.maskseg.knime.port.MaskSegModelPortObject;
import org.maskseg.knime.port.MaskSegModelPortObjectSpec;
import org.maskseg.knime.testing.ExecutionContexts;
import org.maskseg.knime.testing.NodeHarness;
import org.maskseg.knime.testing.Tables;
import org.maskseg.knime.util.IgnoreValueProperty;
import org.maskseg.knime.util.ImageCells;
import org.maskseg.knime.util.UnknownMaskColumns;

class PredictorNodeModelTest {

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private static MaskSegModelPortObject model;

    @BeforeAll
    static void model() throws Exception {
        Path file = TestModels.untrainedNetwork(shared.resolve("net.zip"));
        model = MaskSegModelPortObject.copyOf(MaskSegModelPortObjectSpec.of(TrainedModel.load(file)), file,
            ExecutionContexts.create(shared.resolve("stores")));
    }

    private NodeHarness<PredictorNodeModel> harness(final String reference, final boolean maps)
        throws InvalidSettingsException {
        NodeHarness<PredictorNodeModel> h = NodeHarness.of(new PredictorNodeFactory(), dir);
        NodeSettings s = h.saveSettings();
        s.addString("image_column", "image");
        s.addString("reference_column", reference);
        s.addBoolean("append_probabilities", maps);
        s.addBoolean("append_uncertainty", maps);
        s.addString("device", "cpu");
        h.loadSettings(s);
        return h;
    }

    private static BufferedDataTable nuclei(final int n) throws Exception {
        List<Path> images = NodeTestData.nucleiImages(n);
        List<Path> labels = NodeTestData.nucleiLabels(n);
        DataTableSpec spec = Tables.spec("image", StringCell.TYPE, "labels", ImgPlusCell.TYPE);
        DataRow[] rows = new DataRow[n];
        for (int i = 0; i < n; i++) {
            rows[i] = new DefaultRow("case " + i, NodeTestData.pathCell(images.get(i)),
                NodeTestData.labelCell(labels.get(i)));
        }
        return Tables.table(spec, rows);
    }

    @Test
    void predictsLabelsMapsAndScoresForEveryRow() throws Exception {
        NodeHarness<PredictorNodeModel> h = harness("labels", true);
        BufferedDataTable in = nuclei(2);
        BufferedDataTable out = (BufferedDataTable)h.execute(model, in)[0];
        DataTableSpec spec = out.getDataTableSpec();
        assertArrayEquals(new String[]{"image", "labels", "Predicted labels", "Class probabilities", "Uncertainty",
            "Dice nucleus", "Mean foreground Dice"}, spec.getColumnNames());
        assertEquals(2, out.size());
        List<Path> images = NodeTestData.nucleiImages(2);
        List<Path> refs = NodeTestData.nucleiLabels(2);
        int i = 0;
        double[] diceSum = new double[2];
        int[] diceCount = new int[2];
        for (DataRow r : out) {
            for (int k = 0; k < 2; k++) {
                double d = ((DoubleCell)r.getCell(5 + k)).getDoubleValue();
                if (Double.isFinite(d)) {
                    diceSum[k] += d;
                    diceCount[k]++;
                }
            }
            LabelVolume predicted = ImageCells.toLabelVolume((ImgPlusValue<?>)r.getCell(2), "p");
            ImageVolume image = ImageFiles.readImage(images.get(i));
            assertArrayEquals(image.spatialSize(), predicted.size());
            for (int v : predicted.data()) {
                assertTrue(v == 0 || v == 1, "only classes, never the ignore value: " + v);
            }
            ImageVolume probs = ImageCells.toImageVolume((ImgPlusValue<?>)r.getCell(3), "q");
            assertEquals(2, probs.channels());
            float[] p = probs.data();
            int voxels = (int)probs.voxelsPerChannel();
            for (int k = 0; k < voxels; k += 997) {
                assertEquals(1.0, p[k] + p[k + voxels], 1e-4, "probabilities sum to 1");
                assertEquals(p[k + voxels] > p[k] ? 1 : 0, predicted.data()[k], "label = argmax");
            }
            // the Dice column is the engine's metric on the same prediction and reference
            LabelVolume reference = ImageFiles.readLabels(refs.get(i));
            double dice = SegmentationMetrics.evaluate("x", reference, predicted, TrainedModel
                .load(model.getModelFile()).labels()).dice(1);
            assertEquals(dice, ((DoubleCell)r.getCell(5)).getDoubleValue(), 1e-12);
            i++;
        }
        assertTrue(h.messageHistory().stream().anyMatch(m -> m.contains("window")), "window progress shown");
        // flow variables: the Dice per class and the mean, averaged over the rows where they are defined
        Map<String, Object> flow = h.flowVariables();
        assertEquals(List.of("maskseg_dice_nucleus", "maskseg_dice_mean"), List.copyOf(flow.keySet()));
        assertEquals(diceCount[0] == 0 ? Double.NaN : diceSum[0] / diceCount[0], (Double)flow.get("maskseg_dice_nucleus"),
            1e-12);
        assertEquals(diceCount[1] == 0 ? Double.NaN : diceSum[1] / diceCount[1], (Double)flow.get("maskseg_dice_mean"),
            1e-12);

        // without reference labels there are no scores and no variables
        NodeHarness<PredictorNodeModel> plain = harness("", false);
        plain.execute(model, in);
        assertEquals(Map.of(), plain.flowVariables());
    }

    /**
     * The sample labels as three classes (nuclei in the left half of the image are "inner" = 2, the others "outer" =
     * 1), with the top rows set to {@code ignore}.
     */
    private static LabelVolume threeClassReference(final Path file, final int ignore) throws Exception {
        LabelVolume dense = ImageFiles.readLabels(file);
        int w = (int)dense.size()[0];
        int[] v = dense.data().clone();
        for (int i = 0; i < v.length; i++) {
            if (i < 8 * w) {
                v[i] = ignore;
            } else if (v[i] == 1 && i % w < w / 2) {
                v[i] = 2;
            }
        }
        return LabelVolume.wrap("reference", v, dense.size(), dense.spacing());
    }

    /** Dice of the voxels whose class is in {@code region}, counted over the voxels where the reference is not ignore. */
    private static double regionDice(final int[] ref, final int[] pred, final Set<Integer> region, final int ignore) {
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < ref.length; i++) {
            if (ref[i] == ignore) {
                continue;
            }
            boolean r = region.contains(ref[i]);
            boolean p = region.contains(pred[i]);
            tp += r && p ? 1 : 0;
            fp += !r && p ? 1 : 0;
            fn += r && !p ? 1 : 0;
        }
        return tp + fp + fn == 0 ? Double.NaN : 2.0 * tp / (2 * tp + fp + fn);
    }

    @Test
    void scoresARegionModelPerRegionWithTheReferencesDeclaredIgnoreValue() throws Exception {
        Path file = TestModels.untrainedRegionNetwork(dir.resolve("regions.zip"));
        MaskSegModelPortObject regionModel = MaskSegModelPortObject.copyOf(
            MaskSegModelPortObjectSpec.of(TrainedModel.load(file)), file, ExecutionContexts.create(dir.resolve("s")));
        assertEquals(List.of("cell", "core"), regionModel.getSpec().getRegionNames());
        List<Path> images = NodeTestData.nucleiImages(2);
        List<Path> refs = NodeTestData.nucleiLabels(2);
        // the reference marks unannotated pixels with 255 and says so through its column property
        DataTableSpec spec = Tables.withProperty(Tables.spec("image", StringCell.TYPE, "labels", ImgPlusCell.TYPE),
            "labels", IgnoreValueProperty.KEY, "255");
        DataRow[] rows = new DataRow[2];
        LabelVolume[] references = new LabelVolume[2];
        for (int i = 0; i < 2; i++) {
            references[i] = threeClassReference(refs.get(i), 255);
            rows[i] = new DefaultRow("case " + i, NodeTestData.pathCell(images.get(i)),
                NodeTestData.labelCell(references[i]));
        }
        NodeHarness<PredictorNodeModel> h = harness("labels", false);
        DataTableSpec configured = (DataTableSpec)h.configure(regionModel.getSpec(), spec)[0];
        assertEquals(List.of("image", "labels", "Predicted labels", "Dice cell", "Dice core", "Mean region Dice"),
            List.of(configured.getColumnNames()));
        BufferedDataTable out = (BufferedDataTable)h.execute(regionModel, Tables.table(spec, rows))[0];
        int i = 0;
        for (DataRow r : out) {
            int[] predicted = ImageCells.toLabelVolume((ImgPlusValue<?>)r.getCell(2), "p").data();
            int[] ref = references[i].data();
            double cell = regionDice(ref, predicted, Set.of(1, 2), 255);
            double core = regionDice(ref, predicted, Set.of(2), 255);
            assertEquals(cell, ((DoubleCell)r.getCell(3)).getDoubleValue(), 1e-12);
            assertEquals(core, ((DoubleCell)r.getCell(4)).getDoubleValue(), 1e-12);
            double mean = Double.isNaN(cell) ? core : Double.isNaN(core) ? cell : (cell + core) / 2;
            assertEquals(mean, ((DoubleCell)r.getCell(5)).getDoubleValue(), 1e-12);
            i++;
        }

        // without the property the model's ignore value (3) applies, and 255 is refused as a value of the reference
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> h.execute(regionModel, Tables.table(Tables.spec("image", StringCell.TYPE, "labels", ImgPlusCell.TYPE),
                rows)));
        assertTrue(e.getMessage().contains("255") && e.getMessage().contains("case 0"), e.getMessage());
    }

    @Test
    void classScoresUseTheReferencesDeclaredIgnoreValue() throws Exception {
        List<Path> images = NodeTestData.nucleiImages(1);
        LabelVolume dense = ImageFiles.readLabels(NodeTestData.nucleiLabels(1).get(0));
        int[] v = dense.data().clone();
        java.util.Arrays.fill(v, 0, v.length / 2, 7);
        LabelVolume reference = LabelVolume.wrap("reference", v, dense.size(), dense.spacing());
        DataTableSpec spec = Tables.withProperty(Tables.spec("image", StringCell.TYPE, "labels", ImgPlusCell.TYPE),
            "labels", IgnoreValueProperty.KEY, "7");
        BufferedDataTable out = (BufferedDataTable)harness("labels", false).execute(model, Tables.table(spec,
            new DefaultRow("case 0", NodeTestData.pathCell(images.get(0)), NodeTestData.labelCell(reference))))[0];
        DataRow r = out.iterator().next();
        int[] predicted = ImageCells.toLabelVolume((ImgPlusValue<?>)r.getCell(2), "p").data();
        assertEquals(regionDice(v, predicted, Set.of(1), 7), ((DoubleCell)r.getCell(3)).getDoubleValue(), 1e-12);

        // a declared value inside the model's classes is refused, naming the column
        DataTableSpec clash = Tables.withProperty(spec, "labels", IgnoreValueProperty.KEY, "1");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> harness("labels", false)
            .execute(model, Tables.table(clash, new DefaultRow("case 0", NodeTestData.pathCell(images.get(0)),
                NodeTestData.labelCell(reference)))));
        assertTrue(e.getMessage().contains("\"labels\"") && e.getMessage().contains("ignore value 1"),
            e.getMessage());
    }

    private NodeHarness<PredictorNodeModel> partialHarness(final String annotatedClasses, final boolean detect,
        final String maskColumn, final String maskClass) throws InvalidSettingsException {
        NodeHarness<PredictorNodeModel> h = harness("labels", false);
        NodeSettings s = h.saveSettings();
        s.addString("reference_annotated_classes_column", annotatedClasses);
        s.addBoolean("reference_detect_unknown_masks", detect);
        s.addString("reference_unknown_mask_column", maskColumn);
        s.addString("reference_unknown_mask_class", maskClass);
        h.loadSettings(s);
        return h;
    }

    /** The labels the test model predicts for the first sample image. */
    private static int[] predictionOfFirstImage(final Path dir) throws Exception {
        NodeHarness<PredictorNodeModel> h = NodeHarness.of(new PredictorNodeFactory(), dir);
        NodeSettings s = h.saveSettings();
        s.addString("image_column", "image");
        s.addString("device", "cpu");
        h.loadSettings(s);
        BufferedDataTable out = (BufferedDataTable)h.execute(model, Tables.table(Tables.spec("image", StringCell.TYPE),
            new DefaultRow("case 0", NodeTestData.pathCell(NodeTestData.nucleiImages(1).get(0)))))[0];
        return ImageCells.toLabelVolume((ImgPlusValue<?>)out.iterator().next().getCell(1), "p").data();
    }

    private static double dice(final DataRow r, final int column) {
        return ((DoubleCell)r.getCell(column)).getDoubleValue();
    }

    @Test
    void classUnknownInPartOfTheReferenceIsNotScoredThere() throws Exception {
        int[] p = predictionOfFirstImage(dir.resolve("plain"));
        int w = 256;
        int h = p.length / w;
        // reference: the prediction in the bottom half, background in the top half; the nucleus is unknown in the
        // top-left quarter, so only the predicted nucleus pixels of the top-right quarter are false positives
        int[] ref = new int[p.length];
        int[] unknown = new int[p.length];
        long bottom = 0;
        long topLeft = 0;
        long topRight = 0;
        for (int i = 0; i < p.length; i++) {
            boolean top = i / w < h / 2;
            boolean left = i % w < w / 2;
            ref[i] = top ? 0 : p[i];
            unknown[i] = top && left ? 1 : 0;
            if (p[i] == 1) {
                bottom += top ? 0 : 1;
                topLeft += top && left ? 1 : 0;
                topRight += top && !left ? 1 : 0;
            }
        }
        assertTrue(bottom > 0 && topLeft > 0, "the test needs predicted nuclei in both parts: " + bottom + ", "
            + topLeft);
        long[] size = {w, h};
        double[] spacing = {1, 1};
        DataTableSpec spec = Tables.spec("image", StringCell.TYPE, "labels", ImgPlusCell.TYPE, "classes",
            StringCell.TYPE, UnknownMaskColumns.name("nucleus"), ImgPlusCell.TYPE);
        Path image = NodeTestData.nucleiImages(1).get(0);
        BufferedDataTable in = Tables.table(spec,
            new DefaultRow("partly unknown", NodeTestData.pathCell(image),
                NodeTestData.labelCell(LabelVolume.wrap("r", ref, size, spacing)), DataType.getMissingCell(),
                NodeTestData.labelCell(LabelVolume.wrap("m", unknown, size, spacing))),
            new DefaultRow("nucleus not annotated", NodeTestData.pathCell(image),
                NodeTestData.labelCell(LabelVolume.wrap("r", new int[p.length], size, spacing)),
                new StringCell("background"),
                DataType.getMissingCell()),
            new DefaultRow("complete", NodeTestData.pathCell(image),
                NodeTestData.labelCell(LabelVolume.wrap("r", ref, size, spacing)), DataType.getMissingCell(),
                DataType.getMissingCell()));

        // Dice = 2 tp / (2 tp + fp + fn): tp = predicted nuclei in the bottom half, fn = 0, fp = predicted nuclei
        // in the top half where the nucleus is known
        double partly = 2.0 * bottom / (2.0 * bottom + topRight);
        double complete = 2.0 * bottom / (2.0 * bottom + topLeft + topRight);
        BufferedDataTable out = (BufferedDataTable)partialHarness("classes", true, "", "").execute(model, in)[0];
        List<DataRow> rows = new java.util.ArrayList<>();
        out.forEach(rows::add);
        assertEquals(partly, dice(rows.get(0), 5), 1e-12);
        assertEquals(partly, dice(rows.get(0), 6), 1e-12, "the mean of the one foreground class");
        assertTrue(Double.isNaN(dice(rows.get(1), 5)), "a class the row does not annotate gets no score");
        assertTrue(Double.isNaN(dice(rows.get(1), 6)));
        assertEquals(complete, dice(rows.get(2), 5), 1e-12);
        assertTrue(partly > complete);

        // without the partial-label columns every annotated reference pixel counts for the nucleus
        BufferedDataTable plain = (BufferedDataTable)partialHarness("", false, "", "").execute(model, in)[0];
        assertEquals(complete, dice(plain.iterator().next(), 5), 1e-12);

        // the same mask named explicitly, with its class by value, gives the same score
        DataTableSpec renamed = Tables.spec("image", StringCell.TYPE, "labels", ImgPlusCell.TYPE, "classes",
            StringCell.TYPE, "hidden", ImgPlusCell.TYPE);
        BufferedDataTable explicit = (BufferedDataTable)partialHarness("", true, "hidden", "1").execute(model,
            Tables.table(renamed, new DefaultRow("partly unknown", NodeTestData.pathCell(image),
                NodeTestData.labelCell(LabelVolume.wrap("r", ref, size, spacing)), DataType.getMissingCell(),
                NodeTestData.labelCell(LabelVolume.wrap("m", unknown, size, spacing)))))[0];
        assertEquals(partly, dice(explicit.iterator().next(), 5), 1e-12);
    }

    @Test
    void unknownClassInTheAnnotatedClassesNamesTheRow() throws Exception {
        DataTableSpec spec = Tables.spec("image", StringCell.TYPE, "labels", StringCell.TYPE, "classes",
            StringCell.TYPE);
        Path image = NodeTestData.nucleiImages(1).get(0);
        BufferedDataTable in = Tables.table(spec, new DefaultRow("row with mito", NodeTestData.pathCell(image),
            NodeTestData.pathCell(NodeTestData.nucleiLabels(1).get(0)), new StringCell("nucleus; mito")));
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> partialHarness("classes", true, "", "").execute(model, in));
        assertTrue(e.getMessage().contains("row with mito") && e.getMessage().contains("'mito'")
            && e.getMessage().contains("[background, nucleus]"), e.getMessage());

        // a class value beyond the model's classes is refused too, naming the row
        BufferedDataTable tooLarge = Tables.table(spec, new DefaultRow("row with class 5",
            NodeTestData.pathCell(image), NodeTestData.pathCell(NodeTestData.nucleiLabels(1).get(0)),
            new StringCell("1;5")));
        e = assertThrows(InvalidInputException.class,
            () -> partialHarness("classes", true, "", "").execute(model, tooLarge));
        assertTrue(e.getMessage().contains("row with class 5") && e.getMessage().contains("5"), e.getMessage());

        // an annotated-classes column holding images is refused at configure
        InvalidSettingsException s = assertThrows(InvalidSettingsException.class, () -> partialHarness("labels",
            true, "", "").configure(model.getSpec(), Tables.spec("image", StringCell.TYPE, "labels",
                ImgPlusCell.TYPE)));
        assertTrue(s.getMessage().contains("Annotated classes column"), s.getMessage());
    }

    @Test
    void regionModelRefusesPartialReferences() throws Exception {
        Path file = TestModels.untrainedRegionNetwork(dir.resolve("regions.zip"));
        MaskSegModelPortObject regionModel = MaskSegModelPortObject.copyOf(
            MaskSegModelPortObjectSpec.of(TrainedModel.load(file)), file, ExecutionContexts.create(dir.resolve("s")));
        DataTableSpec spec = Tables.spec("image", StringCell.TYPE, "labels", ImgPlusCell.TYPE,
            UnknownMaskColumns.name("inner"), ImgPlusCell.TYPE);
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
            () -> partialHarness("", true, "", "").configure(regionModel.getSpec(), spec));
        assertTrue(e.getMessage().contains("region-based") && e.getMessage().contains("Unknown mask (inner)"),
            e.getMessage());
        // without detection the regions are scored as before
        DataTableSpec out = (DataTableSpec)partialHarness("", false, "", "").configure(regionModel.getSpec(), spec)[0];
        assertEquals("Mean region Dice", out.getColumnSpec(out.getNumColumns() - 1).getName());

    }

    @Test
    void partialLabelSettingsRoundTrip() throws Exception {
        NodeHarness<PredictorNodeModel> h = partialHarness("classes", false, "hidden", "nucleus");
        NodeSettings saved = h.saveSettings();
        assertEquals("classes", saved.getString("reference_annotated_classes_column"));
        assertEquals(false, saved.getBoolean("reference_detect_unknown_masks"));
        assertEquals("hidden", saved.getString("reference_unknown_mask_column"));
        assertEquals("nucleus", saved.getString("reference_unknown_mask_class"));
        PredictorSettings fresh = new PredictorSettings();
        assertTrue(fresh.referenceDetectUnknownMasks.getBooleanValue(), "unknown masks are detected by default");
        fresh.loadFrom(saved);
        assertEquals("hidden", fresh.referenceUnknownMaskColumn.getStringValue());
        DataTableSpec spec = Tables.spec("image", StringCell.TYPE, "labels", ImgPlusCell.TYPE, "classes",
            StringCell.TYPE, "hidden", ImgPlusCell.TYPE);
        NodeSettings fromDialog = h.dialogRoundTrip(saved, model.getSpec(), spec);
        for (String key : List.of("reference_annotated_classes_column", "reference_unknown_mask_column",
            "reference_unknown_mask_class")) {
            assertEquals(saved.getString(key), fromDialog.getString(key), key);
        }
        assertEquals(false, fromDialog.getBoolean("reference_detect_unknown_masks"));
    }

    /** Settings saved before the precision setting existed load as auto; bf16 is refused with its reason. */
    @Test
    void precisionSettingIsOptionalAndRefusesBf16() throws Exception {
        PredictorSettings old = new PredictorSettings();
        old.imageColumn.setStringValue("image");
        NodeSettings saved = new NodeSettings("old");
        for (org.knime.core.node.defaultnodesettings.SettingsModel m : old.models()) {
            if (m != old.precision) {
                m.saveSettingsTo(saved);
            }
        }
        assertFalse(saved.containsKey("precision"));
        PredictorSettings loaded = new PredictorSettings();
        loaded.precision.setStringValue("fp16");
        loaded.validate(saved);
        loaded.loadFrom(saved);
        assertEquals("fp16", loaded.precision.getStringValue(), "an absent key leaves the setting as it was");
        assertEquals("auto", new PredictorSettings().predictionSettings().precision());
        saved.addString("precision", "bf16");
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> loaded.validate(saved));
        assertTrue(e.getMessage().contains("bfloat16"), e.getMessage());
    }

    /** fp16 runs on the CPU, with the one-line warning that it is slow there as the node's warning. */
    @Test
    void halfPrecisionOnTheCpuWarns() throws Exception {
        NodeHarness<PredictorNodeModel> h = harness("", false);
        NodeSettings s = h.saveSettings();
        s.addString("precision", "fp16");
        h.loadSettings(s);
        BufferedDataTable out = (BufferedDataTable)h.execute(model, nuclei(1))[0];
        assertEquals(1, out.size());
        assertTrue(h.warning() != null && h.warning().startsWith("warning: fp16 on the CPU"), h.warning());
        NodeHarness<PredictorNodeModel> plain = harness("", false);
        plain.execute(model, nuclei(1));
        assertEquals(null, plain.warning(), "auto is fp32 on the CPU, without a warning");
    }

    @Test
    void cancellationDuringPredictionStops() throws Exception {
        NodeHarness<PredictorNodeModel> h = harness("", false);
        h.cancelAfterChecks(3);
        assertThrows(CanceledExecutionException.class, () -> h.execute(model, nuclei(1)));
    }

    @Test
    void imageWithWrongChannelCountNamesTheRow() throws Exception {
        NodeHarness<PredictorNodeModel> h = harness("", false);
        ImageVolume rgb = ImageVolume.create("rgb", new long[]{32, 32}, 3, new double[]{1, 1});
        BufferedDataTable in = Tables.table(Tables.spec("image", ImgPlusCell.TYPE),
            new DefaultRow("three channels", ImageCells.imageCell(rgb, new org.knime.knip.base.data.img.ImgPlusCellFactory(null))));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> h.execute(model, in));
        assertTrue(e.getMessage().contains("three channels"), e.getMessage());
    }

    @Test
    void configureKnowsTheScoreColumnsFromTheModel() throws Exception {
        NodeHarness<PredictorNodeModel> h = harness("labels", false);
        DataTableSpec out = (DataTableSpec)h.configure(model.getSpec(),
            Tables.spec("image", StringCell.TYPE, "labels", StringCell.TYPE))[0];
        assertEquals(List.of("image", "labels", "Predicted labels", "Dice nucleus", "Mean foreground Dice"),
            List.of(out.getColumnNames()));
        NodeSettings bad = h.saveSettings();
        bad.addString("device", "tpu");
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> h.validateSettings(bad));
        assertTrue(e.getMessage().contains("tpu"), e.getMessage());
        NodeSettings fromDialog = h.dialogRoundTrip(h.saveSettings(), model.getSpec(), Tables.spec("image", StringCell.TYPE));
        assertEquals(h.saveSettings().keySet(), fromDialog.keySet());
    }

    @Test
    void emptyTableIsRefused() throws Exception {
        NodeHarness<PredictorNodeModel> h = harness("", false);
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> h.execute(model, Tables.table(Tables.spec("image", StringCell.TYPE))));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }
}
