package org.maskseg.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.Region;

/** Reading nnU-Net v2 raw datasets: what dataset.json declares, and one clear message for each inconsistency. */
class NnUnetDatasetTest {

    @TempDir
    Path dir;

    private static final String JSON = """
            {"channel_names": {"0": "fluorescence"},
             "labels": {"background": 0, "nucleus": 1, "ignore": 2},
             "numTraining": 2, "file_ending": ".png", "name": "nuclei"}""";

    /** Two 8×6 training cases and one test case, one channel, labels 0/1 with the ignore value 2 in one row. */
    private Path dataset(String json) throws IOException {
        Path ds = Files.createDirectories(dir.resolve("Dataset001_Test"));
        Files.createDirectories(ds.resolve("imagesTr"));
        Files.createDirectories(ds.resolve("labelsTr"));
        Files.createDirectories(ds.resolve("imagesTs"));
        for (String c : List.of("case_a", "case_b")) {
            ImageFiles.writeImage(image(c), ds.resolve("imagesTr/" + c + "_0000.png"));
            ImageFiles.writeLabels(labels(c), ds.resolve("labelsTr/" + c + ".png"));
        }
        ImageFiles.writeImage(image("test_a"), ds.resolve("imagesTs/test_a_0000.png"));
        Files.writeString(ds.resolve("dataset.json"), json);
        return ds;
    }

    private static ImageVolume image(String name) {
        float[] d = new float[48];
        for (int i = 0; i < d.length; i++) {
            d[i] = (i * 5) % 200;
        }
        return ImageVolume.wrap(name, d, new long[] {8, 6}, 1, new double[] {1, 1});
    }

    private static LabelVolume labels(String name) {
        int[] d = new int[48];
        for (int i = 0; i < d.length; i++) {
            d[i] = i < 8 ? 2 : i % 3 == 0 ? 1 : 0;
        }
        return LabelVolume.wrap(name, d, new long[] {8, 6}, new double[] {1, 1});
    }

    private String refusal(Path ds) {
        return assertThrows(InvalidInputException.class, () -> NnUnetDataset.open(ds).training()).getMessage();
    }

    @Test
    void readsWhatDatasetJsonDeclares() throws IOException {
        Path ds = dataset(JSON);
        NnUnetDataset d = NnUnetDataset.open(ds);
        assertEquals(List.of("fluorescence"), d.channelNames());
        assertEquals(List.of("background", "nucleus"), d.labels().classNames());
        assertEquals(2, d.labels().ignoreValue());
        assertTrue(d.declaresIgnore());
        assertTrue(d.regions().isEmpty());
        assertEquals(".png", d.fileEnding());
        DatasetFolder training = d.training();
        assertEquals(List.of("case_a", "case_b"), training.cases().stream().map(DatasetCase::name).toList());
        assertEquals(ds.resolve("labelsTr/case_b.png"), training.cases().get(1).labelFile().orElseThrow());
        DatasetFolder test = d.testImages().orElseThrow();
        assertEquals("test_a.png", test.cases().get(0).outputFileName());
        assertTrue(d.notes().isEmpty());
    }

    @Test
    void withoutIgnoreTheDefaultIsTheHighestClassPlusOne() throws IOException {
        NnUnetDataset d = NnUnetDataset.open(dataset(JSON.replace(", \"ignore\": 2", "")));
        assertFalse(d.declaresIgnore());
        assertEquals(2, d.labels().ignoreValue());
        assertEquals(2, d.labels().numClasses());
    }

    @Test
    void oldModalityKeyAndReaderClassAreAccepted() throws IOException {
        NnUnetDataset d = NnUnetDataset.open(dataset(JSON.replace("channel_names", "modality")
                .replace("\"name\"", "\"overwrite_image_reader_writer\": \"NaturalImage2DIO\", \"name\"")));
        assertEquals(List.of("fluorescence"), d.channelNames());
        assertEquals(1, d.notes().size());
        assertTrue(d.notes().get(0).contains("'overwrite_image_reader_writer'"), d.notes().get(0));
        assertEquals(2, d.training().size());
    }

