package org.maskseg.knime.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.DataType;
import org.knime.core.data.def.DefaultRow;
import org.knime.core.data.def.DoubleCell;
import org.knime.core.data.def.IntCell;
import org.knime.core.data.def.StringCell;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeSettings;
import org.knime.core.node.defaultnodesettings.SettingsModel;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.knip.base.data.img.ImgPlusCell;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.annotate.Annotation;
import org.maskseg.core.annotate.ClassRoi;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.train.EpochStats;
import org.maskseg.knime.NodeTestData;
import org.maskseg.knime.annotator.AnnotatorNodeFactory;
import org.maskseg.knime.port.MaskSegModelPortObject;
import org.maskseg.knime.port.MaskSegModelPortObjectSpec;
import org.maskseg.knime.testing.NodeHarness;
import org.maskseg.knime.testing.PortObjects;
import org.maskseg.knime.testing.Tables;
import org.maskseg.knime.util.IgnoreValueProperty;

class TrainerNodeModelTest {

    @TempDir
    Path dir;

    /** Two epochs of two steps on 64 x 64 patches: seconds on a CPU. */
    private NodeHarness<TrainerNodeModel> harness() throws InvalidSettingsException {
        NodeHarness<TrainerNodeModel> h = NodeHarness.of(new TrainerNodeFactory(), dir);
        NodeSettings s = h.saveSettings();
        s.addString("image_column", "image");
        s.addString("label_column", "labels");
        s.addString("configuration", "2d");
        s.addInt("epochs", 2);
        s.addInt("iterations_per_epoch", 2);
        s.addInt("validation_iterations", 1);
        s.addInt("batch_size", 2);
        s.addString("patch_size", "64, 64");
        s.addDouble("validation_fraction", 0.25);
        s.addString("device", "cpu");
        s.addInt("threads", 2);
        h.loadSettings(s);
        return h;
    }

    /** The last row of the statistics table, as the values the flow variables come from. */
    private static EpochStats stats(final BufferedDataTable stats) {
        DataRow last = null;
        for (DataRow r : stats) {
            last = r;
        }
        double d = ((DoubleCell)last.getCell(4)).getDoubleValue();
        return new EpochStats(((IntCell)last.getCell(0)).getIntValue(), 0, 0, 0, new double[0], d,
            ((DoubleCell)last.getCell(5)).getDoubleValue(), false, 0, 0, 0, 0,
            ((DoubleCell)last.getCell(9)).getDoubleValue(), 0);
    }

    private static BufferedDataTable nuclei(final int n) throws Exception {
        return nuclei(0, n);
    }

    /** Sample cases first..end-1, with row keys "case 0", "case 1", ... */
    private static BufferedDataTable nuclei(final int first, final int end) throws Exception {
        List<Path> images = NodeTestData.nucleiImages(end);
        List<Path> labels = NodeTestData.nucleiLabels(end);
        List<DataRow> rows = new ArrayList<>();
        for (int i = first; i < end; i++) {
            rows.add(new DefaultRow("case " + (i - first), NodeTestData.pathCell(images.get(i)),
                NodeTestData.pathCell(labels.get(i))));
        }
        return Tables.table(Tables.spec("image", StringCell.TYPE, "labels", StringCell.TYPE), rows);
    }

    @Test
    void crossValidationTrainsEveryFoldIntoOneModel() throws Exception {
        NodeHarness<TrainerNodeModel> h = harness();
        NodeSettings s = h.saveSettings();
        s.addInt("epochs", 1);
        s.addInt("iterations_per_epoch", 1);
        s.addInt("folds", 2);
        h.loadSettings(s);
        PortObject[] out = h.execute(nuclei(4), null, null);
        TrainedModel model = TrainedModel.load(((MaskSegModelPortObject)out[0]).getModelFile());
        assertEquals(List.of(0, 1), model.folds());
        List<Integer> folds = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (DataRow r : (BufferedDataTable)out[1]) {
            folds.add(((IntCell)r.getCell(10)).getIntValue());
            keys.add(r.getKey().getString());
        }
        assertEquals(List.of(0, 1), folds);
        assertEquals(List.of("Fold 0, epoch 1", "Fold 1, epoch 1"), keys);
        assertTrue(h.flowVariables().containsKey("maskseg_validation_dice_mean"), h.flowVariables().toString());

        // a fold that does not exist, or a validation table besides the folds, is refused at configure
        s.addInt("fold", 2);
        assertThrows(InvalidSettingsException.class, () -> h.loadSettings(s));
        s.addInt("fold", 1);
        h.loadSettings(s);
        InvalidSettingsException both = assertThrows(InvalidSettingsException.class,
            () -> h.configure(nuclei(4).getDataTableSpec(), nuclei(2).getDataTableSpec(), null));
        assertTrue(both.getMessage().contains("disconnect the validation table"), both.getMessage());
    }

