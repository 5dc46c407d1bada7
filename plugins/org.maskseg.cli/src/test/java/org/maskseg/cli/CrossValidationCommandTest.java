package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.maskseg.cli.CommandLineRun.nuclei;
import static org.maskseg.cli.CommandLineRun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.cli.CommandLineRun.Result;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.train.CrossValidation;
import org.maskseg.core.train.ValidationSplit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class CrossValidationCommandTest {

    @TempDir
    Path dir;

    private static final String[] QUICK = {"--epochs", "1", "--iterations", "1", "--validation-iterations", "1",
        "--patch", "64,64", "--batch-size", "2", "--device", "cpu", "--threads", "1", "--plan-overrides",
        "{\"network\":{\"features\":[4,8,16,16,16]}}"};

    private Path[] dataset(int n) throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path labels = Files.createDirectories(dir.resolve("labels"));
        try (Stream<Path> files = Files.list(nuclei().resolve("images"))) {
            for (Path f : files.sorted().limit(n).toList()) {
                Files.copy(f, images.resolve(f.getFileName()));
                Files.copy(nuclei().resolve("labels").resolve(f.getFileName()), labels.resolve(f.getFileName()));
            }
        }
        return new Path[] {images, labels};
    }

    private static String[] args(String[] head, String... more) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(List.of(QUICK));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString().replaceFirst("\\.png$", "")).sorted().toList();
        }
    }

    @Test
    void plainTrainingValidatesAtTheEndAndSplitsFilesDefineFolds() throws IOException {
        Path[] data = dataset(3);
        List<String> cases = names(data[0]);
        Path plain = dir.resolve("plain.zip");
        Result r = run(args(new String[] {"train", "--images", data[0].toString(), "--labels", data[1].toString(),
            "--out", plain.toString(), "--validation", "0.34"}));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        JsonNode v = new ObjectMapper().readTree(dir.resolve("plain.validation.json").toFile());
        assertEquals(1, v.get("cases").size());
        assertTrue(Files.exists(dir.resolve("plain-training/validation/summary.json")));
        assertTrue(r.out().contains("final validation scores written to"), r.out());

        // a splits file: fold 0 validates the first case, fold 1 the last two
        Path splits = dir.resolve("my_splits.json");
        Files.writeString(splits, "[{\"train\": [\"" + cases.get(1) + "\", \"" + cases.get(2) + "\"], \"val\": [\""
                + cases.get(0) + "\"]}, {\"train\": [\"" + cases.get(0) + "\"], \"val\": [\"" + cases.get(1)
                + "\", \"" + cases.get(2) + "\"]}]");
        Path model = dir.resolve("split.zip");
        Result s = run(args(new String[] {"train", "--images", data[0].toString(), "--labels", data[1].toString(),
            "--out", model.toString(), "--splits", splits.toString(), "--fold", "1"}));
        assertEquals(0, s.exitCode(), s.out() + s.err());
        assertEquals(List.of(1), TrainedModel.load(model).folds());
        try (Stream<Path> kept = Files.list(dir.resolve("split-training/fold_1/validation"))) {
            assertEquals(5, kept.count(), "two predicted cases, their probabilities and the summary");
        }
        Files.writeString(splits, "[{\"train\": [\"" + cases.get(0) + "\"], \"val\": [\"nope\"]}]");
        Result bad = run(args(new String[] {"train", "--images", data[0].toString(), "--labels", data[1].toString(),
            "--out", dir.resolve("bad.zip").toString(), "--splits", splits.toString()}));
        assertEquals(1, bad.exitCode());
        assertEquals("maskseg: splits file '" + splits + "', fold 0, key 'val': case 'nope' is not among the training "
                + "cases", bad.err().strip());
        assertFalse(Files.exists(dir.resolve("bad.zip")));
    }

    @Test
    void allFoldsInOneModelPerFoldJobsEnsembledAndScoredPerFold() throws IOException {
        Path[] data = dataset(4);
        Path model = dir.resolve("cv.zip");
        Result r = run(args(new String[] {"train", "--images", data[0].toString(), "--labels", data[1].toString(),
            "--out", model.toString(), "--folds", "2"}));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        TrainedModel m = TrainedModel.load(model);
        assertEquals(List.of(0, 1), m.folds());
        Path work = dir.resolve("cv-training");
        List<ValidationSplit> splits = CrossValidation.kFold(names(data[0]), 2);
        assertEquals(splits, CrossValidation.readSplits(work.resolve("splits_final.json"), names(data[0])));
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("cv.validation.json").toFile());
        assertEquals(2, summary.at("/folds/0/cases").size());
        assertEquals(4, summary.at("/pooled/cases").size());

        // evaluate on the work folder: per fold and pooled, the same as training's summary
        Path json = dir.resolve("eval.json");
        Result e = run("evaluate", "--reference", data[1].toString(), "--prediction", work.toString(), "--model",
                model.toString(), "--json", json.toString());
        assertEquals(0, e.exitCode(), e.out() + e.err());
        assertTrue(e.out().contains("fold 0: 2 case(s)"), e.out());
        assertTrue(e.out().contains("4 case(s) in 2 fold(s)"), e.out());
        JsonNode ev = new ObjectMapper().readTree(json.toFile());
        assertEquals(summary.at("/pooled/mean_dice").asDouble(), ev.at("/pooled/mean_dice").asDouble(), 1e-12);
        assertEquals(summary.at("/folds/1/mean_dice").asDouble(), ev.at("/folds/1/mean_dice").asDouble(), 1e-12);

        // one fold per job, then the files ensembled: the same prediction as the model holding both folds
        List<String> files = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            Path f = dir.resolve("fold" + k + ".zip");
            Result one = run(args(new String[] {"train", "--images", data[0].toString(), "--labels",
                data[1].toString(), "--out", f.toString(), "--fold", Integer.toString(k), "--num-folds", "2",
                "--no-final-validation"}));
            assertEquals(0, one.exitCode(), one.out() + one.err());
            assertEquals(List.of(k), TrainedModel.load(f).folds());
            assertFalse(Files.exists(dir.resolve("fold" + k + ".validation.json")));
            assertTrue(TrainedModel.load(f).sameWeightsAs(m.members().get(k)));
            files.add(f.toString());
        }
        Path a = dir.resolve("pred-one-file");
        Path b = dir.resolve("pred-two-files");
        assertEquals(0, run("predict", "--model", model.toString(), "--images", data[0].toString(), "--out",
                a.toString(), "--device", "cpu", "--probabilities").exitCode());
        Result two = run("predict", "--model", String.join(",", files), "--images", data[0].toString(), "--out",
                b.toString(), "--device", "cpu", "--probabilities");
        assertEquals(0, two.exitCode(), two.err());
        assertTrue(two.out().contains("an ensemble of 2 networks (folds [0, 1])"), two.out());
        for (String name : names(data[0])) {
            assertArrayEquals(ImageFiles.readLabels(a.resolve(name + ".png")).data(),
                    ImageFiles.readLabels(b.resolve(name + ".png")).data());
            assertArrayEquals(ImageFiles.readImage(a.resolve(name + "_probabilities.tif")).data(),
                    ImageFiles.readImage(b.resolve(name + "_probabilities.tif")).data(), 1e-6f);
        }

        Result bad = run(args(new String[] {"train", "--images", data[0].toString(), "--labels", data[1].toString(),
            "--out", dir.resolve("x.zip").toString(), "--fold", "2", "--num-folds", "2"}));
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("--fold 2 does not exist: folds are numbered 0 to 1"), bad.err());
        Result twice = run("predict", "--model", files.get(0) + "," + files.get(0), "--images", data[0].toString(),
                "--out", dir.resolve("twice").toString(), "--device", "cpu");
        assertEquals(1, twice.exitCode());
        assertTrue(twice.err().contains("fold 0 is given twice"), twice.err());
    }
}
