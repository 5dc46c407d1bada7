package org.maskseg.knime.nnunetreader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.StringValue;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeSettings;
import org.knime.core.node.port.PortObject;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.knime.NodeTestData;
import org.maskseg.knime.port.MaskSegModelPortObject;
import org.maskseg.knime.testing.NodeHarness;
import org.maskseg.knime.trainer.TrainerNodeFactory;
import org.maskseg.knime.util.DatasetProperties;
import org.maskseg.knime.util.IgnoreValueProperty;

class NnUnetReaderNodeModelTest {

    @TempDir
    Path dir;

    private static final String JSON = """
            {"channel_names": {"0": "CT"},
             "labels": {"background": 0, "nucleus": 1, "mitosis": 2, "ignore": 3},
             "numTraining": 3, "file_ending": ".png"}""";

    /** Three nuclei cases (labels 0/1, the right half ignored with 3) and one test image; class 2 occurs nowhere. */
    private Path dataset(final String json) throws Exception {
        Path ds = dir.resolve("Dataset003_Nuclei");
        for (String sub : List.of("imagesTr", "labelsTr", "imagesTs")) {
            Files.createDirectories(ds.resolve(sub));
        }
        List<Path> images = NodeTestData.nucleiImages(4);
        List<Path> labels = NodeTestData.nucleiLabels(4);
        for (int i = 0; i < 4; i++) {
            String name = "case_" + i;
            if (i < 3) {
                Files.copy(images.get(i), ds.resolve("imagesTr/" + name + "_0000.png"));
                LabelVolume l = ImageFiles.readLabels(labels.get(i), name);
                int w = (int)l.size()[0];
                int[] d = l.data().clone();
                for (int v = 0; v < d.length; v++) {
                    d[v] = v % w >= w / 2 ? 3 : Math.min(d[v], 1);
                }
                ImageFiles.writeLabels(LabelVolume.wrap(name, d, l.size(), l.spacing()),
                    ds.resolve("labelsTr/" + name + ".png"));
            } else {
                Files.copy(images.get(i), ds.resolve("imagesTs/" + name + "_0000.png"));
            }
        }
        Files.writeString(ds.resolve("dataset.json"), json);
        return ds;
    }

    private NodeHarness<NnUnetReaderNodeModel> reader(final Path ds, final String cases)
        throws InvalidSettingsException {
        NodeHarness<NnUnetReaderNodeModel> h = NodeHarness.of(new NnUnetReaderNodeFactory(), dir.resolve("r"));
        NodeSettings s = h.saveSettings();
        s.addString("dataset_folder", ds.toString());
        s.addString("cases", cases);
        h.loadSettings(s);
        return h;
    }

    private static List<String> column(final BufferedDataTable t, final int index) {
        List<String> out = new ArrayList<>();
        for (DataRow r : t) {
            out.add(r.getKey().getString() + "=" + ((StringValue)r.getCell(index)).getStringValue());
        }
        return out;
    }

    @Test
    void listsTheCasesWithWhatDatasetJsonDeclares() throws Exception {
        Path ds = dataset(JSON);
        NodeHarness<NnUnetReaderNodeModel> h = reader(ds, "training");
        DataTableSpec spec = (DataTableSpec)h.configure()[0];
        assertEquals(List.of("Image", "Labels"), List.of(spec.getColumnNames()));
        assertEquals(List.of("CT"), DatasetProperties.list(spec.getColumnSpec("Image"),
            DatasetProperties.CHANNEL_NAMES));
        assertEquals(List.of("background", "nucleus", "mitosis"),
            DatasetProperties.list(spec.getColumnSpec("Labels"), DatasetProperties.CLASS_NAMES));
        assertEquals(3, IgnoreValueProperty.of(spec.getColumnSpec("Labels")));
        assertNull(DatasetProperties.text(spec.getColumnSpec("Labels"), DatasetProperties.REGIONS));

        BufferedDataTable t = (BufferedDataTable)h.execute()[0];
        assertEquals(spec, t.getDataTableSpec());
        assertEquals(List.of("case_0=" + ds.resolve("imagesTr/case_0_0000.png").toAbsolutePath(),
            "case_1=" + ds.resolve("imagesTr/case_1_0000.png").toAbsolutePath(),
            "case_2=" + ds.resolve("imagesTr/case_2_0000.png").toAbsolutePath()), column(t, 0));
        assertEquals("case_2=" + ds.resolve("labelsTr/case_2.png").toAbsolutePath(), column(t, 1).get(2));

        NodeHarness<NnUnetReaderNodeModel> test = reader(ds, "test");
        BufferedDataTable ts = (BufferedDataTable)test.execute()[0];
        assertEquals(List.of("case_3=" + ds.resolve("imagesTs/case_3_0000.png").toAbsolutePath()), column(ts, 0));
    }

