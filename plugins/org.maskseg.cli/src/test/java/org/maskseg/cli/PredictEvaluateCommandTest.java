package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.maskseg.cli.CommandLineRun.nuclei;
import static org.maskseg.cli.CommandLineRun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.maskseg.core.labels.Targets;
import org.maskseg.cli.CommandLineRun.Result;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.metrics.CaseMetrics;
import org.maskseg.core.metrics.SegmentationMetrics;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.model.TrainingMetadata;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.plan.Plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

class PredictEvaluateCommandTest {

    @TempDir
    static Path tmp;

    static Path images;
    static Path references;
    static Path model;

    /** A small 2D U-Net plan for one-channel 256 x 256 images, two classes. */
    static Plan smallPlan(int channels) {
        double[] std = new double[channels];
        java.util.Arrays.fill(std, 1);
        return Plan.builder()
                .configuration("2d")
                .inputChannels(channels)
                .targets(Targets.classes(new LabelSpec(2, 2, null)))
                .patchSize(128, 128)
                .targetSpacing(1, 1)
                .network(n -> n.numStages(3)
                        .features(8, 16, 32)
                        .strides(new int[][] {{1, 1}, {2, 2}, {2, 2}})
                        .kernelSizes(new int[][] {{3, 3}, {3, 3}, {3, 3}}))
                .normalization(n -> n.schemes(java.util.Collections.nCopies(channels, "zscore"))
                        .useMask(new boolean[channels])
                        .clipLow(new double[channels])
                        .clipHigh(new double[channels])
                        .mean(new double[channels])
                        .std(std))
                .build();
    }

