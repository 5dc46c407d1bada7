package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.plan.NetworkTopology;
import org.maskseg.core.plan.Planner;
import org.maskseg.core.train.Trainer;
import org.maskseg.core.train.TrainingCurves;

class TrainCommandTest {

    @TempDir
    Path dir;

    private static Path nuclei() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("sample-data"))) {
            p = p.getParent();
        }
        return p.resolve("sample-data/nuclei");
    }

    /** Three sample images and their labels. */
    private Path[] smallDataset() throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path labels = Files.createDirectories(dir.resolve("labels"));
        try (Stream<Path> files = Files.list(nuclei().resolve("images"))) {
            for (Path f : files.sorted().limit(3).toList()) {
                Files.copy(f, images.resolve(f.getFileName()));
                Files.copy(nuclei().resolve("labels").resolve(f.getFileName()), labels.resolve(f.getFileName()));
            }
        }
        return new Path[] {images, labels};
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = MaskSegCommand.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void trainsAndWritesModelCurvesAndCheckpoint() throws IOException {
        Path[] data = smallDataset();
        Path model = dir.resolve("out").resolve("nuclei.zip");
        Run r = run("train", "--images", data[0].toString(), "--labels", data[1].toString(), "--out",
                model.toString(), "--epochs", "2", "--iterations", "2", "--validation-iterations", "1", "--patch",
                "64,64", "--batch-size", "2", "--device", "cpu", "--threads", "1", "--seed", "3",
                "--plan-overrides", "{\"network\":{\"features\":[8,16,32,32,32]}}");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("epoch 2/2"), r.out());
        assertTrue(r.out().contains("model written to"), r.out());
        TrainedModel m = TrainedModel.load(model);
        assertEquals(2, m.metadata().epochsDone());
        assertEquals(3L, m.metadata().seed());
        assertEquals(List.of("background", "class 1"), m.labels().classNames());
        Path work = dir.resolve("out").resolve("nuclei-training");
        assertTrue(Files.isRegularFile(work.resolve(Trainer.CHECKPOINT)));
        assertTrue(Files.isRegularFile(work.resolve(TrainingCurves.CSV)));
        assertTrue(Files.isRegularFile(work.resolve(TrainingCurves.PNG)));
    }

    @Test
    void trainsACascadeOnVolumesAndPredictsWithBothStages() throws IOException {
        Path images = Files.createDirectories(dir.resolve("vol-images"));
        Path labels = Files.createDirectories(dir.resolve("vol-labels"));
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        int e = 48;
        long[] size = {e, e, e};
        double[] spacing = {1, 1, 1};
        for (int c = 0; c < 3; c++) {
            float[] img = new float[e * e * e];
            int[] lab = new int[e * e * e];
            double r = 9 + 2 * c;
            for (int i = 0; i < img.length; i++) {
                int x = i % e, y = i / e % e, z = i / (e * e);
                boolean in = (x - 24) * (x - 24) + (y - 20) * (y - 20) + (z - 26) * (z - 26) < r * r;
                img[i] = (in ? 1f : 0f) + (float) (0.3 * random.nextGaussian());
                lab[i] = z < 4 ? 9 : in ? 1 : 0; // 9: not annotated
            }
            String name = "vol" + c + ".nii.gz";
            ImageFiles.writeImage(ImageVolume.wrap("vol" + c, img, size, 1, spacing), images.resolve(name));
            ImageFiles.writeLabels(LabelVolume.wrap("vol" + c, lab, size, spacing), labels.resolve(name));
        }
        // memory for two 16³ patches: the 48³ images are large for them, so a low-resolution stage is planned
        NetworkTopology t = NetworkTopology.of(spacing, new int[] {16, 16, 16}, Planner.MAX_POOLS_3D);
        double gib = 2 * Planner.patchBytes(t, Planner.MAX_FEATURES_3D, 1, 2) / (1024.0 * 1024 * 1024) * (1 + 1e-9);
        Path model = dir.resolve("cascade.zip");
        Run r = run("train", "--images", images.toString(), "--labels", labels.toString(), "--out", model.toString(),
                "--config", "3d_cascade", "--memory-gib", Double.toString(gib), "--ignore-label", "9", "--epochs", "1",
                "--iterations", "2", "--validation-iterations", "1", "--device", "cpu", "--threads", "1", "--seed", "1",
                "--plan-overrides", "{\"network\": {\"features\": [8, 16, 32]}, "
                        + "\"previousStage\": {\"network\": {\"features\": [8, 16, 32]}}}");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("cascade stage 2 of 2"), r.out());
        TrainedModel m = TrainedModel.load(model);
        assertTrue(m.plan().isCascade());
        assertTrue(m.previousStage() != null);
        assertTrue(Files.isDirectory(dir.resolve("cascade-training").resolve("lowres")));

        Path predictions = dir.resolve("predictions");
        Run p = run("predict", "--model", model.toString(), "--images", images.toString(), "--out",
                predictions.toString(), "--device", "cpu");
        assertEquals(0, p.code(), p.out() + p.err());
        for (int c = 0; c < 3; c++) {
            LabelVolume l = ImageFiles.readLabels(predictions.resolve("vol" + c + ".nii.gz"));
            assertArrayEquals(size, l.size());
            for (int v : l.data()) {
                assertTrue(v == 0 || v == 1, "a class, never the ignore value: " + v);
            }
        }

        Run bad = run("train", "--images", images.toString(), "--labels", labels.toString(), "--out",
                dir.resolve("x.zip").toString(), "--memory-gib", "0");
        assertEquals(Cli.FAILED, bad.code());
        assertTrue(bad.err().startsWith("maskseg: --memory-gib must be a positive number"), bad.err());
    }

    @Test
    void initStartsFromAModelAndKeepsItsNetwork() throws IOException {
        Path[] data = smallDataset();
        Path first = dir.resolve("first.zip");
        Run r = run("train", "--images", data[0].toString(), "--labels", data[1].toString(), "--out",
                first.toString(), "--epochs", "1", "--iterations", "1", "--validation-iterations", "1", "--patch",
                "64,64", "--batch-size", "2", "--device", "cpu", "--threads", "1",
                "--plan-overrides", "{\"network\":{\"features\":[8,16,32,32,32]}}");
        assertEquals(0, r.code(), r.out() + r.err());

        Path second = dir.resolve("second.zip");
        Run warm = run("train", "--images", data[0].toString(), "--labels", data[1].toString(), "--out",
                second.toString(), "--init", first.toString(), "--epochs", "1", "--iterations", "1",
                "--validation-iterations", "1", "--device", "cpu", "--threads", "1");
        assertEquals(0, warm.code(), warm.out() + warm.err());
        assertTrue(warm.out().contains("starting from the weights of the initial model"), warm.out());
        TrainedModel m = TrainedModel.load(second);
        assertEquals(List.of(64, 64), java.util.Arrays.stream(m.plan().patchSize()).boxed().toList());
        assertEquals(List.of(8, 16, 32, 32, 32),
                java.util.Arrays.stream(m.plan().network().features()).boxed().toList());
        assertFalse(m.sameWeightsAs(TrainedModel.load(first)));

        Run patch = run("train", "--images", data[0].toString(), "--labels", data[1].toString(), "--out",
                dir.resolve("third.zip").toString(), "--init", first.toString(), "--patch", "32,32", "--device",
                "cpu");
        assertTrue(patch.code() != 0);
        assertTrue(patch.err().startsWith("maskseg: patch size [32, 32] differs from the initial model's [64, 64]"),
                patch.err());
        assertFalse(Files.exists(dir.resolve("third.zip")));
    }

    @Test
    void badInputGivesOneLineReasonAndNoModel() throws IOException {
        Path[] data = smallDataset();
        Path model = dir.resolve("m.zip");
        Run r = run("train", "--images", data[0].toString(), "--labels", data[1].toString(), "--out",
                model.toString(), "--ignore-label", "1", "--device", "cpu");
        assertTrue(r.code() != 0);
        assertTrue(r.err().startsWith("maskseg: "), r.err());
        assertTrue(r.err().contains("ignore value 1"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(model));

        Run missing = run("train", "--images", dir.resolve("nowhere").toString(), "--labels", data[1].toString(),
                "--out", model.toString());
        assertTrue(missing.code() != 0);
        assertTrue(missing.err().startsWith("maskseg: "), missing.err());

        Run precision = run("train", "--images", data[0].toString(), "--labels", data[1].toString(), "--out",
                model.toString(), "--precision", "fp8");
        assertTrue(precision.err().startsWith("maskseg: precision 'fp8'"), precision.err());
    }

    @Test
    void trainsWithAPlanFileWrittenByPlanAndEdited() throws IOException {
        Path[] data = smallDataset();
        Path planFile = dir.resolve("plan.json");
        Run planned = run("plan", "--images", data[0].toString(), "--labels", data[1].toString(), "--out",
                planFile.toString());
        assertEquals(0, planned.code(), planned.err());
        // edited as a user would: a smaller patch and network, and another learning rate
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode plan =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(planFile.toFile());
        plan.putArray("patchSize").add(128).add(128);
        com.fasterxml.jackson.databind.node.ArrayNode features =
                ((com.fasterxml.jackson.databind.node.ObjectNode) plan.get("network")).putArray("features");
        for (int i = 0; i < plan.get("network").get("numStages").asInt(); i++) {
            features.add(8);
        }
        ((com.fasterxml.jackson.databind.node.ObjectNode) plan.get("training")).put("initialLearningRate", 0.005);
        json.writeValue(planFile.toFile(), plan);
        Path model = dir.resolve("edited.zip");
        Run r = run("train", "--images", data[0].toString(), "--labels", data[1].toString(), "--out",
                model.toString(), "--plan", planFile.toString(), "--epochs", "1", "--iterations", "1",
                "--validation-iterations", "1", "--batch-size", "2", "--device", "cpu", "--threads", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        TrainedModel trained = TrainedModel.load(model);
        assertArrayEquals(new int[] {128, 128}, trained.plan().patchSize());
        assertEquals(8, trained.plan().network().features()[0]);
        assertEquals(0.005, trained.plan().training().initialLearningRate());
    }

    @Test
    void trainsForAStepBudgetAndRefusesBadBudgets() throws IOException {
        Path[] data = smallDataset();
        Path model = dir.resolve("budget.zip");
        Run r = run("train", "--images", data[0].toString(), "--labels", data[1].toString(), "--out",
                model.toString(), "--budget", "12steps", "--patch", "64,64", "--batch-size", "2", "--device", "cpu",
                "--threads", "1", "--plan-overrides", "{\"network\":{\"features\":[8,16,32,32,32]}}");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("budget 12 steps"), r.out());
        TrainedModel m = TrainedModel.load(model);
        assertEquals("budget", m.metadata().stopReason());
        assertEquals(3, m.metadata().epochsDone()); // 5 + 5 + 2 steps

        Run bad = run("train", "--images", data[0].toString(), "--labels", data[1].toString(), "--out",
                dir.resolve("bad.zip").toString(), "--budget", "-3m");
        assertEquals(Cli.FAILED, bad.code());
        assertTrue(bad.err().startsWith("maskseg: budget '-3m': "), bad.err());
        Run clash = run("train", "--images", data[0].toString(), "--labels", data[1].toString(), "--out",
                dir.resolve("clash.zip").toString(), "--budget", "5m", "--epochs", "3");
        assertEquals(Cli.FAILED, clash.code());
        assertTrue(clash.err().contains("cannot be combined with epochs"), clash.err());
    }

    /**
     * A time budget far too short for the planned 256² patches on a CPU: the plan is sized to the device, which
     * the output says in two lines and the work folder records; --no-device-sizing keeps the plan.
     */
    @Test
    @Tag("slow")
    void aTimeBudgetSizesThePlanToTheDeviceUnlessTurnedOff() throws IOException {
        Path[] data = smallDataset();
        Path model = dir.resolve("sized.zip");
        Run r = run("train", "--images", data[0].toString(), "--labels", data[1].toString(), "--out",
                model.toString(), "--budget", "8s", "--device", "cpu", "--threads", "1", "--no-final-validation");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("device sizing on cpu() in fp32 (measured in "), r.out());
        assertTrue(r.out().contains("device sizing chose patch ["), r.out());
        assertTrue(Files.isRegularFile(dir.resolve("sized-training").resolve("plan_sizing.json")));
        TrainedModel sized = TrainedModel.load(model);
        assertTrue(sized.plan().patchSize()[0] * sized.plan().patchSize()[1] < 256 * 256,
                java.util.Arrays.toString(sized.plan().patchSize()));

        Path kept = dir.resolve("kept.zip");
        Run off = run("train", "--images", data[0].toString(), "--labels", data[1].toString(), "--out",
                kept.toString(), "--budget", "4s", "--device", "cpu", "--threads", "1", "--no-final-validation",
                "--no-device-sizing");
        assertEquals(0, off.code(), off.out() + off.err());
        assertFalse(off.out().contains("device sizing"), off.out());
        assertFalse(Files.exists(dir.resolve("kept-training").resolve("plan_sizing.json")));
        assertArrayEquals(new int[] {256, 256}, TrainedModel.load(kept).plan().patchSize());
    }
}