    @Test
    void regionsComeFromListsAndRegionsClassOrder() throws IOException {
        NnUnetDataset d = NnUnetDataset.open(dataset("""
                {"channel_names": {"0": "T1", "1": "T2"},
                 "labels": {"background": 0, "whole tumour": [1, 2, 3], "core": [3, 2], "enhancing": 3, "ignore": 4},
                 "regions_class_order": [1, 2, 3], "numTraining": 2, "file_ending": ".png"}"""));
        assertEquals(List.of("T1", "T2"), d.channelNames());
        assertEquals(4, d.labels().numClasses());
        assertEquals(4, d.labels().ignoreValue());
        assertEquals(List.of("background", "class 1", "class 2", "enhancing"), d.labels().classNames());
        assertEquals(List.of(new Region("whole tumour", List.of(1, 2, 3), 1), new Region("core", List.of(2, 3), 2),
                new Region("enhancing", List.of(3), 3)), d.regions().regions());
        assertEquals("whole tumour=1,2,3:1;core=2,3:2;enhancing=3:3", d.regionsText());
    }

    @Test
    void channelsAreOrderedByNumber() throws IOException {
        NnUnetDataset d = NnUnetDataset.open(dataset(JSON.replace("{\"0\": \"fluorescence\"}",
                "{\"1\": \"MR\", \"0\": \"CT\"}")));
        assertEquals(List.of("CT", "MR"), d.channelNames());
    }

    @Test
    void missingKeysAreNamed() throws IOException {
        Path json = dir.resolve("Dataset001_Test/dataset.json");
        for (String key : List.of("channel_names", "labels", "numTraining", "file_ending")) {
            Path ds = dataset(JSON.replaceFirst("\"" + key + "\": (\\{[^}]*\\}|[^,]*),", "\"x\": 0,"));
            String m = refusal(ds);
            assertEquals("'" + json + "', key '" + key + "': is missing (nnU-Net requires channel_names, labels, "
                    + "numTraining and file_ending)", m);
        }
    }

    @Test
    void wrongTypesAreNamed() throws IOException {
        Path json = dir.resolve("Dataset001_Test/dataset.json");
        assertEquals("'" + json + "', key 'numTraining': must be a positive integer, got \"2\"",
                refusal(dataset(JSON.replace("\"numTraining\": 2", "\"numTraining\": \"2\""))));
        assertEquals("'" + json + "', key 'labels.nucleus': must be an integer label value or a non-empty list of "
                + "them, got \"1\"", refusal(dataset(JSON.replace("\"nucleus\": 1", "\"nucleus\": \"1\""))));
        assertEquals("'" + json + "', key 'labels.nucleus': must be an integer label value or a list of them, got "
                + "[1.5]", refusal(dataset(JSON.replace("\"nucleus\": 1", "\"nucleus\": [1.5]"))));
        assertEquals("'" + json + "', key 'channel_names.0': must be a channel name (text), got 3",
                refusal(dataset(JSON.replace("\"fluorescence\"", "3"))));
        assertEquals("'" + json + "', key 'channel_names': must number the channels 0..0 without gaps, got [1]",
                refusal(dataset(JSON.replace("\"0\": \"fluorescence\"", "\"1\": \"fluorescence\""))));
        assertEquals("'" + json + "', key 'file_ending': '.nrrd' is not a supported image format; supported are "
                + ImageFormat.supportedExtensions(), refusal(dataset(JSON.replace("\".png\"", "\".nrrd\""))));
        assertTrue(refusal(dataset(JSON.replace("\"numTraining\": 2,", "\"numTraining\": 2"))).startsWith("'" + json
                + "' is not valid JSON: "));
    }

    @Test
    void ignoreMustBeOneIntegerAndTheHighestLabel() throws IOException {
        Path json = dir.resolve("Dataset001_Test/dataset.json");
        assertEquals("'" + json + "', key 'labels.ignore': is 5 but must be the highest label value, 2 (one above "
                + "the classes 0..1), as nnU-Net requires",
                refusal(dataset(JSON.replace("\"ignore\": 2", "\"ignore\": 5"))));
        assertEquals("'" + json + "', key 'labels.ignore': is 1 but must be the highest label value, 2 (one above "
                + "the classes 0..1), as nnU-Net requires",
                refusal(dataset(JSON.replace("\"ignore\": 2", "\"ignore\": 1"))));
        assertEquals("'" + json + "', key 'labels.ignore': must be one integer label value (not a region or a "
                + "fraction), got [2]", refusal(dataset(JSON.replace("\"ignore\": 2", "\"ignore\": [2]"))));
    }