    /** An untrained model (random weights): enough to check files, shapes and the evaluation round trip. */
    static Path writeModel(Path file, int channels) throws IOException {
        Plan plan = smallPlan(channels);
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            PlainConvUNet net = PlainConvUNet.fromPlan(m, plan, 3);
            TrainingMetadata meta = new TrainingMetadata(0, 0, 0, null, 0, 0, 0, "last", "test", 3, 0,
                    "2026-01-01T00:00:00Z", "cpu()", 0, 0, null);
            TrainedModel.of(plan, meta, net).save(file);
        }
        return file;
    }

    @BeforeAll
    static void data() throws IOException {
        images = Files.createDirectories(tmp.resolve("images"));
        references = Files.createDirectories(tmp.resolve("references"));
        try (Stream<Path> s = Files.list(nuclei().resolve("images"))) {
            for (Path p : s.sorted().limit(3).toList()) {
                Files.copy(p, images.resolve(p.getFileName()));
                Files.copy(nuclei().resolve("labels").resolve(p.getFileName()), references.resolve(p.getFileName()));
            }
        }
        model = writeModel(tmp.resolve("model.zip"), 1);
    }

    private static List<String> fileNames(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void predictThenEvaluateRoundTrip() throws IOException {
        Path out = tmp.resolve("pred");
        Result r = run("predict", "--model", model.toString(), "--images", images.toString(), "--out", out.toString(),
                "--probabilities", "--uncertainty", "--device", "cpu", "--batch-windows", "3", "--step", "0.5");
        assertEquals(0, r.exitCode(), r.err());
        List<String> inputs = fileNames(images);
        assertEquals(9, fileNames(out).size(), fileNames(out).toString());
        for (String name : inputs) {
            String base = name.substring(0, name.length() - 4);
            LabelVolume labels = ImageFiles.readLabels(out.resolve(name));
            assertArrayEquals(new long[] {256, 256}, labels.size());
            for (int v : labels.data()) {
                assertTrue(v == 0 || v == 1, "label value " + v);
            }
            ImageVolume p = ImageFiles.readImage(out.resolve(base + "_probabilities.tif"));
            assertEquals(2, p.channels());
            int n = 256 * 256;
            for (int i = 0; i < n; i += 97) {
                assertEquals(1, p.data()[i] + p.data()[n + i], 1e-5);
                assertEquals(p.data()[n + i] > p.data()[i] ? 1 : 0, labels.data()[i]);
            }
            ImageVolume u = ImageFiles.readImage(out.resolve(base + "_uncertainty.tif"));
            assertEquals(1, u.channels());
        }

        Path json = tmp.resolve("scores.json");
        Result e = run("evaluate", "--reference", references.toString(), "--prediction", out.toString(), "--json",
                json.toString());
        assertEquals(0, e.exitCode(), e.err());
        assertTrue(e.out().contains("mean (foreground)"), e.out());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(3, root.get("cases").size());
        LabelSpec spec = new LabelSpec(2, 2, null);
        double sum = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode c = root.get("cases").get(i);
            String name = c.get("name").asText();
            CaseMetrics m = SegmentationMetrics.evaluate(name, ImageFiles.readLabels(references.resolve(name + ".png")),
                    ImageFiles.readLabels(out.resolve(name + ".png")), spec);
            assertEquals(m.dice(1), c.at("/dice/1").asDouble(), 1e-12);
            assertEquals(m.iou(0), c.at("/iou/0").asDouble(), 1e-12);
            sum += m.dice(1);
        }
        assertEquals(sum / 3, root.at("/classes/1/dice").asDouble(), 1e-12);
        assertEquals(sum / 3, root.at("/mean_dice").asDouble(), 1e-12);
    }

    @Test
    void partsPredictDisjointSharesThatTogetherCoverTheFolder() throws IOException {
        Path out = tmp.resolve("parts");
        List<String> inputs = fileNames(images); // three cases, sorted
        List<String> union = new java.util.ArrayList<>();
        for (int k = 0; k < 2; k++) {
            Result r = run("predict", "--model", model.toString(), "--images", images.toString(), "--out",
                    out.resolve("p" + k).toString(), "--device", "cpu", "--part", k + "/2");
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains("part " + k + "/2: " + (2 - k) + " of 3 case(s)"), r.out());
            union.addAll(fileNames(out.resolve("p" + k)));
        }
        assertEquals(List.of(inputs.get(0), inputs.get(2)), fileNames(out.resolve("p0")));
        assertEquals(List.of(inputs.get(1)), fileNames(out.resolve("p1")));
        assertEquals(inputs, union.stream().sorted().toList());
        // a part with no case writes nothing and succeeds
        Result empty = run("predict", "--model", model.toString(), "--images", images.toString(), "--out",
                out.resolve("p5").toString(), "--device", "cpu", "--part", "5/6");
        assertEquals(0, empty.exitCode(), empty.err());
        assertTrue(fileNames(out.resolve("p5")).isEmpty());
        Result bad = run("predict", "--model", model.toString(), "--images", images.toString(), "--out",
                out.resolve("bad").toString(), "--device", "cpu", "--part", "2/2");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("--part '2/2'"), bad.err());
        assertTrue(fileNames(out.resolve("bad")).isEmpty());
    }

    @Test
    void corruptOrMissingModelFailsWithoutOutput() throws IOException {
        Path corrupt = tmp.resolve("corrupt.zip");
        Files.write(corrupt, new byte[] {'P', 'K', 3, 4, 1, 2, 3});
        Path out = tmp.resolve("out-corrupt");
        Result r = run("predict", "--model", corrupt.toString(), "--images", images.toString(), "--out", out.toString());
        assertEquals(Cli.FAILED, r.exitCode());
        assertTrue(r.err().startsWith("maskseg: ") && r.err().contains("corrupt.zip"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals(List.of(), fileNames(out));

        r = run("predict", "--model", tmp.resolve("absent.zip").toString(), "--images", images.toString(), "--out",
                out.toString());
        assertEquals(Cli.FAILED, r.exitCode());
        assertTrue(r.err().contains("does not exist"), r.err());
        assertEquals(List.of(), fileNames(out));
    }

    @Test
    void modelForAnotherChannelCountFailsWithoutOutput() throws IOException {
        Path rgbModel = writeModel(tmp.resolve("rgb.zip"), 3);
        Path out = tmp.resolve("out-rgb");
        Result r = run("predict", "--model", rgbModel.toString(), "--images", images.toString(), "--out", out.toString());
        assertEquals(Cli.FAILED, r.exitCode());
        assertTrue(r.err().contains("1 channel(s)") && r.err().contains("trained on 3"), r.err());
        assertEquals(List.of(), fileNames(out));
    }

    @Test
    void badFoldersAndSettingsAreRefused() throws IOException {
        Result r = run("predict", "--model", model.toString(), "--images", tmp.resolve("nowhere").toString(), "--out",
                tmp.resolve("o1").toString());
        assertEquals(Cli.FAILED, r.exitCode());
        assertTrue(r.err().startsWith("maskseg: ") && r.err().contains("nowhere"), r.err());
        r = run("predict", "--model", model.toString(), "--images", images.toString(), "--out", images.toString());
        assertEquals(Cli.FAILED, r.exitCode());
        assertTrue(r.err().contains("--out") && r.err().contains("would be overwritten"), r.err());
        r = run("predict", "--model", model.toString(), "--images", images.toString(), "--out",
                tmp.resolve("o2").toString(), "--step", "0");
        assertEquals(Cli.FAILED, r.exitCode());
        assertTrue(r.err().contains("step"), r.err());
        assertEquals(List.of(), fileNames(tmp.resolve("o2")));

        // a corrupt image in the middle of the folder: cases before it are complete, none after, no temp files
        Path mixed = Files.createDirectories(tmp.resolve("mixed"));
        List<String> names = fileNames(images);
        Files.copy(images.resolve(names.get(0)), mixed.resolve("a.png"));
        byte[] png = Files.readAllBytes(images.resolve(names.get(2)));
        Files.write(mixed.resolve("b.png"), java.util.Arrays.copyOf(png, png.length / 2)); // header intact, pixels cut
        Files.copy(images.resolve(names.get(1)), mixed.resolve("c.png"));
        Path out = tmp.resolve("o3");
        r = run("predict", "--model", model.toString(), "--images", mixed.toString(), "--out", out.toString());
        assertEquals(Cli.FAILED, r.exitCode());
        assertTrue(r.err().startsWith("maskseg: case 'b' (2 of 3) failed") && r.err().contains("1 case(s) before it"),
                r.err());
        assertEquals(List.of("a.png"), fileNames(out));
    }

    @Test
    void evaluateRefusesMissingPredictionsAndReportsUndefinedClasses() throws IOException {
        Path pred = Files.createDirectories(tmp.resolve("partial"));
        String first = fileNames(references).get(0);
        Files.copy(references.resolve(first), pred.resolve(first));
        // a subset of the references is predicted: only those are scored (here perfectly)
        Result r = run("evaluate", "--reference", references.toString(), "--prediction", pred.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("1 case(s); mean Dice over the foreground classes: 1.0000"), r.out());
        // a prediction without a reference is refused
        Files.copy(references.resolve(first), pred.resolve("stray.png"));
        r = run("evaluate", "--reference", references.toString(), "--prediction", pred.toString());
        assertEquals(Cli.FAILED, r.exitCode());
        assertTrue(r.err().startsWith("maskseg: 1 of 2 prediction(s) have no reference") && r.err().contains("stray"),
                r.err());

        // references with an ignore region (255) and a prediction that equals them where annotated
        Path ref = Files.createDirectories(tmp.resolve("ref255"));
        Path p = Files.createDirectories(tmp.resolve("pred255"));
        int[] reference = new int[16];
        int[] predicted = new int[16];
        for (int i = 0; i < 16; i++) {
            reference[i] = i < 8 ? 255 : 0;
            predicted[i] = i < 8 ? 1 : 0;
        }
        ImageFiles.writeLabels(LabelVolume.wrap("x", reference, new long[] {4, 4}, new double[] {1, 1}), ref.resolve("x.png"));
        ImageFiles.writeLabels(LabelVolume.wrap("x", predicted, new long[] {4, 4}, new double[] {1, 1}), p.resolve("x.png"));
        Path json = tmp.resolve("ignore.json");
        r = run("evaluate", "--reference", ref.toString(), "--prediction", p.toString(), "--ignore-label", "255",
                "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(1.0, root.at("/classes/0/dice").asDouble(), 0);
        assertTrue(root.at("/classes/1/dice").isNull());
        assertTrue(root.at("/mean_dice").isNull());
        assertEquals(0.5, root.at("/cases/0/annotated_fraction").asDouble(), 0);
        assertTrue(r.out().contains("n/a"), r.out());

        // without --ignore-label the 255 would be taken for a class: refused, naming the option
        r = run("evaluate", "--reference", ref.toString(), "--prediction", p.toString());
        assertEquals(Cli.FAILED, r.exitCode(), r.err());
        assertTrue(r.err().contains("--ignore-label 255") && r.err().contains("--num-classes 256"), r.err());
    }

    @Test
    void heldOutCasesAreSegmentedWrittenAndScored() throws IOException {
        org.maskseg.core.io.DatasetFolder folder = org.maskseg.core.io.DatasetFolder.open(images, references);
        Path demo = tmp.resolve("held-out");
        Path out = demo.resolve("predictions");
        List<String> lines = new java.util.ArrayList<>();
        org.maskseg.core.metrics.DatasetMetrics scores = PredictCommand.evaluateHeldOut(TrainedModel.load(model),
                folder.cases().subList(0, 2), demo, org.maskseg.core.CancellationToken.create(), lines::add);
        assertEquals(2, scores.cases().size());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("mean (foreground)")), lines.toString());
        assertEquals(fileNames(images).subList(0, 2), fileNames(out));
        JsonNode json = new ObjectMapper().readTree(demo.resolve("scores.json").toFile());
        assertEquals(2, json.get("cases").size());
        for (CaseMetrics m : scores.cases()) {
            CaseMetrics expected = SegmentationMetrics.evaluate(m.name(),
                    ImageFiles.readLabels(references.resolve(m.name() + ".png")),
                    ImageFiles.readLabels(out.resolve(m.name() + ".png")), new LabelSpec(2, 2, null));
            assertEquals(expected, m);
        }
    }

    @Test
    void niftiVolumeWithA2dModelKeepsNameFormatAndSpacing() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("nifti"));
        ImageVolume vol = ImageVolume.create("vol", new long[] {64, 48, 3}, 1, new double[] {0.8, 0.8, 2.5});
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < vol.data().length; i++) {
            vol.data()[i] = random.nextFloat() * 100;
        }
        ImageFiles.writeImage(vol, in.resolve("vol.nii.gz"));
        Path out = tmp.resolve("nifti-out");
        Result r = run("predict", "--model", model.toString(), "--images", in.toString(), "--out", out.toString(),
                "--probabilities", "--uncertainty", "--tta");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(List.of("vol.nii.gz", "vol_probabilities.nii.gz", "vol_uncertainty.nii.gz"), fileNames(out));
        LabelVolume labels = ImageFiles.readLabels(out.resolve("vol.nii.gz"));
        assertArrayEquals(new long[] {64, 48, 3}, labels.size());
        assertArrayEquals(new double[] {0.8, 0.8, 2.5}, labels.spacing(), 1e-6);
        ImageVolume p = ImageFiles.readImage(out.resolve("vol_probabilities.nii.gz"));
        assertEquals(2, p.channels());
        assertArrayEquals(new long[] {64, 48, 3}, p.spatialSize());
        ImageVolume u = ImageFiles.readImage(out.resolve("vol_uncertainty.nii.gz"));
        for (float v : u.data()) {
            assertTrue(v >= 0 && v <= 1, "uncertainty " + v);
        }
    }
}
