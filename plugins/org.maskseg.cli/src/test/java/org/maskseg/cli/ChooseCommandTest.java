package org.maskseg.cli;

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

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.cli.CommandLineRun.Result;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.model.TrainedModel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code maskseg choose} end to end on four sample cases: two configurations of different plans (other spacing and
 * patch), each cross-validated with two folds of one step, compared with their ensemble; then the printed command
 * predicts.
 */
@Tag("slow")
class ChooseCommandTest {

    @TempDir
    Path dir;

    private static final String[] QUICK = {"--epochs", "1", "--iterations", "1", "--validation-iterations", "1",
        "--batch-size", "2", "--device", "cpu", "--threads", "1"};

    private Path[] dataset(int n, String name) throws IOException {
        Path images = Files.createDirectories(dir.resolve(name + "/images"));
        Path labels = Files.createDirectories(dir.resolve(name + "/labels"));
        try (Stream<Path> files = Files.list(nuclei().resolve("images"))) {
            for (Path f : files.sorted().limit(n).toList()) {
                Files.copy(f, images.resolve(f.getFileName()));
                Files.copy(nuclei().resolve("labels").resolve(f.getFileName()), labels.resolve(f.getFileName()));
            }
        }
        return new Path[] {images, labels};
    }

    private Path train(Path[] data, String name, String overrides, String... more) {
        Path model = dir.resolve(name + ".zip");
        List<String> args = new ArrayList<>(List.of("train", "--images", data[0].toString(), "--labels",
                data[1].toString(), "--out", model.toString(), "--plan-overrides", overrides));
        args.addAll(List.of(QUICK));
        args.addAll(List.of(more));
        Result r = run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        return model;
    }

    @Test
    void configurationsAndTheirEnsembleAreComparedAndTheCommandPredicts() throws IOException {
        Path[] data = dataset(4, "data");
        Path fine = train(data, "fine", "{\"network\":{\"features\":[4,8,16,16,16]}}", "--patch", "64,64",
                "--folds", "2");
        Path coarse = train(data, "coarse", "{\"targetSpacing\":[2,2],\"network\":{\"features\":[4,8,16,16]}}",
                "--patch", "32,32", "--folds", "2");
        assertEquals(List.of(2.0, 2.0), java.util.Arrays.stream(TrainedModel.load(coarse).plan().targetSpacing).boxed()
                .toList());
        assertFalse(java.util.Arrays.equals(TrainedModel.load(fine).plan().targetSpacing,
                TrainedModel.load(coarse).plan().targetSpacing));
        // the validation probabilities are kept next to the labels, on the image's grid
        Path kept = dir.resolve("coarse-training/fold_0/validation");
        try (Stream<Path> s = Files.list(kept)) {
            Path prob = s.filter(p -> p.getFileName().toString().endsWith("_probabilities.nii.gz")).findFirst()
                    .orElseThrow();
            String c = prob.getFileName().toString().replace("_probabilities.nii.gz", "");
            LabelVolume labels = ImageFiles.readLabels(kept.resolve(c + ".png"));
            var p = ImageFiles.readImage(prob);
            assertEquals(2, p.channels());
            assertEquals(List.of(labels.size()[0], labels.size()[1]), List.of(p.spatialSize()[0], p.spatialSize()[1]));
        }

        Path choice = dir.resolve("choice.json");
        Result r = run("choose", "--model", fine.toString(), "--model", coarse.toString(), "--labels",
                data[1].toString(), "--out", choice.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertEquals("", r.err());
        JsonNode json = new ObjectMapper().readTree(choice.toFile());
        assertEquals(4, json.get("cases").asInt());
        assertEquals(3, json.get("candidates").size());
        assertEquals(fine + " + " + coarse, json.get("candidates").get(2).get("name").asText());
        double best = -1;
        for (JsonNode c : json.get("candidates")) {
            best = Math.max(best, c.get("mean_dice").isNull() ? -1 : c.get("mean_dice").asDouble());
        }
        assertEquals(best, json.get("best").get("mean_dice").asDouble(), 0);
        // the pooled Dice of a single configuration is the one its training reported
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("fine.validation.json").toFile());
        assertEquals(summary.at("/pooled/mean_dice").asDouble(), json.get("candidates").get(0).get("mean_dice")
                .asDouble(), 1e-9);
        String command = json.get("best").get("predict").asText();
        assertTrue(r.out().contains(command), r.out());

        // the ensemble of the two plans predicts through 'maskseg predict'
        Path test = Files.createDirectories(dir.resolve("test"));
        Path one = Files.list(data[0]).sorted().findFirst().orElseThrow();
        Files.copy(one, test.resolve(one.getFileName()));
        Path out = dir.resolve("predicted");
        Result p = run("predict", "--model", fine + "," + coarse, "--images", test.toString(), "--out",
                out.toString(), "--device", "cpu", "--probabilities");
        assertEquals(0, p.exitCode(), p.out() + p.err());
        assertTrue(p.out().contains("an ensemble of 2 configurations averaged in their probabilities"), p.out());
        LabelVolume predicted = ImageFiles.readLabels(out.resolve(one.getFileName()));
        assertEquals(256, predicted.size()[0]);

        // the printed command runs as it is
        List<String> args = new ArrayList<>(List.of(command.replace("'", "").split(" ")));
        args.remove(0);
        args.replaceAll(a -> a.equals("INPUT_FOLDER") ? test.toString() : a.equals("OUTPUT_FOLDER")
                ? dir.resolve("chosen").toString() : a);
        Result chosen = run(args.toArray(String[]::new));
        assertEquals(0, chosen.exitCode(), chosen.out() + chosen.err());
        assertTrue(Files.exists(dir.resolve("chosen").resolve(one.getFileName())));

        // bad input: one line each, nothing written
        Path[] fewer = dataset(3, "fewer");
        Path other = train(fewer, "other", "{\"network\":{\"features\":[4,8,16,16,16]}}", "--patch", "64,64",
                "--folds", "2");
        Path refused = dir.resolve("refused.json");
        Result cases = run("choose", "--model", fine.toString(), "--model", other.toString(), "--labels",
                data[1].toString(), "--out", refused.toString());
        assertEquals(1, cases.exitCode());
        assertTrue(cases.err().startsWith("maskseg: models '" + fine + "' and '" + other + "' were not "
                + "cross-validated on the same cases"), cases.err());
        assertEquals(1, cases.err().strip().lines().count());
        Path plain = train(data, "plain", "{\"network\":{\"features\":[4,8,16,16,16]}}", "--patch", "64,64",
                "--no-final-validation");
        Result notCv = run("choose", "--model", fine.toString(), "--model", plain.toString(), "--labels",
                data[1].toString(), "--out", refused.toString());
        assertEquals(1, notCv.exitCode());
        assertEquals("maskseg: model '" + plain + "' is not cross-validated (it was trained without --folds or "
                + "--fold); train each configuration with --folds N on the same cases", notCv.err().strip());
        assertFalse(Files.exists(refused));
    }
}
