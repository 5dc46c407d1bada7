package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.model.TrainedModel;

/** {@code maskseg train --init} with --classes, --class-map, --freeze-encoder-epochs and --learning-rate. */
class FineTuneCommandTest {

    @TempDir
    static Path dir;

    private static Path images;
    private static Path labels;
    private static Path base;

    @BeforeAll
    static void trainBaseModel() throws IOException {
        images = Files.createDirectories(dir.resolve("images"));
        labels = Files.createDirectories(dir.resolve("labels"));
        Path nuclei = CommandLineRun.nuclei();
        try (Stream<Path> files = Files.list(nuclei.resolve("images"))) {
            for (Path f : files.sorted().limit(3).toList()) {
                Files.copy(f, images.resolve(f.getFileName()));
                Files.copy(nuclei.resolve("labels").resolve(f.getFileName()), labels.resolve(f.getFileName()));
            }
        }
        base = dir.resolve("base.zip");
        CommandLineRun.Result r = train(base, "--epochs", "1", "--iterations", "1", "--patch", "64,64",
                "--plan-overrides", "{\"network\":{\"features\":[8,16,32,32,32]}}");
        assertEquals(0, r.exitCode(), r.out() + r.err());
    }

    private static CommandLineRun.Result train(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--images", images.toString(), "--labels",
                labels.toString(), "--out", out.toString(), "--validation-iterations", "1", "--batch-size", "2",
                "--device", "cpu", "--threads", "1", "--seed", "4"));
        args.addAll(Arrays.asList(more));
        return CommandLineRun.run(args.toArray(String[]::new));
    }

    @Test
    void frozenEncoderAndLowerLearningRateAreApplied() {
        Path tuned = dir.resolve("frozen.zip");
        CommandLineRun.Result r = train(tuned, "--init", base.toString(), "--epochs", "1", "--iterations", "2",
                "--freeze-encoder-epochs", "1", "--learning-rate", "0.001");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("encoder fixed during epoch 1"), r.out());
        TrainedModel before = TrainedModel.load(base);
        TrainedModel after = TrainedModel.load(tuned);
        assertEquals(0.001, after.plan().training().initialLearningRate(), 0);
        boolean decoderChanged = false;
        for (var e : before.weights().entrySet()) {
            float[] now = after.weights().get(e.getKey()).data();
            if (e.getKey().startsWith("encoder.")) {
                assertArrayEquals(e.getValue().data(), now, 0f, e.getKey());
            } else {
                decoderChanged |= !Arrays.equals(e.getValue().data(), now);
            }
        }
        assertTrue(decoderChanged);
    }

    @Test
    void classesByNameAndByIndexShapeTheNewModel() {
        Path renamed = dir.resolve("names.zip");
        // "nucleus" is not a class of the base model (background, class 1): class 1 starts anew
        CommandLineRun.Result byName = train(renamed, "--init", base.toString(), "--epochs", "1", "--iterations", "1",
                "--classes", "background,nucleus");
        assertEquals(0, byName.exitCode(), byName.out() + byName.err());
        assertTrue(byName.out().contains("classes: background <- model class 0, nucleus: new; dropped: model class 1"),
                byName.out());
        assertEquals(List.of("background", "nucleus"), TrainedModel.load(renamed).labels().classNames());

        Path added = dir.resolve("map.zip");
        CommandLineRun.Result byIndex = train(added, "--init", base.toString(), "--epochs", "1", "--iterations", "1",
                "--class-map", "0=0,1=1,2=new", "--ignore-label", "255");
        assertEquals(0, byIndex.exitCode(), byIndex.out() + byIndex.err());
        TrainedModel m = TrainedModel.load(added);
        assertEquals(List.of("background", "class 1", "class 2"), m.labels().classNames());
        assertEquals(3, m.plan().targets().numClasses());
        assertEquals(255, m.labels().ignoreValue());
        assertEquals(3, m.weights().get("decoder.0.head.bias").data().length);
    }

    @Test
    void badMappingGivesOneLineReasonAndNoModel() {
        Path model = dir.resolve("bad.zip");
        CommandLineRun.Result r = train(model, "--init", base.toString(), "--class-map", "0=0,1=5");
        assertTrue(r.exitCode() != 0);
        assertEquals("maskseg: class mapping: class 1 refers to class 5 of the initial model, which has classes 0..1 "
                + "(background, class 1)", r.err().strip());
        assertFalse(Files.exists(model));

        CommandLineRun.Result noInit = train(model, "--class-map", "0=0,1=1");
        assertTrue(noInit.exitCode() != 0);
        assertTrue(noInit.err().startsWith("maskseg: --class-map relates the label classes to those of an initial "
                + "model"), noInit.err());
        assertEquals(1, noInit.err().strip().lines().count(), noInit.err());

        // without --init, --classes names a new model's classes, one name per class of the labels
        CommandLineRun.Result names = train(model, "--classes", "background,nucleus,mitosis");
        assertTrue(names.exitCode() != 0);
        assertEquals("maskseg: 3 class names given (background, nucleus, mitosis), but the labels have 2 classes "
                + "(values 0..1), background first", names.err().strip());

        CommandLineRun.Result both = train(model, "--init", base.toString(), "--classes", "background,x",
                "--class-map", "0=0,1=1");
        assertTrue(both.err().startsWith("maskseg: give the classes either by name (--classes) or by index"),
                both.err());

        CommandLineRun.Result negative = train(model, "--init", base.toString(), "--freeze-encoder-epochs", "-2");
        assertTrue(negative.err().startsWith("maskseg: encoder freeze must be 0 or more epochs, got -2"),
                negative.err());
        CommandLineRun.Result rate = train(model, "--init", base.toString(), "--learning-rate", "0");
        assertTrue(rate.err().startsWith("maskseg: learning rate must be a positive number, got 0.0"), rate.err());
        assertFalse(Files.exists(model));
    }
}
