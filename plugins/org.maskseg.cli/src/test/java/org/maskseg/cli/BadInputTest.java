package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.maskseg.cli.CommandLineRun.nuclei;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.cli.CommandLineRun.Result;

/**
 * Bad input on every command: one line {@code maskseg: ...} on stderr, the documented exit code, no input ever
 * overwritten, and refusals before any data is read.
 */
class BadInputTest {

    @TempDir
    Path dir;

    Path images;
    Path labels;
    /** Every file below the temporary folder with its content, to prove that nothing was changed. */
    Map<Path, byte[]> before;

    @BeforeEach
    void data() throws IOException {
        images = Files.createDirectories(dir.resolve("images"));
        labels = Files.createDirectories(dir.resolve("labels"));
        try (Stream<Path> files = Files.list(nuclei().resolve("images"))) {
            for (Path f : files.sorted().limit(3).toList()) {
                Files.copy(f, images.resolve(f.getFileName()));
                Files.copy(nuclei().resolve("labels").resolve(f.getFileName()), labels.resolve(f.getFileName()));
            }
        }
        before = snapshot();
    }

    private Map<Path, byte[]> snapshot() throws IOException {
        Map<Path, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(p, Files.readAllBytes(p));
            }
        }
        return m;
    }

    /** Every input file is still there, unchanged. */
    private void inputsUnchanged() throws IOException {
        Map<Path, byte[]> now = snapshot();
        for (Map.Entry<Path, byte[]> e : before.entrySet()) {
            assertTrue(now.containsKey(e.getKey()), "deleted: " + e.getKey());
            assertArrayEquals(e.getValue(), now.get(e.getKey()), "changed: " + e.getKey());
        }
    }

    private Path firstLabel() throws IOException {
        try (Stream<Path> s = Files.list(labels)) {
            return s.sorted().findFirst().orElseThrow();
        }
    }

    /** A failed run: exit code 1, exactly one line {@code maskseg: ...} on stderr containing {@code expected}. */
    private static void refused(Result r, String expected) {
        assertEquals(Cli.FAILED, r.exitCode(), r.err() + r.out());
        assertTrue(r.err().startsWith("maskseg: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
    }

    /** Refused before reading any data: nothing about reading on standard output. */
    private static void refusedEarly(Result r, String expected) {
        refused(r, expected);
        assertFalse(r.out().contains("reading"), r.out());
        assertFalse(r.out().contains("planning"), r.out());
    }

    private Result train(String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--images", images.toString(), "--labels",
                labels.toString(), "--epochs", "1", "--iterations", "1",
                "--validation-iterations", "1", "--batch-size", "1", "--patch", "32,32"));
        args.addAll(List.of(more));
        return CommandLineRun.run(args.toArray(String[]::new));
    }

    @Test
    void trainRefusesAnOutputThatIsAnInputLabelFile() throws IOException {
        Path label = firstLabel();
        refusedEarly(train("--out", label.toString()), "--out");
        refusedEarly(train("--out", images.resolve("..").resolve("labels").resolve(label.getFileName()).toString()),
                "input");
        refusedEarly(train("--out", labels.resolve("model.zip").toString()), "inside the input folder");
        refusedEarly(train("--out", dir.resolve("m.zip").toString(), "--work-dir", images.toString()), "--work-dir");
        inputsUnchanged();
        assertFalse(Files.exists(labels.resolve("model.zip")));
    }

    @Test
    void annotateRefusesToWriteOverTheImages() throws IOException {
        Result border = CommandLineRun.run("annotate", "--mode", "border", "--width", "1", "--images",
                images.toString(), "--labels", labels.toString(), "--out", images.toString());
        // --images has no effect with border: refused as misuse, either way nothing is written
        assertEquals(Cli.FAILED, border.exitCode(), border.err());
        Result invalid = CommandLineRun.run("annotate", "--mode", "invalid", "--images", images.toString(),
                "--labels", labels.toString(), "--out", images.toString());
        refused(invalid, "--images");
        Result report = CommandLineRun.run("annotate", "--mode", "border", "--width", "1", "--labels",
                labels.toString(), "--out", dir.resolve("out").toString(), "--report",
                labels.resolve("report.json").toString());
        refused(report, "--report");
        inputsUnchanged();
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void annotateBorderWithImagesGivenDoesNotWriteOverThem() throws IOException {
        Result r = CommandLineRun.run("annotate", "--mode", "border", "--width", "1", "--images",
                images.toString(), "--labels", labels.toString(), "--out", images.resolve(".").toString());
        assertEquals(Cli.FAILED, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        inputsUnchanged();
    }

    @Test
    void trainOutputThatIsAFolderOrUnwritableFailsBeforeAnyWork() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("models"));
        refusedEarly(train("--out", folder.toString()), "is a folder");
        refusedEarly(train("--out", "/proc/maskseg-model.zip"), "cannot be written");
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        refusedEarly(train("--out", file.resolve("m.zip").toString()), "is a file, not a folder");
        inputsUnchanged();
    }

    @Test
    void everyCommandUsesTheSameExitCodes() throws IOException {
        Path nowhere = dir.resolve("nowhere");
        refused(CommandLineRun.run("plan", "--images", nowhere.toString(), "--labels", labels.toString()), "");
        refused(CommandLineRun.run("train", "--images", nowhere.toString(), "--labels", labels.toString(), "--out",
                dir.resolve("m.zip").toString()), "");
        refused(CommandLineRun.run("predict", "--model", nowhere.resolve("m.zip").toString(), "--images",
                images.toString(), "--out", dir.resolve("p").toString()), "");
        refused(CommandLineRun.run("evaluate", "--reference", nowhere.toString(), "--prediction",
                labels.toString()), "");
        refused(CommandLineRun.run("annotate", "--mode", "border", "--width", "1", "--labels", nowhere.toString(),
                "--out", dir.resolve("a").toString()), "");
        refused(CommandLineRun.run("choose", "--model", nowhere.resolve("a.zip").toString(), "--model",
                nowhere.resolve("b.zip").toString(), "--labels", labels.toString(), "--out",
                dir.resolve("choice.json").toString()), "");
        refused(CommandLineRun.run("choose", "--model", nowhere.resolve("a.zip").toString(), "--labels",
                labels.toString(), "--out", dir.resolve("choice.json").toString()),
                "give at least two cross-validated configurations");
        for (String command : List.of("annotate", "plan", "train", "predict", "evaluate", "choose", "demo")) {
            Result usage = CommandLineRun.run(command, "--no-such-option");
            assertEquals(Cli.USAGE, usage.exitCode(), command);
            Result help = CommandLineRun.run(command, "--help");
            assertEquals(0, help.exitCode(), command);
            assertTrue(help.out().contains("--verbose"), command + ": " + help.out());
            assertTrue(help.out().contains("130"), command + ": " + help.out());
        }
    }

    @Test
    void badOptionValuesAreRefusedBeforeAnyDataIsRead() throws IOException {
        // an unreadable case: reading the data would fail with another message
        Files.writeString(images.resolve("broken.png"), "not a png");
        Files.writeString(labels.resolve("broken.png"), "not a png");
        refusedEarly(train("--out", dir.resolve("m.zip").toString(), "--device", "gpu:7"), "gpu:7");
        refusedEarly(train("--out", dir.resolve("m.zip").toString(), "--precision", "bf16"), "bf16");
        refusedEarly(train("--out", dir.resolve("m.zip").toString(), "--device", "tpu"), "tpu");
        Path model = PredictEvaluateCommandTest.writeModel(dir.resolve("model.zip"), 1);
        Result predict = CommandLineRun.run("predict", "--model", model.toString(), "--images", images.toString(),
                "--out", dir.resolve("p").toString(), "--device", "gpu:7");
        refusedEarly(predict, "gpu:7");
        assertFalse(Files.exists(dir.resolve("p")));
        assertFalse(Files.exists(dir.resolve("m.zip")));
    }

    @Test
    void noCommandWritesIntoOrOverAnInput() throws IOException {
        Path model = PredictEvaluateCommandTest.writeModel(dir.resolve("model.zip"), 1);
        before = snapshot();
        // plan
        refusedEarly(CommandLineRun.run("plan", "--images", images.toString(), "--labels", labels.toString(),
                "--out", labels.resolve("plan.json").toString()), "--out");
        refusedEarly(CommandLineRun.run("plan", "--images", images.toString(), "--labels", labels.toString(),
                "--fingerprint", firstLabel().toString()), "--fingerprint");
        // predict: the images folder itself, below it, above it, through a symbolic link, the model file
        for (Path out : List.of(images, images.resolve("sub"), dir, Files.createSymbolicLink(dir.resolve("link"),
                images), model)) {
            Result r = CommandLineRun.run("predict", "--model", model.toString(), "--images", images.toString(),
                    "--out", out.toString(), "--device", "cpu");
            refusedEarly(r, "--out");
        }
        // evaluate
        refused(CommandLineRun.run("evaluate", "--reference", labels.toString(), "--prediction", labels.toString(),
                "--json", labels.resolve("scores.json").toString()), "--json");
        refused(CommandLineRun.run("evaluate", "--reference", labels.toString(), "--prediction", images.toString(),
                "--model", model.toString(), "--json", model.toString()), "--json");
        // train: the model file, a folder holding the labels as work folder
        refusedEarly(train("--out", model.toString(), "--init", model.toString()), "--out");
        refusedEarly(train("--out", dir.resolve("m2.zip").toString(), "--work-dir", dir.toString()), "--work-dir");
        // annotate: the unknown-region masks inside the labels
        refused(CommandLineRun.run("annotate", "--mode", "class-roi", "--labels", labels.toString(), "--roi",
                labels.toString(), "--class", "1", "--out", dir.resolve("a").toString(), "--unknown-out",
                labels.resolve("unknown").toString()), "--unknown-out");
        inputsUnchanged();
        assertFalse(Files.exists(images.resolve("sub")));
        assertFalse(Files.exists(dir.resolve("a")));
    }

    @Test
    void aFailedPredictionLeavesNoEmptyOutputFolder() throws IOException {
        Path model = PredictEvaluateCommandTest.writeModel(dir.resolve("model.zip"), 1);
        Path first;
        try (Stream<Path> s = Files.list(images)) {
            first = s.sorted().findFirst().orElseThrow();
        }
        byte[] png = Files.readAllBytes(first);
        Files.write(first, java.util.Arrays.copyOf(png, png.length / 2)); // the header is fine, the pixels are not
        Path out = dir.resolve("predictions").resolve("run1");
        Result r = CommandLineRun.run("predict", "--model", model.toString(), "--images", images.toString(), "--out",
                out.toString(), "--device", "cpu");
        refused(r, "nothing was written");
        assertFalse(Files.exists(dir.resolve("predictions")), "left behind: " + dir.resolve("predictions"));
    }

    /** Sets a 5 x 5 block at the top left of a label file to {@code value}, or every 7th voxel when {@code sparse}. */
    private static void paint(Path labelFile, int value, boolean sparse) {
        org.maskseg.core.image.LabelVolume l = org.maskseg.core.io.ImageFiles.readLabels(labelFile, "x");
        int[] d = l.data().clone();
        long width = l.size()[0];
        for (int i = 0; i < d.length; i++) {
            boolean block = i % width < 5 && i / width < 5;
            if (sparse ? i % 7 == 0 : block) {
                d[i] = value;
            }
        }
        org.maskseg.core.io.ImageFiles.writeLabels(org.maskseg.core.image.LabelVolume.wrap("x", d, l.size(),
                l.spacing()), labelFile);
    }

    @Test
    void labelValuesFarAboveTheOthersAreRefusedUnlessDeclared() throws IOException {
        paint(firstLabel(), 200, false);
        before = snapshot();
        Result plan = CommandLineRun.run("plan", "--images", images.toString(), "--labels", labels.toString());
        refused(plan, "value 200 lies far above");
        assertTrue(plan.err().contains("200: 25"), plan.err());
        refused(train("--out", dir.resolve("m.zip").toString(), "--device", "cpu"), "value 200 lies far above");
        assertFalse(Files.exists(dir.resolve("m.zip")));
        inputsUnchanged();
    }

    @Test
    void masksWith255AreRefusedByTrainAndEvaluateUnless255IsTheIgnoreLabel() throws IOException {
        Path reference = Files.createDirectories(dir.resolve("reference"));
        try (Stream<Path> s = Files.list(labels)) {
            for (Path f : s.toList()) {
                Files.copy(f, reference.resolve(f.getFileName()));
                paint(reference.resolve(f.getFileName()), 255, true);
            }
        }
        Result train = CommandLineRun.run("train", "--images", images.toString(), "--labels", reference.toString(),
                "--out", dir.resolve("m.zip").toString(), "--device", "cpu");
        refused(train, "value 255 lies far above");
        assertTrue(train.err().contains("--ignore-label 255"), train.err());
        Result evaluate = CommandLineRun.run("evaluate", "--reference", reference.toString(), "--prediction",
                labels.toString());
        refused(evaluate, "value 255 lies far above");
        Result declared = CommandLineRun.run("evaluate", "--reference", reference.toString(), "--prediction",
                labels.toString(), "--ignore-label", "255");
        assertEquals(0, declared.exitCode(), declared.err());
        assertTrue(declared.out().contains("mean Dice over the foreground classes: 1.0000"), declared.out());
    }

    @Test
    void resumeRefusesOptionsThatContradictTheCheckpoint() throws IOException {
        Path model = dir.resolve("m.zip");
        Result first = CommandLineRun.run("train", "--images", images.toString(), "--labels", labels.toString(),
                "--out", model.toString(), "--device", "cpu", "--epochs", "2", "--epoch-limit", "1", "--iterations", "1",
                "--validation-iterations", "1", "--batch-size", "1", "--patch", "32,32", "--seed", "3",
                "--checkpoint-every", "1", "--loader-threads", "1");
        assertEquals(0, first.exitCode(), first.err());
        Path checkpoint = dir.resolve("m-training").resolve("checkpoint_latest.zip");
        assertTrue(Files.isRegularFile(checkpoint));
        Path resumed = dir.resolve("r.zip");
        String[] base = {"train", "--images", images.toString(), "--labels", labels.toString(), "--out",
            resumed.toString(), "--device", "cpu", "--resume", checkpoint.toString()};
        Result patch = CommandLineRun.run(concat(base, "--patch", "64,64", "--seed", "4"));
        refusedEarly(patch, "patch [64, 64] (checkpoint: [32, 32])");
        assertTrue(patch.err().contains("seed 4 (checkpoint: 3)"), patch.err());
        refusedEarly(CommandLineRun.run(concat(base, "--epochs", "4")), "epochs 4 (checkpoint: 2)");
        refusedEarly(CommandLineRun.run(concat(base, "--batch-size", "2")), "batch size 2 (checkpoint: 1)");
        assertFalse(Files.exists(resumed));
        // the checkpoint's own values are accepted, and so is leaving them out
        Result same = CommandLineRun.run(concat(base, "--patch", "32,32", "--seed", "3", "--epochs", "2",
                "--loader-threads", "1"));
        assertEquals(0, same.exitCode(), same.err());
        assertTrue(same.out().contains("2 epochs"), same.out());
        assertTrue(Files.isRegularFile(resumed));
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }
}