    @Test
    void labelValuesMustBeConsecutiveFromBackground() throws IOException {
        Path json = dir.resolve("Dataset001_Test/dataset.json");
        assertEquals("'" + json + "', key 'labels': values must be consecutive from 0 (0, 1, 2, ...), but 1 is "
                + "missing among [0, 2]", refusal(dataset(JSON.replace("\"nucleus\": 1, \"ignore\": 2",
                        "\"nucleus\": 2, \"ignore\": 3"))));
        assertEquals("'" + json + "', key 'labels': declares no \"background\" (it must be label 0)",
                refusal(dataset(JSON.replace("\"background\"", "\"bg\""))));
        assertEquals("'" + json + "', key 'labels.background': must be 0, got 1",
                refusal(dataset(JSON.replace("\"background\": 0, \"nucleus\": 1", "\"background\": 1, \"nucleus\": 0"))));
        assertEquals("'" + json + "', key 'labels': 'nucleus' and 'cell' both have value 1; every class needs its "
                + "own value", refusal(dataset(JSON.replace("\"nucleus\": 1", "\"nucleus\": 1, \"cell\": 1"))));
    }

    @Test
    void regionsNeedTheirOrder() throws IOException {
        Path json = dir.resolve("Dataset001_Test/dataset.json");
        String regions = JSON.replace("\"nucleus\": 1, \"ignore\": 2", "\"a\": [1, 2], \"b\": 2, \"ignore\": 3");
        assertTrue(refusal(dataset(regions)).startsWith("'" + json + "', key 'regions_class_order': is missing;"));
        assertEquals("'" + json + "', key 'regions_class_order': must be a list with one label value per region of "
                + "'labels' (2: [a, b]), got [1]", refusal(dataset(regions.replace("\"numTraining\"",
                        "\"regions_class_order\": [1], \"numTraining\""))));
        assertEquals("'" + json + "', key 'labels.a': region contains background (0); a region is a set of "
                + "foreground classes", refusal(dataset(regions.replace("[1, 2]", "[0, 1, 2]")
                        .replace("\"numTraining\"", "\"regions_class_order\": [1, 2], \"numTraining\""))));
    }

    @Test
    void foldersAreCheckedAgainstDatasetJson() throws IOException {
        Path ds = dataset(JSON);
        Path json = ds.resolve("dataset.json");
        Files.writeString(json, JSON.replace("\"numTraining\": 2", "\"numTraining\": 3"));
        assertEquals("'" + json + "', key 'numTraining': is 3 but '" + ds.resolve("imagesTr") + "' holds 2 case(s)",
                refusal(ds));
        Files.writeString(json, JSON.replace("{\"0\": \"fluorescence\"}", "{\"0\": \"a\", \"1\": \"b\"}"));
        assertEquals("'" + json + "', key 'channel_names': names 2 channel(s), but case 'case_a' in '"
                + ds.resolve("imagesTr") + "' has 1 (1 file(s) case_a_0000.png ...)", refusal(ds));
        Files.writeString(json, JSON);

        Files.delete(ds.resolve("labelsTr/case_b.png"));
        assertEquals("image 'case_b_0000.png' has no label file 'case_b.*' (" + ImageFormat.supportedExtensions()
                + ") in '" + ds.resolve("labelsTr") + "'", refusal(ds));
        ImageFiles.writeLabels(labels("case_b"), ds.resolve("labelsTr/case_b.png"));

        // a second channel for one case only: the other case misses its channel file
        ImageFiles.writeImage(image("case_a"), ds.resolve("imagesTr/case_a_0001.png"));
        String m = refusal(ds);
        assertEquals("case 'case_b' has 1 channel files but case 'case_a' has 2; all images must have the same "
                + "channels", m);
        Files.delete(ds.resolve("imagesTr/case_a_0001.png"));

        ImageFiles.writeImage(image("case_c"), ds.resolve("imagesTr/case_c_0000.tif"));
        ImageFiles.writeLabels(labels("case_c"), ds.resolve("labelsTr/case_c.tif"));
        Files.writeString(json, JSON.replace("\"numTraining\": 2", "\"numTraining\": 3"));
        assertEquals("'" + json + "', key 'file_ending': is '.png' but '" + ds.resolve("imagesTr/case_c_0000.tif")
                + "' has another extension; all images and labels must use the file ending of dataset.json",
                refusal(ds));

        Files.delete(json);
        assertEquals("'" + json + "' does not exist; an nnU-Net dataset folder holds dataset.json next to imagesTr/ "
                + "and labelsTr/", refusal(ds));
    }

    @Test
    void missingFoldersAreNamed() throws IOException {
        Path ds = dataset(JSON);
        try (var files = Files.list(ds.resolve("labelsTr"))) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(ds.resolve("labelsTr"));
        assertEquals("nnU-Net dataset '" + ds + "': folder 'labelsTr' does not exist", refusal(ds));
    }
}
