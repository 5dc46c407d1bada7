package org.maskseg.knime.predictor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
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
import org.maskseg.knime.util.ImageCells;

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
        for (DataRow r : out) {
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
