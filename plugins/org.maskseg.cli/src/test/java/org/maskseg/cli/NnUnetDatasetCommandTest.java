package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.maskseg.cli.CommandLineRun.nuclei;
import static org.maskseg.cli.CommandLineRun.run;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.cli.CommandLineRun.Result;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.model.TrainedModel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** nnU-Net v2 raw datasets read as they are by plan, train, predict and evaluate ({@code --dataset}). */
class NnUnetDatasetCommandTest {

    private static final String SMALL_2D = "{\"network\":{\"features\":[8,16,32,32,32]}}";

    @TempDir
    Path dir;

    /**
     * The first six nuclei images as nnU-Net's Dataset001: four training cases whose right half is the ignore value
     * 2, two test cases with dense reference labels in labelsTs.
     */
    private Path nuclei2d(String json) throws IOException {
        Path ds = dir.resolve("Dataset001_Nuclei");
        for (String sub : List.of("imagesTr", "labelsTr", "imagesTs", "labelsTs")) {
            Files.createDirectories(ds.resolve(sub));
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(nuclei().resolve("images"))) {
            files = s.sorted().limit(6).toList();
        }
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            String name = String.format("nuclei_%03d", i);
            LabelVolume dense = ImageFiles.readLabels(nuclei().resolve("labels").resolve(f.getFileName()), name);
            if (i < 4) {
                Files.copy(f, ds.resolve("imagesTr/" + name + "_0000.png"));
                ImageFiles.writeLabels(rightHalfIgnored(dense, 2), ds.resolve("labelsTr/" + name + ".png"));
            } else {
                Files.copy(f, ds.resolve("imagesTs/" + name + "_0000.png"));
                ImageFiles.writeLabels(dense, ds.resolve("labelsTs/" + name + ".png"));
            }
        }
        Files.writeString(ds.resolve("dataset.json"), json);
        return ds;
    }

    private static final String NUCLEI_JSON = """
            {"name": "Nuclei", "channel_names": {"0": "fluorescence"},
             "labels": {"background": 0, "nucleus": 1, "ignore": 2},
             "numTraining": 4, "file_ending": ".png"}""";

    private static LabelVolume rightHalfIgnored(LabelVolume dense, int ignore) {
        int w = (int) dense.size()[0];
        int[] d = dense.data().clone();
        for (int i = 0; i < d.length; i++) {
            if (i % w >= w / 2) {
                d[i] = ignore;
            }
        }
        return LabelVolume.wrap(dense.name(), d, dense.size(), dense.spacing());
    }

    @Test
    void planTrainPredictAndEvaluateA2dDataset() throws IOException {
        Path ds = nuclei2d(NUCLEI_JSON);

        Result plan = run("plan", "--dataset", ds.toString());
        assertEquals(0, plan.exitCode(), plan.out() + plan.err());
        JsonNode p = new ObjectMapper().readTree(plan.out());
        assertEquals("[\"background\",\"nucleus\"]", p.get("classNames").toString());
        assertEquals(2, p.get("ignoreValue").asInt());
        assertEquals("[\"zscore\"]", p.get("normalization").get("schemes").toString());
        assertTrue(plan.err().contains("planned 4 case(s), 2 class(es), ignore value 2"), plan.err());

        Path model = dir.resolve("nuclei.zip");
        Result train = run("train", "--dataset", ds.toString(), "--out", model.toString(), "--epochs", "1",
                "--iterations", "2", "--validation-iterations", "1", "--patch", "64,64", "--batch-size", "2",
                "--device", "cpu", "--threads", "1", "--plan-overrides", SMALL_2D);
        assertEquals(0, train.exitCode(), train.out() + train.err());
        TrainedModel m = TrainedModel.load(model);
        assertEquals(List.of("background", "nucleus"), m.labels().classNames());
        assertEquals(2, m.labels().ignoreValue());

        Path out = dir.resolve("predictions");
        Result predict = run("predict", "--model", model.toString(), "--dataset", ds.toString(), "--out",
                out.toString(), "--device", "cpu", "--threads", "1");
        assertEquals(0, predict.exitCode(), predict.out() + predict.err());
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of("nuclei_004.png", "nuclei_005.png"),
                    s.map(f -> f.getFileName().toString()).sorted().toList());
        }
        LabelVolume predicted = ImageFiles.readLabels(out.resolve("nuclei_004.png"), "p");
        assertTrue(Arrays.stream(predicted.data()).allMatch(v -> v == 0 || v == 1));
        // 8-bit grey, as nnU-Net writes labels below 255
        assertEquals(8, javax.imageio.ImageIO.read(out.resolve("nuclei_004.png").toFile()).getColorModel()
                .getPixelSize());

        Path scores = dir.resolve("scores.json");
        Result evaluate = run("evaluate", "--dataset", ds.toString(), "--prediction", out.toString(), "--json",
                scores.toString());
        assertEquals(0, evaluate.exitCode(), evaluate.out() + evaluate.err());
        JsonNode s = new ObjectMapper().readTree(scores.toFile());
        assertEquals(2, s.get("cases").size());
        assertEquals("nucleus", s.get("classes").get("1").get("name").asText(), s.toString());
        assertEquals(2, s.get("ignore_label").asInt());
        assertTrue(evaluate.out().contains("nucleus"), evaluate.out());
    }

    @Test
    void planAndTrainTakeCtNormalisationFrom3dChannelNames() throws IOException {
        Path ds = dir.resolve("Dataset002_Ct");
        for (String sub : List.of("imagesTr", "labelsTr", "imagesTs")) {
            Files.createDirectories(ds.resolve(sub));
        }
        // four 16×16×8 volumes (three for training) of random "Hounsfield units"; a box of class 1 in the middle, its top slice ignored
        long[] size = {16, 16, 8};
        double[] spacing = {1, 1, 2};
        Random random = new Random(7);
        List<Double> foreground = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            float[] img = new float[16 * 16 * 8];
            int[] lab = new int[img.length];
            for (int z = 0; z < 8; z++) {
                for (int y = 0; y < 16; y++) {
                    for (int x = 0; x < 16; x++) {
                        int i = x + 16 * (y + 16 * z);
                        boolean box = x >= 4 && x < 12 && y >= 4 && y < 12 && z >= 2 && z < 6;
                        img[i] = box ? 40 + random.nextInt(200) : -1000 + random.nextInt(900);
                        if (c == 0 && x == 6 && y == 6 && z == 3) {
                            img[i] = 3000; // an outlier the clipping removes
                        }
                        lab[i] = box ? z == 5 ? 2 : 1 : 0;
                        if (c < 3 && box && z != 5) {
                            foreground.add((double) img[i]);
                        }
                    }
                }
            }
            String name = String.format("ct_%02d", c);
            Path images = ds.resolve(c < 3 ? "imagesTr" : "imagesTs");
            ImageFiles.writeImage(ImageVolume.wrap(name, img, size, 1, spacing), images.resolve(name + "_0000.nii.gz"));
            if (c < 3) {
                ImageFiles.writeLabels(LabelVolume.wrap(name, lab, size, spacing),
                        ds.resolve("labelsTr/" + name + ".nii.gz"));
            }
        }
        Files.writeString(ds.resolve("dataset.json"), """
                {"channel_names": {"0": "CT"}, "labels": {"background": 0, "organ": 1, "ignore": 2},
                 "numTraining": 3, "file_ending": ".nii.gz",
                 "overwrite_image_reader_writer": "SimpleITKIO"}""");

        // by hand: numpy's linear percentiles and the population standard deviation of the annotated foreground
        double[] v = foreground.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = Arrays.stream(v).average().orElseThrow();
        double std = Math.sqrt(Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length);
        double low = percentile(v, 0.5);
        double high = percentile(v, 99.5);
        assertTrue(high < 3000 && low >= 40, "the outliers lie above the 99.5th percentile");

        Result plan = run("plan", "--dataset", ds.toString());
        assertEquals(0, plan.exitCode(), plan.out() + plan.err());
        assertTrue(plan.err().contains("maskseg: note: '" + ds.resolve("dataset.json")
                + "': key 'overwrite_image_reader_writer' (\"SimpleITKIO\") is not used"), plan.err());
        JsonNode n = new ObjectMapper().readTree(plan.out()).get("normalization");
        assertEquals("[\"ct\"]", n.get("schemes").toString());
        assertEquals(low, n.get("clipLow").get(0).asDouble(), 1e-9);
        assertEquals(high, n.get("clipHigh").get(0).asDouble(), 1e-9);
        assertEquals(mean, n.get("mean").get(0).asDouble(), 1e-9 * Math.abs(mean));
        assertEquals(std, n.get("std").get(0).asDouble(), 1e-9 * std);

        Path model = dir.resolve("ct.zip");
        Result train = run("train", "--dataset", ds.toString(), "--out", model.toString(), "--epochs", "1",
                "--iterations", "1", "--validation-iterations", "1", "--batch-size", "2", "--device", "cpu",
                "--threads", "1", "--validation", "0.34");
        assertEquals(0, train.exitCode(), train.out() + train.err());
        TrainedModel m = TrainedModel.load(model);
        assertEquals(List.of("ct"), m.plan().normalization.schemes);
        assertEquals(low, m.plan().normalization.clipLow[0], 1e-9);
        assertEquals(high, m.plan().normalization.clipHigh[0], 1e-9);
        assertEquals(List.of("background", "organ"), m.labels().classNames());

        // the test image lies elsewhere in space: the prediction must lie there too, as nnU-Net's does
        Path testImage = ds.resolve("imagesTs/ct_03_0000.nii.gz");
        float[] origin = {10.5f, -20.25f, 33f};
        byte[] header = niftiHeader(testImage);
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(348, h.getInt(0));
        for (int a = 0; a < 3; a++) {
            h.putFloat(268 + 4 * a, origin[a]); // qoffset
            h.putFloat(292 + 16 * a, origin[a]); // srow_x|y|z[3]
        }
        replaceNiftiHeader(testImage, header);

        Path out = dir.resolve("ct-predictions");
        Result predict = run("predict", "--model", model.toString(), "--dataset", ds.toString(), "--out",
                out.toString(), "--device", "cpu", "--threads", "1");
        assertEquals(0, predict.exitCode(), predict.out() + predict.err());
        Path written = out.resolve("ct_03.nii.gz");
        assertTrue(Files.isRegularFile(written), predict.out());
        assertEquals(2, niftiDatatype(written), "uint8 labels, as nnU-Net writes them");
        ByteBuffer w = ByteBuffer.wrap(niftiHeader(written)).order(ByteOrder.LITTLE_ENDIAN);
        for (int a = 0; a < 3; a++) {
            assertEquals(origin[a], w.getFloat(268 + 4 * a));
            assertEquals(origin[a], w.getFloat(292 + 16 * a));
        }
        assertEquals(2f, w.getFloat(76 + 4 * 3), "the spacing of z");
        assertEquals(16 * 16 * 8, ImageFiles.readLabels(written, "p").data().length);
    }

    @Test
    void planTakesRegionsFromDatasetJson() throws IOException {
        // class 1 = the nuclei of the left half, 2 = those of the right half (relabelled from the ignore value)
        Path ds = nuclei2d("""
                {"channel_names": {"0": "fluorescence"},
                 "labels": {"background": 0, "all nuclei": [1, 2], "right": 2},
                 "regions_class_order": [1, 2], "numTraining": 4, "file_ending": ".png"}""");
        Result plan = run("plan", "--dataset", ds.toString());
        assertEquals(0, plan.exitCode(), plan.out() + plan.err());
        JsonNode regions = new ObjectMapper().readTree(plan.out()).get("regions");
        assertEquals(2, regions.size(), plan.out());
        assertEquals("all nuclei", regions.get(0).get("name").asText());
        assertEquals("[1,2]", regions.get(0).get("classes").toString());
        assertEquals(1, regions.get(0).get("exportLabel").asInt());
        assertEquals("right", regions.get(1).get("name").asText());
        assertEquals(2, regions.get(1).get("exportLabel").asInt());
    }

    @Test
    void trainTakesModalitiesWithoutADataset() throws IOException {
        Path ds = nuclei2d(NUCLEI_JSON);
        Path model = dir.resolve("ct-folders.zip");
        Result train = run("train", "--images", ds.resolve("imagesTr").toString(), "--labels",
                ds.resolve("labelsTr").toString(), "--ignore-label", "2", "--modalities", "CT", "--out",
                model.toString(), "--epochs", "1", "--iterations", "1", "--validation-iterations", "1", "--patch",
                "64,64", "--batch-size", "2", "--device", "cpu", "--threads", "1", "--plan-overrides", SMALL_2D);
        assertEquals(0, train.exitCode(), train.out() + train.err());
        TrainedModel m = TrainedModel.load(model);
        assertEquals(List.of("ct"), m.plan().normalization.schemes);
        assertTrue(m.plan().normalization.clipHigh[0] > m.plan().normalization.clipLow[0]);
    }

    @Test
    void badDatasetsAndOptionsGiveOneLine() throws IOException {
        Path ds = nuclei2d(NUCLEI_JSON.replace("\"ignore\": 2", "\"ignore\": 7"));
        Path json = ds.resolve("dataset.json");
        assertError("maskseg: '" + json + "', key 'labels.ignore': is 7 but must be the highest label value, 2 (one "
                + "above the classes 0..1), as nnU-Net requires", run("plan", "--dataset", ds.toString()));
        assertError("maskseg: '" + json + "', key 'labels.ignore': is 7 but must be the highest label value, 2 (one "
                + "above the classes 0..1), as nnU-Net requires", run("train", "--dataset", ds.toString(), "--out",
                        dir.resolve("m.zip").toString(), "--device", "cpu"));
        assertFalse(Files.exists(dir.resolve("m.zip")));

        Files.writeString(json, NUCLEI_JSON.replace("\"numTraining\": 4", "\"numTraining\": 5"));
        assertError("maskseg: '" + json + "', key 'numTraining': is 5 but '" + ds.resolve("imagesTr")
                + "' holds 4 case(s)", run("plan", "--dataset", ds.toString()));

        Files.writeString(json, NUCLEI_JSON.replace("\"labels\"", "\"classes\""));
        assertError("maskseg: '" + json + "', key 'labels': is missing (nnU-Net requires channel_names, labels, "
                + "numTraining and file_ending)", run("evaluate", "--dataset", ds.toString(), "--prediction",
                        ds.resolve("labelsTs").toString()));

        Files.writeString(json, NUCLEI_JSON);
        assertError("maskseg: --ignore-label cannot be combined with --dataset: it comes from the dataset's "
                + "dataset.json ('" + json + "')", run("train", "--dataset", ds.toString(), "--ignore-label", "2",
                        "--out", dir.resolve("m.zip").toString()));
        assertError("maskseg: give either --dataset or --images and --labels, not both (the dataset holds its images "
                + "in imagesTr/ and its labels in labelsTr/)", run("plan", "--dataset", ds.toString(), "--images",
                        ds.resolve("imagesTr").toString()));
        assertError("maskseg: give the training data: --images DIR and --labels DIR, or --dataset DIR (an nnU-Net "
                + "raw dataset)", run("plan", "--images", ds.resolve("imagesTr").toString()));

        // a label value the dataset does not declare
        ImageFiles.writeLabels(LabelVolume.wrap("x", new int[256 * 256], new long[] {256, 256}, new double[] {1, 1}),
                ds.resolve("labelsTr/nuclei_000.png"));
        int[] three = new int[256 * 256];
        three[5] = 3;
        ImageFiles.writeLabels(LabelVolume.wrap("x", three, new long[] {256, 256}, new double[] {1, 1}),
                ds.resolve("labelsTr/nuclei_001.png"));
        assertError("maskseg: labels 'nuclei_001': value 3 at voxel (5, 0) is neither a class (0..1) nor the ignore "
                + "value 2", run("plan", "--dataset", ds.toString()));

        // the predictions may not go into the dataset
        assertError("maskseg: --out", run("predict", "--model", dir.resolve("none.zip").toString(), "--dataset",
                ds.toString(), "--out", ds.resolve("imagesTs/out").toString()));
    }

    private static void assertError(String expectedStart, Result r) {
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().startsWith(expectedStart), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    /** Percentile q (0..100) of sorted values with linear interpolation (numpy's default). */
    private static double percentile(double[] sorted, double q) {
        double pos = q / 100 * (sorted.length - 1);
        int lo = (int) pos;
        double frac = pos - lo;
        return lo + 1 < sorted.length ? sorted[lo] * (1 - frac) + sorted[lo + 1] * frac : sorted[lo];
    }

    /** The datatype code of a gzipped NIfTI-1 header (bytes 70-71, little endian as MaskSeg writes). */
    /** The 348-byte header of a .nii.gz file. */
    private static byte[] niftiHeader(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file));
                DataInputStream data = new DataInputStream(in)) {
            byte[] header = new byte[348];
            data.readFully(header);
            return header;
        }
    }

    /** Rewrites a .nii.gz file with another header and the same data. */
    private static void replaceNiftiHeader(Path file, byte[] header) throws IOException {
        byte[] all;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            all = in.readAllBytes();
        }
        System.arraycopy(header, 0, all, 0, header.length);
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(all);
        }
    }

    private static int niftiDatatype(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file));
                DataInputStream data = new DataInputStream(in)) {
            byte[] header = new byte[72];
            data.readFully(header);
            return (header[70] & 0xff) | (header[71] & 0xff) << 8;
        }
    }
}