    @Test
    void theTrainerTakesClassesIgnoreValueAndCtNormalisationFromTheTable() throws Exception {
        Path ds = dataset(JSON);
        BufferedDataTable t = (BufferedDataTable)reader(ds, "training").execute()[0];
        NodeHarness<?> trainer = NodeHarness.of(new TrainerNodeFactory(), dir.resolve("t"));
        NodeSettings s = trainer.saveSettings();
        s.addString("image_column", "Image");
        s.addString("label_column", "Labels");
        s.addString("configuration", "2d");
        s.addInt("epochs", 1);
        s.addInt("iterations_per_epoch", 1);
        s.addInt("validation_iterations", 1);
        s.addInt("batch_size", 2);
        s.addString("patch_size", "64, 64");
        s.addDouble("validation_fraction", 0.34);
        s.addString("device", "cpu");
        s.addInt("threads", 1);
        trainer.loadSettings(s);
        trainer.configure(t.getDataTableSpec(), null, null);
        PortObject[] out = trainer.execute(t, null, null);
        TrainedModel m = TrainedModel.load(((MaskSegModelPortObject)out[0]).getModelFile());
        // class 2 occurs in no label image but keeps its place, as dataset.json declares it
        assertEquals(List.of("background", "nucleus", "mitosis"), m.labels().classNames());
        assertEquals(3, m.labels().ignoreValue());
        assertEquals(List.of("ct"), m.plan().normalization().schemes());
        assertTrue(m.plan().normalization().clipHigh()[0] > m.plan().normalization().clipLow()[0]);

        // a channel name set in the dialog wins over the declared one
        s.addString("channel_names", "MRI");
        trainer.loadSettings(s);
        out = trainer.execute(t, null, null);
        m = TrainedModel.load(((MaskSegModelPortObject)out[0]).getModelFile());
        assertEquals(List.of("zscore"), m.plan().normalization().schemes());
    }

    @Test
    void regionsTravelWithTheLabelColumn() throws Exception {
        Path ds = dataset(JSON.replace("\"mitosis\": 2", "\"cells\": [1, 2], \"mitosis\": 2")
            .replace("\"numTraining\"", "\"regions_class_order\": [1, 1, 2], \"numTraining\""));
        DataTableSpec spec = (DataTableSpec)reader(ds, "training").configure()[0];
        // as in nnU-Net, every entry but background and ignore is a region once one entry is a list
        assertEquals("nucleus=1:1;cells=1,2:1;mitosis=2:2",
            DatasetProperties.text(spec.getColumnSpec("Labels"), DatasetProperties.REGIONS));
    }

    @Test
    void badDatasetsAreRefusedNamingFileAndKey() throws Exception {
        Path ds = dataset(JSON.replace("\"ignore\": 3", "\"ignore\": 1"));
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
            () -> reader(ds, "training").configure());
        assertEquals("'" + ds.resolve("dataset.json") + "', key 'labels.ignore': is 1 but must be the highest label "
            + "value, 3 (one above the classes 0..2), as nnU-Net requires", e.getMessage());

        Files.writeString(ds.resolve("dataset.json"), JSON.replace("\"numTraining\": 3", "\"numTraining\": 4"));
        InvalidInputException n = assertThrows(InvalidInputException.class, () -> reader(ds, "training").execute());
        assertEquals("'" + ds.resolve("dataset.json") + "', key 'numTraining': is 4 but '" + ds.resolve("imagesTr")
            + "' holds 3 case(s)", n.getMessage());

        Files.writeString(ds.resolve("dataset.json"), JSON.replace("{\"0\": \"CT\"}", "{\"0\": \"CT\", \"1\": \"PET\"}"));
        for (String c : List.of("case_0", "case_1", "case_2")) {
            Files.copy(ds.resolve("imagesTr/" + c + "_0000.png"), ds.resolve("imagesTr/" + c + "_0001.png"));
        }
        n = assertThrows(InvalidInputException.class, () -> reader(ds, "training").execute());
        assertTrue(n.getMessage().startsWith("case 'case_0' of '" + ds + "' has 2 channel files"), n.getMessage());

        NodeHarness<NnUnetReaderNodeModel> empty = NodeHarness.of(new NnUnetReaderNodeFactory(), dir);
        assertFalse(assertThrows(InvalidSettingsException.class, empty::configure).getMessage().isEmpty());
    }
}