    @Test
    void trainsAModelAndReportsEveryEpoch() throws Exception {
        NodeHarness<TrainerNodeModel> h = harness();
        PortObjectSpec[] specs = h.configure(nuclei(4).getDataTableSpec(), null, null);
        assertNull(specs[0], "the model's classes are known only after reading the data");
        TrainerNodeView view = (TrainerNodeView)h.openView(0);
        assertSame(view.panel(), NodeHarness.viewComponent(view));
        assertEquals(List.of(0), view.panel().epochsShown(), "nothing trained yet");
        PortObject[] out = h.execute(nuclei(4), null, null);
        MaskSegModelPortObject model = (MaskSegModelPortObject)out[0];
        MaskSegModelPortObjectSpec spec = model.getSpec();
        assertEquals(2, spec.getNumClasses());
        assertEquals(2, spec.getIgnoreValue(), "default ignore value: highest class + 1");
        assertEquals("2d", spec.getConfiguration());
        TrainedModel loaded = TrainedModel.load(model.getModelFile());
        assertEquals(2, loaded.metadata().epochsDone());

        BufferedDataTable stats = (BufferedDataTable)out[1];
        assertEquals(2, stats.size());
        int epoch = 1;
        for (DataRow r : stats) {
            assertEquals(epoch++, ((IntCell)r.getCell(0)).getIntValue());
            double loss = ((DoubleCell)r.getCell(2)).getDoubleValue();
            assertTrue(Double.isFinite(loss), "training loss " + loss);
            assertEquals(2, ((IntCell)r.getCell(6)).getIntValue(), "steps per epoch");
        }
        assertTrue(h.messageHistory().stream().anyMatch(m -> m.startsWith("Epoch 2/2")), h.messageHistory().toString());
        assertTrue(h.messageHistory().stream().anyMatch(m -> m.startsWith("Epoch 1/2") && m.contains(" left")),
            "estimated time left after the first epoch: " + h.messageHistory());
        List<Double> progress = h.progressHistory();
        assertEquals(1.0, progress.get(progress.size() - 1), 1e-9);

        // the view followed the training epoch by epoch, while the node executed, and shows the finished curve
        assertEquals(List.of(0, 1, 2), view.panel().epochsShown());
        LearningCurve curve = view.panel().curve();
        assertFalse(curve.running());
        assertEquals(1, curve.seriesNames().size(), "one foreground class: " + curve.seriesNames());
        assertTrue(curve.status().contains("completed after 2 epochs"), curve.status());
        java.awt.image.BufferedImage chart = LearningCurvePanel.render(curve, 600, 500);
        assertEquals(600, chart.getWidth());
        // flow variables with the main results
        Map<String, Object> flow = h.flowVariables();
        EpochStats last = stats(stats);
        assertEquals(last.emaPseudoDice(), (Double)flow.get("maskseg_pseudo_dice_ema"), 1e-12);
        assertEquals(last.meanPseudoDice(), (Double)flow.get("maskseg_pseudo_dice_last"), 1e-12);
        assertEquals(2, flow.get("maskseg_epochs"));
        assertEquals(4, flow.get("maskseg_steps"));
        assertEquals(0, flow.get("maskseg_skipped_steps"));
        assertEquals(last.elapsedSeconds(), (Double)flow.get("maskseg_training_seconds"), 1e-9);
        assertEquals("completed", flow.get("maskseg_stop_reason"));
        // the final validation of the one held-out row
        double validation = (Double)flow.get("maskseg_validation_dice_mean");
        assertTrue(validation >= 0 && validation <= 1, "validation Dice " + validation);
        assertEquals(validation, (Double)flow.get("maskseg_validation_dice_class 1"), 1e-12);
        // precision auto is fp32 on the CPU: no loss scaling
        assertEquals("Loss scale", stats.getDataTableSpec().getColumnSpec(12).getName());
        for (DataRow r : stats) {
            assertTrue(r.getCell(10).isMissing(), "no fold without a cross-validation");
            assertEquals(0, ((IntCell)r.getCell(11)).getIntValue());
            assertTrue(Double.isNaN(((DoubleCell)r.getCell(12)).getDoubleValue()));
        }
        // reset: the view forgets the curve, and no variables remain
        h.reset();
        assertEquals(0, view.panel().curve().history().size());
        assertEquals(Map.of(), h.flowVariables());
        h.closeView(view);

        MaskSegModelPortObject reloaded = PortObjects.roundTrip(model, new MaskSegModelPortObject.Serializer(),
            new MaskSegModelPortObjectSpec.Serializer(), dir.resolve("saved"));
        assertTrue(TrainedModel.load(reloaded.getModelFile()).sameWeightsAs(loaded));
        // the view shows the training curve (a real PNG of the run) and the model's plan
        byte[] png = reloaded.getTrainingCurve();
        assertTrue(png != null && png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
        assertEquals(2, reloaded.getViews().length);
        assertTrue(reloaded.describeModel().contains("\"patchSize\""), reloaded.describeModel());
    }

    @Test
    void validatesOnTheValidationTableAndStartsFromTheInitialModel() throws Exception {
        NodeHarness<TrainerNodeModel> first = harness();
        MaskSegModelPortObject initial = (MaskSegModelPortObject)first.execute(nuclei(3), null, null)[0];
        TrainedModel initialModel = TrainedModel.load(initial.getModelFile());

        NodeHarness<TrainerNodeModel> h = harness();
        BufferedDataTable train = nuclei(3);
        BufferedDataTable validation = nuclei(3, 5); // row keys "case 0", "case 1" as in the training table
        PortObjectSpec[] specs = h.configure(train.getDataTableSpec(), validation.getDataTableSpec(), initial.getSpec());
        assertNull(specs[0]);
        PortObject[] out = h.execute(train, validation, initial);
        TrainedModel trained = TrainedModel.load(((MaskSegModelPortObject)out[0]).getModelFile());
        assertEquals(3, trained.metadata().trainingCases(), "every training row is trained on");
        assertEquals(2, trained.metadata().validationCases());
        assertArrayEquals(initialModel.plan().patchSize(), trained.plan().patchSize());
        assertEquals(initialModel.weights().keySet(), trained.weights().keySet());
        assertTrue(h.messageHistory().contains("starting from the weights of the initial model"),
            h.messageHistory().toString());
        assertEquals(2, ((BufferedDataTable)out[1]).size());

        NodeSettings otherPatch = h.saveSettings();
        otherPatch.addString("patch_size", "32, 32");
        h.loadSettings(otherPatch);
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
            () -> h.configure(train.getDataTableSpec(), null, initial.getSpec()));
        assertTrue(e.getMessage().startsWith("Patch size [32, 32] differs from the initial model's [64, 64]"),
            e.getMessage());

        NodeSettings noLabels = h.saveSettings();
        noLabels.addString("patch_size", "");
        h.loadSettings(noLabels);
        DataTableSpec imagesOnly = Tables.spec("image", StringCell.TYPE);
        assertThrows(InvalidSettingsException.class, () -> h.configure(train.getDataTableSpec(), imagesOnly, null));
    }

