package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.postprocess.Postprocessing;

/**
 * {@code maskseg import-nnunet} on results folders that PyTorch wrote in nnU-Net's layout (one-channel 2D
 * PlainConvUNet and ResidualEncoderUNet models, the engine's {@code make_nnunet_model.py}), then predict and
 * fine-tune them with sparse labels. Skipped with the reason printed when /usr/bin/python3 has no PyTorch.
 */
class ImportNnUNetCommandTest {

    @TempDir
    static Path dir;

    private static Path results;
    private static Path imported;
    private static Path importedResEnc;
    private static Path images;
    private static Path labels;

    @BeforeAll
    static void writeNnUNetModel() throws IOException, InterruptedException {
        String missing = torchMissing();
        if (missing != null) {
            System.out.println("Skipping the nnU-Net import commands: " + missing);
        }
        assumeTrue(missing == null, missing);
        Path script = CommandLineRun.nuclei().getParent().getParent()
                .resolve("plugins/org.maskseg.core/src/test/resources/org/maskseg/core/nnunet/make_nnunet_model.py");
        results = dir.resolve("Dataset999_Test/nnUNetTrainer__nnUNetPlans__2d");
        python(script, results, "new");
        Path resEncResults = dir.resolve("Dataset999_Test/nnUNetTrainer__nnUNetResEncUNetMPlans__2d");
        python(script, resEncResults, "resenc");

        images = Files.createDirectories(dir.resolve("images"));
        labels = Files.createDirectories(dir.resolve("labels"));
        Path nuclei = CommandLineRun.nuclei();
        try (Stream<Path> files = Files.list(nuclei.resolve("images"))) {
            for (Path f : files.sorted().limit(3).toList()) {
                Files.copy(f, images.resolve(f.getFileName()));
                Files.copy(nuclei.resolve("labels").resolve(f.getFileName()), labels.resolve(f.getFileName()));
            }
        }
        imported = dir.resolve("imported.zip");
        CommandLineRun.Result r = CommandLineRun.run("import-nnunet", results.toString(), "--out", imported.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("imported nnUNetTrainer (2d, fold 0, checkpoint_final.pth)"), r.out());
        importedResEnc = dir.resolve("imported-resenc.zip");
        r = CommandLineRun.run("import-nnunet", resEncResults.toString(), "--out", importedResEnc.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
    }

    private static void python(Path script, Path out, String layout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), out.toString(), "2d", layout, "1")
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, log);
    }

    private static String torchMissing() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0 ? null
                    : "/usr/bin/python3 cannot import torch (apt-get install python3-torch)";
        } catch (IOException e) {
            return "/usr/bin/python3 cannot be run: " + e.getMessage();
        }
    }

    @Test
    void importedModelPredicts() throws IOException {
        TrainedModel model = TrainedModel.load(imported);
        assertEquals(List.of("background", "cell", "edge"), model.labels().classNames());
        Path out = dir.resolve("predictions");
        CommandLineRun.Result r = CommandLineRun.run("predict", "--model", imported.toString(), "--images",
                images.toString(), "--out", out.toString(), "--device", "cpu", "--threads", "1");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        try (Stream<Path> written = Files.list(out)) {
            assertEquals(3, written.count());
        }
    }

    @Test
    void importedModelExportsBackToAnEqualResultsFolder() throws IOException {
        Path again = dir.resolve("export/Dataset998_Again/nnUNetTrainer__nnUNetPlans__2d");
        CommandLineRun.Result r = CommandLineRun.run("export-nnunet", "--model", imported.toString(), "--out",
                again.toString(), "--dataset-name", "Dataset998_Again", "--file-ending", ".png");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("as nnU-Net configuration '2d' (fold_0)"), r.out());
        Path back = dir.resolve("reimported.zip");
        r = CommandLineRun.run("import-nnunet", again.toString(), "--out", back.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(TrainedModel.load(back).sameWeightsAs(TrainedModel.load(imported)));

        Path bad = dir.resolve("export-bad");
        r = CommandLineRun.run("export-nnunet", "--model", imported.toString(), "--out", bad.toString(),
                "--dataset-name", "Nuclei");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("maskseg: dataset name 'Nuclei'") && r.err().strip().lines().count() == 1,
                r.err());
        assertTrue(Files.notExists(bad));
    }

    @Test
    void residualEncoderModelExportsAndComesBackWithTheGivenPostprocessing() throws Exception {
        Path again = dir.resolve("export/Dataset997_ResEnc/nnUNetTrainer__nnUNetResEncUNetMPlans__2d");
        CommandLineRun.Result r = CommandLineRun.run("export-nnunet", "--model", importedResEnc.toString(), "--out",
                again.toString(), "--dataset-name", "Dataset997_ResEnc");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        // what nnU-Net's postprocessing search may choose: the largest foreground component, then that of class 2
        Path script = CommandLineRun.nuclei().getParent().getParent().resolve(
                "plugins/org.maskseg.core/src/test/resources/org/maskseg/core/nnunet/postprocessing_pickle.py");
        Path pp = dir.resolve("chosen/postprocessing.pkl");
        Files.createDirectories(pp.getParent());
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), "write", pp.toString(),
                "[[\"nnunet\",[1,2]],[\"nnunet\",2]]").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, log);

        Path back = dir.resolve("reimported-resenc.zip");
        r = CommandLineRun.run("import-nnunet", again.toString(), "--postprocessing", pp.toString(), "--out",
                back.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("postprocessing: "), r.out());
        TrainedModel model = TrainedModel.load(back);
        assertTrue(model.sameWeightsAs(TrainedModel.load(importedResEnc)));
        assertEquals(new Postprocessing(true, List.of(2)), model.postprocessing());

        r = CommandLineRun.run("import-nnunet", again.toString(), "--postprocessing",
                dir.resolve("missing.pkl").toString(), "--out", dir.resolve("y.zip").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("missing.pkl") && r.err().strip().lines().count() == 1, r.err());
        assertTrue(Files.notExists(dir.resolve("y.zip")));
    }

    @Test
    void badFoldsAndCheckpointsGiveOneLine() {
        CommandLineRun.Result r = CommandLineRun.run("import-nnunet", results.toString(), "--folds", "3", "--out",
                dir.resolve("x.zip").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("maskseg: checkpoint '") && r.err().contains("fold_3")
                && r.err().strip().lines().count() == 1, r.err());
        r = CommandLineRun.run("import-nnunet", results.toString(), "--checkpoint", "latest", "--out",
                dir.resolve("x.zip").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("expected final or best"), r.err());
        r = CommandLineRun.run("import-nnunet", results.toString(), "--out",
                results.resolve("fold_0/model.zip").toString());
        assertEquals(1, r.exitCode(), "an output inside the input folder is refused");
        assertTrue(Files.notExists(dir.resolve("x.zip")));
    }

    @Test
    void importedModelFineTunesOnScribblesWithClassMapAndFrozenEncoder() {
        fineTune(imported, "tuned");
    }

    @Test
    void importedResidualEncoderModelFineTunesOnScribblesWithClassMapAndFrozenEncoder() {
        TrainedModel tuned = fineTune(importedResEnc, "tuned-resenc");
        assertEquals("ResidualEncoderUNet", tuned.plan().network().architecture());
        assertTrue(tuned.weights().containsKey("encoder.stem.conv0.weight"));
    }

    @Test
    void presetIsRefusedForAWarmStartAndUnknownPresetsNamed() {
        CommandLineRun.Result r = CommandLineRun.run("train", "--images", images.toString(), "--labels",
                labels.toString(), "--init", importedResEnc.toString(), "--preset", "resenc-m", "--out",
                dir.resolve("never.zip").toString());
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("--preset resenc-m plans a new network; with --init")
                && r.err().strip().lines().count() == 1, r.err());
        r = CommandLineRun.run("train", "--images", images.toString(), "--labels", labels.toString(), "--preset",
                "resenc-xl", "--out", dir.resolve("never.zip").toString());
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("preset 'resenc-xl': expected one of default, resenc-m, resenc-l"), r.err());
        assertTrue(Files.notExists(dir.resolve("never.zip")));
    }

    private static TrainedModel fineTune(Path model, String name) {
        Path scribbles = dir.resolve("scribbles-" + name);
        CommandLineRun.Result r = CommandLineRun.run("annotate", "--labels", labels.toString(), "--out",
                scribbles.toString(), "--mode", "scribbles", "--ignore-label", "255", "--seed", "3");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        Path tuned = dir.resolve(name + ".zip");
        // label 1 (nucleus) continues the model's class 1 ("cell"); the model's class 2 is dropped
        r = CommandLineRun.run("train", "--images", images.toString(), "--labels", scribbles.toString(),
                "--ignore-label", "255", "--init", model.toString(), "--class-map", "0=0,1=1",
                "--freeze-encoder-epochs", "1", "--learning-rate", "0.001", "--epochs", "1", "--iterations", "2",
                "--validation-iterations", "1", "--batch-size", "2", "--device", "cpu", "--threads", "1", "--seed",
                "5", "--out", tuned.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        TrainedModel before = TrainedModel.load(model);
        TrainedModel after = TrainedModel.load(tuned);
        assertEquals(2, after.numClasses());
        assertEquals(List.of("background", "cell"), after.labels().classNames());
        boolean decoderChanged = false;
        for (var e : after.weights().entrySet()) {
            float[] old = before.weights().get(e.getKey()).data();
            if (e.getKey().startsWith("encoder.")) {
                assertArrayEquals(old, e.getValue().data(), 0f, e.getKey());
            } else if (!e.getKey().contains(".head.")) {
                decoderChanged |= !Arrays.equals(old, e.getValue().data());
            }
        }
        assertTrue(decoderChanged, "the decoder was trained");
        return after;
    }
}