    @Test
    void trainsOnRegionsAndRefusesRegionsOfUnknownClasses() throws Exception {
        NodeHarness<TrainerNodeModel> h = harness();
        NodeSettings s = h.saveSettings();
        s.addString("regions", "cell=1");
        h.loadSettings(s);
        PortObject[] out = h.execute(nuclei(3), null, null);
        TrainedModel model = TrainedModel.load(((MaskSegModelPortObject)out[0]).getModelFile());
        assertTrue(model.plan().targets().regionBased());
        assertEquals("cell=1:1", model.plan().targets().regions().format(), "region with its export label");
        byte[] png = ((MaskSegModelPortObject)out[0]).getTrainingCurve();
        assertTrue(png != null && png.length > 1000, "curve of the region pseudo-Dice");
        assertTrue(h.messageHistory().stream().anyMatch(m -> m.contains("regions cell=1:1")),
            h.messageHistory().toString());

        s.addString("regions", "cell=1,4");
        h.loadSettings(s);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> h.execute(nuclei(3), null, null));
        assertTrue(e.getMessage().contains("cell") && e.getMessage().contains("4"), e.getMessage());
    }

    /**
     * Sample cases whose nuclei count as drawn only in the upper half (the Annotator's mode class-roi), with the
     * unknown mask of class 1 in a column named as the Annotator names it, and a class-set column.
     */
    private static BufferedDataTable partialNuclei(final int n, final String... classSets) throws Exception {
        List<Path> images = NodeTestData.nucleiImages(n);
        List<Path> labels = NodeTestData.nucleiLabels(n);
        List<DataRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            LabelVolume dense = ImageFiles.readLabels(labels.get(i), "case " + i);
            int[] roi = new int[dense.data().length];
            java.util.Arrays.fill(roi, 0, roi.length / 2, 1);
            Annotation a = ClassRoi.apply(dense, new LabelSpec(2, 2, null),
                LabelVolume.wrap("roi", roi, dense.size(), dense.spacing()), 1, "1");
            rows.add(new DefaultRow("case " + i, NodeTestData.pathCell(images.get(i)),
                NodeTestData.labelCell(a.labels()), NodeTestData.labelCell(a.unknown().mask()),
                i < classSets.length ? new StringCell(classSets[i]) : DataType.getMissingCell()));
        }
        return Tables.table(Tables.spec("image", StringCell.TYPE, "labels", ImgPlusCell.TYPE, "Unknown mask (1)",
            ImgPlusCell.TYPE, "classes", StringCell.TYPE), rows);
    }

    @Test
    void trainsOnPartialLabelsFromTheAnnotatorsMaskAndAClassSetColumn() throws Exception {
        NodeHarness<TrainerNodeModel> h = harness();
        NodeSettings s = h.saveSettings();
        s.addString("annotated_classes_column", "classes");
        s.addString("class_names", "background, nucleus");
        h.loadSettings(s);
        // class sets by the names given to the new model's classes, and by value
        BufferedDataTable in = partialNuclei(3, "nucleus", "1");
        h.configure(in.getDataTableSpec(), null, null);
        assertTrue(h.warning() != null && h.warning().contains("\"Unknown mask (1)\" (class 1)"), h.warning());
        PortObject[] out = h.execute(in, null, null);
        TrainedModel model = TrainedModel.load(((MaskSegModelPortObject)out[0]).getModelFile());
        assertEquals(2, model.metadata().epochsDone());
        assertTrue(model.plan().targets().partialLabels(), "the plan records partial labels");
        assertEquals(List.of("background", "nucleus"), model.labels().classNames());
        assertTrue(h.messageHistory().stream().anyMatch(m -> m.contains("partial labels")),
            h.messageHistory().toString());
    }

    @Test
    void partialLabelErrorsNameTheRow() throws Exception {
        NodeHarness<TrainerNodeModel> h = harness();
        NodeSettings s = h.saveSettings();
        s.addString("annotated_classes_column", "classes");
        h.loadSettings(s);
        InvalidInputException e = assertThrows(InvalidInputException.class,
            () -> h.execute(partialNuclei(2, "1", "golgi"), null, null));
        assertTrue(e.getMessage().contains("case 1") && e.getMessage().contains("golgi"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> h.execute(partialNuclei(2, "1", "1;3"), null, null));
        assertTrue(e.getMessage().contains("case 1") && e.getMessage().contains("3"), e.getMessage());

        s.addString("annotated_classes_column", "labels");
        h.loadSettings(s);
        InvalidSettingsException x = assertThrows(InvalidSettingsException.class,
            () -> h.configure(partialNuclei(1).getDataTableSpec(), null, null));
        assertTrue(x.getMessage().contains("Annotated classes column"), x.getMessage());
    }

    @Test
    void startsFromAModelImportedFromNnUNet() throws Exception {
        // a one-channel 2D nnU-Net model written by PyTorch (skipped without it), imported and read by the reader
        Path script = NodeTestData.repositoryRoot()
            .resolve("plugins/org.maskseg.core/src/test/resources/org/maskseg/core/nnunet/make_nnunet_model.py");
        Path results = dir.resolve("nnunet");
        Process p;
        try {
            p = new ProcessBuilder("/usr/bin/python3", script.toString(), results.toString(), "2d", "new", "1")
                .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            p = null;
        }
        String log = p == null ? "" : new String(p.getInputStream().readAllBytes());
        boolean written = p != null && p.waitFor() == 0;
        if (!written) {
            System.out.println("Skipping the warm start from an nnU-Net model: /usr/bin/python3 with PyTorch is "
                + "needed to write one (" + log.strip() + ")");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(written, "no PyTorch for /usr/bin/python3");
        TrainedModel imported = org.maskseg.core.nnunet.NnUNetImport.importModel(results, List.of(),
            org.maskseg.core.nnunet.NnUNetImport.Checkpoint.FINAL);
        Path file = dir.resolve("imported.zip");
        imported.save(file);
        NodeHarness<?> reader = NodeHarness.of(new org.maskseg.knime.modelreader.ModelReaderNodeFactory(),
            dir.resolve("reader"));
        NodeSettings rs = reader.saveSettings();
        rs.addString("file", file.toString());
        reader.loadSettings(rs);
        MaskSegModelPortObject initial = (MaskSegModelPortObject)reader.execute()[0];

        NodeHarness<TrainerNodeModel> h = harness();
        NodeSettings s = h.saveSettings();
        s.addString("patch_size", "");
        s.addString("class_names", "background, cell");
        s.addInt("freeze_encoder_epochs", 2);
        h.loadSettings(s);
        h.configure(nuclei(3).getDataTableSpec(), null, initial.getSpec());
        PortObject[] out = h.execute(nuclei(3), null, initial);
        TrainedModel tuned = TrainedModel.load(((MaskSegModelPortObject)out[0]).getModelFile());
        assertEquals(List.of("background", "cell"), tuned.labels().classNames());
        assertArrayEquals(imported.plan().patchSize(), tuned.plan().patchSize());
        assertTrue(h.messageHistory().contains("starting from the weights of the initial model"),
            h.messageHistory().toString());
        for (var e : imported.weights().entrySet()) {
            if (e.getKey().startsWith("encoder.")) {
                assertArrayEquals(e.getValue().data(), tuned.weights().get(e.getKey()).data(), e.getKey());
            }
        }
    }

    @Test
    void fineTunesOntoANewClassWithFrozenEncoderAndLowerLearningRate() throws Exception {
        MaskSegModelPortObject initial = (MaskSegModelPortObject)harness().execute(nuclei(3), null, null)[0];
        NodeHarness<TrainerNodeModel> h = harness();
        NodeSettings s = h.saveSettings();
        s.addString("class_names", "background, class 1, mitosis");
        s.addInt("freeze_encoder_epochs", 1);
        s.addDouble("learning_rate", 0.001);
        // mitosis is drawn in no row: the class sets name only class 1, by its name in the class names
        s.addString("annotated_classes_column", "classes");
        h.loadSettings(s);
        PortObject[] out = h.execute(partialNuclei(3, "Class 1", "class 1", "class 1"), null, initial);
        TrainedModel tuned = TrainedModel.load(((MaskSegModelPortObject)out[0]).getModelFile());
        assertEquals(List.of("background", "class 1", "mitosis"), tuned.labels().classNames());
        assertTrue(tuned.plan().targets().partialLabels());
        assertEquals(0.001, tuned.plan().training().initialLearningRate(), 1e-12);
        assertEquals(0.001, ((DoubleCell)((BufferedDataTable)out[1]).iterator().next().getCell(1)).getDoubleValue(),
            1e-12, "first epoch's learning rate");

        // a class mapping without the initial model, or both forms, are refused before training
        s.addString("annotated_classes_column", "");
        s.addString("class_map", "0=0,1=1,2=new");
        h.loadSettings(s);
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
            () -> h.configure(nuclei(1).getDataTableSpec(), null, null));
        assertTrue(e.getMessage().contains("initial model"), e.getMessage());
        e = assertThrows(InvalidSettingsException.class,
            () -> h.configure(nuclei(1).getDataTableSpec(), null, initial.getSpec()));
        assertTrue(e.getMessage().contains("not both"), e.getMessage());
        s.addString("class_names", "");
        s.addString("class_map", "0=0,1=5");
        h.loadSettings(s);
        e = assertThrows(InvalidSettingsException.class,
            () -> h.configure(nuclei(1).getDataTableSpec(), null, initial.getSpec()));
        assertTrue(e.getMessage().contains("5"), e.getMessage());
    }

    @Test
    void remainingTimeIsReadable() {
        assertEquals("59 s", TrainerNodeModel.Progress.eta(59.4));
        assertEquals("1 min 01 s", TrainerNodeModel.Progress.eta(61));
        assertEquals("1 h 02 min", TrainerNodeModel.Progress.eta(3725));
    }

    @Test
    void cancellationProducesNoModel() throws Exception {
        NodeHarness<TrainerNodeModel> h = harness();
        h.cancelAfterChecks(12);
        assertThrows(CanceledExecutionException.class, () -> h.execute(nuclei(4), null, null));
    }

    @Test
    void mismatchedLabelSizeNamesTheRow() throws Exception {
        NodeHarness<TrainerNodeModel> h = harness();
        List<Path> images = NodeTestData.nucleiImages(2);
        LabelVolume small = LabelVolume.create("small", new long[]{10, 10}, new double[]{1, 1});
        small.data()[0] = 1;
        BufferedDataTable in = Tables.table(Tables.spec("image", StringCell.TYPE, "labels", ImgPlusCell.TYPE),
            new DefaultRow("good row", NodeTestData.pathCell(images.get(0)),
                NodeTestData.labelCell(NodeTestData.nucleiLabels(1).get(0))),
            new DefaultRow("odd row", NodeTestData.pathCell(images.get(1)), NodeTestData.labelCell(small)));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> h.execute(in, null, null));
        assertTrue(e.getMessage().contains("odd row"), e.getMessage());
    }

    /** The sample cases after the Ignore-Label Annotator (scribbles, its default settings). */
    private BufferedDataTable annotated(final int n) throws Exception {
        NodeHarness<?> annotator = NodeHarness.of(new AnnotatorNodeFactory(), dir.resolve("annotator"));
        NodeSettings s = annotator.saveSettings();
        s.addString("label_column", "labels");
        annotator.loadSettings(s);
        return (BufferedDataTable)annotator.execute(nuclei(n))[0];
    }

    @Test
    void trainsOnTheAnnotatorsLabelsWithTheIgnoreValueTheyDeclare() throws Exception {
        BufferedDataTable in = annotated(3);
        assertEquals(2, IgnoreValueProperty.of(in.getDataTableSpec().getColumnSpec("Annotated labels")));
        NodeHarness<TrainerNodeModel> h = harness();
        NodeSettings s = h.saveSettings();
        s.addString("label_column", "Annotated labels");
        h.loadSettings(s);

        // default setting: the declared value 2 is the ignore value, not a third class
        MaskSegModelPortObjectSpec spec = ((MaskSegModelPortObject)h.execute(in, null, null)[0]).getSpec();
        assertEquals(List.of("background", "class 1"), spec.getClassNames());
        assertEquals(2, spec.getIgnoreValue());
        assertNull(h.warning());

        // the same value set explicitly agrees with the column: no warning
        s.addBoolean("ignore_value_default", false);
        s.addInt("ignore_value", 2);
        h.loadSettings(s);
        h.configure(in.getDataTableSpec(), null, null);
        assertNull(h.warning());

        // an explicit value wins over the declared one; configure warns that 2 then counts as a class
        s.addInt("ignore_value", 3);
        h.loadSettings(s);
        h.configure(in.getDataTableSpec(), null, null);
        assertTrue(h.warning() != null && h.warning().contains("Ignore value 3 is set")
            && h.warning().contains("declares 2"), h.warning());
        spec = ((MaskSegModelPortObject)h.execute(in, null, null)[0]).getSpec();
        assertEquals(3, spec.getNumClasses(), "0, 1 and the former ignore value 2 are classes");
        assertEquals(3, spec.getIgnoreValue());
    }

    @Test
    void regionDefinitionsAreCheckedAtConfigure() throws Exception {
        NodeHarness<TrainerNodeModel> h = harness();
        DataTableSpec in = nuclei(1).getDataTableSpec();
        String[][] refused = {
            {"cell", "must be written name=class,class"},
            {"=1", "no region name"},
            {"cell=", "has no classes"},
            {"cell=1; inner= , ", "'inner' has no classes"},
            {"cell=1; Cell=1", "two regions are named 'Cell'"},
            {"cell=0,1", "background"},
            {"cell=1,-2", "-2 is not a foreground class"},
            {"cell=1:", "no export label"},
            {" ; ", "names no region"},
            {"cell=1,nucleus", "'nucleus' is neither a class number nor a class name [nucleus x]"},
        };
        for (String[] r : refused) {
            NodeSettings s = h.saveSettings();
            s.addString("regions", r[0]);
            s.addString("class_names", r[0].contains("nucleus") ? "background, nucleus x" : "");
            h.loadSettings(s);
            InvalidSettingsException e =
                assertThrows(InvalidSettingsException.class, () -> h.configure(in, null, null), r[0]);
            assertTrue(e.getMessage().startsWith("\"Regions\": ") && e.getMessage().contains(r[1]),
                r[0] + ": " + e.getMessage());
        }
        // accepted at configure: class numbers beyond the classes (known only from the labels, checked by
        // training), names of classes named in the settings, names of classes not yet known, a background name
        String[][] accepted = {{"cell=1,4", ""}, {"all=nucleus x, 2; inner=2:2", "background, nucleus x, other"},
            {"cell=nucleus", ""}};
        for (String[] a : accepted) {
            NodeSettings s = h.saveSettings();
            s.addString("regions", a[0]);
            s.addString("class_names", a[1]);
            h.loadSettings(s);
            h.configure(in, null, null);
        }
        NodeSettings s = h.saveSettings();
        s.addString("regions", "cell=1; rest=background");
        s.addString("class_names", "background, nucleus");
        h.loadSettings(s);
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> h.configure(in, null, null));
        assertTrue(e.getMessage().contains("'rest': background (class 0, 'background')"),
            e.getMessage());
    }

    @Test
    void settingsAreCheckedAndCoveredByTheDialog() throws Exception {
        NodeHarness<TrainerNodeModel> h = harness();
        NodeSettings bad = h.saveSettings();
        bad.addString("patch_size", "64, big");
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> h.validateSettings(bad));
        assertTrue(e.getMessage().contains("big"), e.getMessage());
        NodeSettings conf = h.saveSettings();
        conf.addString("configuration", "4d");
        e = assertThrows(InvalidSettingsException.class, () -> h.validateSettings(conf));
        assertTrue(e.getMessage().contains("4d"), e.getMessage());
        NodeSettings same = h.saveSettings();
        same.addString("label_column", "image");
        h.loadSettings(same);
        e = assertThrows(InvalidSettingsException.class, () -> h.configure(nuclei(1).getDataTableSpec(), null, null));
        assertTrue(e.getMessage().contains("both"), e.getMessage());

        NodeSettings fromDialog = h.dialogRoundTrip(h.saveSettings(), nuclei(1).getDataTableSpec());
        assertEquals(h.saveSettings().keySet(), fromDialog.keySet());
    }

    @Test
    void theCascadeIsOfferedAndRefusesTwoDimensionalImagesClearly() throws Exception {
        NodeHarness<TrainerNodeModel> h = harness();
        NodeSettings s = h.saveSettings();
        s.addString("configuration", "3d_cascade");
        s.addString("patch_size", "");
        h.validateSettings(s);
        h.loadSettings(s);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> h.execute(nuclei(3), null, null));
        assertTrue(e.getMessage().contains("configuration '3d_cascade' needs 3D images"), e.getMessage());
    }

    @Test
    void columnsArePresetFromTheTable() throws Exception {
        NodeHarness<TrainerNodeModel> fresh = NodeHarness.of(new TrainerNodeFactory(), dir);
        DataTableSpec spec = Tables.spec("name", DoubleCell.TYPE, "raw", ImgPlusCell.TYPE, "mask", ImgPlusCell.TYPE);
        fresh.configure(spec, null, null);
        assertEquals("raw", fresh.model().settings().imageColumn.getStringValue());
        assertEquals("mask", fresh.model().settings().labelColumn.getStringValue());
    }

    @Test
    void trainsForABudgetSetLikeAnyOtherSettingAndRefusesBadOnes() throws Exception {
        NodeHarness<TrainerNodeModel> h = harness();
        NodeSettings s = h.saveSettings();
        s.addInt("epochs", 0);
        s.addInt("iterations_per_epoch", 0);
        s.addInt("validation_iterations", 0);
        s.addString("budget", "7 steps");
        h.loadSettings(s);
        PortObject[] out = h.execute(nuclei(3), null, null);
        TrainedModel model = TrainedModel.load(((MaskSegModelPortObject)out[0]).getModelFile());
        assertEquals("budget", model.metadata().stopReason());
        assertEquals(2, ((BufferedDataTable)out[1]).size(), "epochs of 5 and 2 steps");

        NodeSettings bad = h.saveSettings();
        bad.addString("budget", "soon");
        assertThrows(InvalidSettingsException.class, () -> h.loadSettings(bad));
        NodeSettings clash = h.saveSettings();
        clash.addString("budget", "5m");
        clash.addInt("epochs", 3);
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> h.loadSettings(clash));
        assertTrue(e.getMessage().contains("cannot be combined with epochs"), e.getMessage());
    }

    @Test
    void trainsTheResidualEncoderUNetOfAPreset() throws Exception {
        NodeHarness<TrainerNodeModel> h = harness();
        NodeSettings s = h.saveSettings();
        s.addInt("epochs", 1);
        s.addInt("iterations_per_epoch", 1);
        s.addString("preset", "resenc-m");
        h.loadSettings(s);
        PortObject[] out = h.execute(nuclei(3), null, null);
        TrainedModel model = TrainedModel.load(((MaskSegModelPortObject)out[0]).getModelFile());
        assertEquals("ResidualEncoderUNet", model.plan().network().architecture());
        // the 64 x 64 patch set in the settings gets the network nnU-Net plans for it: 5 stages
        assertEquals(5, model.plan().network().numStages());
        assertArrayEquals(new int[] {1, 3, 4, 6, 6}, model.plan().network().blocksPerStage());

        NodeSettings bad = h.saveSettings();
        bad.addString("preset", "resenc-xl");
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> h.loadSettings(bad));
        assertTrue(e.getMessage().contains("Network preset"), e.getMessage());
        // (settings saved before the preset existed, such as the example workflow's, load with the default:
        // ExampleWorkflowsTest)
    }

    @Test
    void deviceSizingCanBeSwitchedOff() throws Exception {
        TrainerSettings t = new TrainerSettings();
        NodeSettings s = new NodeSettings("settings");
        t.saveTo(s);
        s.addInt("epochs", 0);
        s.addInt("iterations_per_epoch", 0);
        s.addInt("validation_iterations", 0);
        s.addString("budget", "5m");
        t.validate(s);
        t.loadFrom(s);
        assertTrue(t.trainingSettings().schedule().sizesToDevice());
        s.addBoolean("device_sizing", false);
        t.validate(s);
        t.loadFrom(s);
        assertFalse(t.trainingSettings().schedule().sizesToDevice());
        // settings saved before the switch existed lack its key: they load, with sizing on as it was then
        NodeSettings older = new NodeSettings("settings");
        TrainerSettings before = new TrainerSettings();
        for (SettingsModel m : before.models()) {
            if (m != before.deviceSizing) {
                m.saveSettingsTo(older);
            }
        }
        older.addString("budget", "5m");
        assertFalse(older.containsKey("device_sizing"));
        TrainerSettings loaded = new TrainerSettings();
        loaded.validate(older);
        loaded.loadFrom(older);
        assertTrue(loaded.trainingSettings().schedule().sizesToDevice());
    }

    /**
     * A time budget far too short for the planned 256² patches on a CPU: the node trains a plan sized to the device
     * and says so in the view and a flow variable; a patch size set in the settings keeps the planned configuration.
     */
    @Test
    @Tag("slow")
    void aTimeBudgetSizesThePlanToTheDeviceUnlessThePatchIsSet() throws Exception {
        NodeHarness<TrainerNodeModel> h = harness();
        NodeSettings s = h.saveSettings();
        s.addInt("epochs", 0);
        s.addInt("iterations_per_epoch", 0);
        s.addInt("validation_iterations", 0);
        s.addInt("batch_size", 0);
        s.addString("patch_size", "");
        s.addString("budget", "6s");
        s.addBoolean("final_validation", false);
        h.loadSettings(s);
        PortObject[] out = h.execute(nuclei(3), null, null);
        TrainedModel model = TrainedModel.load(((MaskSegModelPortObject)out[0]).getModelFile());
        int[] patch = model.plan().patchSize();
        assertTrue(patch[0] * patch[1] < 256 * 256, java.util.Arrays.toString(patch));
        String sizing = (String)h.flowVariables().get(TrainerNodeModel.FLOW_DEVICE_SIZING);
        assertTrue(sizing != null && sizing.startsWith("device sizing on cpu() in fp32"), String.valueOf(sizing));
        assertTrue(h.model().learningCurve().status().contains("plan sized to cpu() in fp32: patch "),
            h.model().learningCurve().status());

        NodeSettings fixed = h.saveSettings();
        fixed.addString("patch_size", "64, 64");
        fixed.addString("budget", "3s");
        h.loadSettings(fixed);
        out = h.execute(nuclei(3), null, null);
        assertArrayEquals(new int[] {64, 64},
            TrainedModel.load(((MaskSegModelPortObject)out[0]).getModelFile()).plan().patchSize());
        assertFalse(h.flowVariables().containsKey(TrainerNodeModel.FLOW_DEVICE_SIZING), h.flowVariables().toString());
    }
}
