package org.maskseg.core.choose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.model.TrainingMetadata;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.train.FinalValidation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

/**
 * The choice on hand-made validation outputs of two cases of 2×2 pixels (background, nucleus, ignore value 2),
 * every Dice computed by hand in the comments: Dice = 2tp / (2tp + fp + fn) over the annotated pixels of a case,
 * a class's score the mean over the cases, the candidate's score the mean over the foreground classes.
 */
class ConfigurationChoiceTest {

    private static final LabelSpec SPEC = new LabelSpec(2, 2, List.of("background", "nucleus"));
    private static final Targets TARGETS = Targets.classes(SPEC);
    private static final long[] SIZE = {2, 2};
    private static final double[] SPACING = {1, 1};

    // references; case x's last pixel is unannotated
    private static final int[] REF_X = {1, 1, 0, 2};
    private static final int[] REF_Y = {0, 1, 0, 0};

    // nucleus probabilities of each configuration (background = 1 - p)
    // A: x -> 1 0 0 (1): tp 1 fn 1 -> 2/3 (the ignored pixel, predicted 1, would make it 2/4); y -> 0 1 1 0: tp 1
    // fp 1 -> 2/3; mean 2/3
    private static final float[][] A = {{0.9f, 0.4f, 0.3f, 0.9f}, {0.2f, 0.8f, 0.6f, 0.1f}};
    // B: x -> 1 1 1 (0): tp 2 fp 1 -> 4/5; y -> 0 1 0 0: 1; mean 0.9
    private static final float[][] B = {{0.8f, 0.7f, 0.6f, 0.2f}, {0.1f, 0.9f, 0.2f, 0.3f}};
    // A + B: x mean .85 .55 .45 -> 1 1 0: 1; y mean .15 .85 .40 .20 -> 0 1 0 0: 1; mean 1 (the ensemble wins)
    // C: right everywhere but barely: x -> 1 1 0: 1; y -> 0 1 0 0: 1; mean 1
    private static final float[][] C = {{0.6f, 0.55f, 0.45f, 0.45f}, {0.45f, 0.55f, 0.45f, 0.45f}};
    // A + C: x mean .75 .475 .375 -> 1 0 0: 2/3; y mean .325 .675 .525 -> 0 1 1 0: 2/3; mean 2/3 (C alone wins)

    @TempDir
    Path tmp;

    private Map<String, Path> references() {
        Path refs = tmp.resolve("references");
        Map<String, Path> out = new TreeMap<>();
        out.put("x", write(refs.resolve("x.png"), REF_X));
        out.put("y", write(refs.resolve("y.png"), REF_Y));
        return out;
    }

    private static Path write(Path file, int[] labels) {
        ImageFiles.writeLabels(LabelVolume.wrap("l", labels, SIZE, SPACING), file);
        return file;
    }

    /** A fake work folder of a two-fold cross-validation: case x validated in fold 0, y in fold 1. */
    private Path workFolder(String name, float[][] nucleus, boolean probabilities) {
        Path work = tmp.resolve(name + "-training");
        String[] cases = {"x", "y"};
        for (int k = 0; k < 2; k++) {
            Path folder = work.resolve("fold_" + k).resolve(FinalValidation.FOLDER);
            float[] p = nucleus[k];
            int[] labels = new int[4];
            float[] both = new float[8];
            for (int v = 0; v < 4; v++) {
                labels[v] = p[v] > 0.5f ? 1 : 0;
                both[v] = 1 - p[v];
                both[4 + v] = p[v];
            }
            write(folder.resolve(cases[k] + ".png"), labels);
            if (probabilities) {
                ImageFiles.writeUnitInterval(ImageVolume.wrap(cases[k], both, SIZE, 2, SPACING),
                        FinalValidation.probabilitiesFile(folder, cases[k]));
            }
        }
        return work;
    }

    private CrossValidatedConfiguration configuration(String name, float[][] nucleus, boolean probabilities) {
        Path work = workFolder(name, nucleus, probabilities);
        return CrossValidatedConfiguration.find(name + ".zip", List.of(Path.of(name + ".zip")), foldsModel(2, 0, 1),
                work);
    }

    private static Plan plan(int classes) {
        Plan p = new Plan();
        p.configuration = "2d";
        p.inputChannels = 1;
        p.targets = Targets.classes(classes == 2 ? SPEC : LabelSpec.withDefaultIgnore(classes));
        p.patchSize = new int[] {16, 16};
        p.targetSpacing = new double[] {1, 1};
        p.network.numStages = 2;
        p.network.features = new int[] {2, 4};
        p.network.strides = new int[][] {{1, 1}, {2, 2}};
        p.network.kernelSizes = new int[][] {{3, 3}, {3, 3}};
        p.normalization.schemes = new ArrayList<>(Collections.nCopies(1, "zscore"));
        p.normalization.useMask = new boolean[1];
        p.normalization.clipLow = new double[1];
        p.normalization.clipHigh = new double[1];
        p.normalization.mean = new double[1];
        p.normalization.std = new double[] {1};
        return p;
    }

    /** A model of tiny networks marked with the given folds (its weights play no part in the choice). */
    private static TrainedModel foldsModel(int classes, int... folds) {
        List<TrainedModel> networks = new ArrayList<>();
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            for (int k : folds) {
                TrainingMetadata meta = new TrainingMetadata(1, 0, 0, null, 0, 0, 0, "last", "test", 1, 0,
                        "2026-01-01T00:00:00Z", "cpu()", 0, 0, null);
                TrainedModel single = TrainedModel.of(plan(classes), meta, PlainConvUNet.fromPlan(m, plan(classes), k));
                networks.add(folds.length == 0 ? single : single.withFold(k));
            }
            if (folds.length == 0) {
                TrainingMetadata meta = new TrainingMetadata(1, 0, 0, null, 0, 0, 0, "last", "test", 1, 0,
                        "2026-01-01T00:00:00Z", "cpu()", 0, 0, null);
                return TrainedModel.of(plan(classes), meta, PlainConvUNet.fromPlan(m, plan(classes), 0));
            }
        }
        return TrainedModel.ensemble(networks);
    }

    private ConfigurationChoice.Result choose(CrossValidatedConfiguration... configurations) {
        List<String> notes = new ArrayList<>();
        ConfigurationChoice.Result r = ConfigurationChoice.choose(List.of(configurations), SPEC, references(), null,
                null, notes::add, null);
        return r;
    }

    @Test
    void theEnsembleWinsWhereItsMeanProbabilitiesAreBetter() throws Exception {
        ConfigurationChoice.Result r = choose(configuration("a", A, true), configuration("b", B, true));
        assertEquals(List.of("x", "y"), r.cases());
        assertEquals(List.of("a.zip", "b.zip", "a.zip + b.zip"),
                r.candidates().stream().map(ConfigurationChoice.Candidate::name).toList());
        assertEquals(2.0 / 3, r.candidates().get(0).scores().meanDice(), 1e-12);
        assertEquals(0.9, r.candidates().get(1).scores().meanDice(), 1e-12);
        assertEquals(1.0, r.candidates().get(2).scores().meanDice(), 1e-12);
        assertEquals(2, r.best());
        assertEquals("maskseg predict --model a.zip,b.zip --images in --out out", r.predictCommand("in", "out"));
        JsonNode json = new ObjectMapper().readTree(r.toJson());
        assertEquals("a.zip + b.zip", json.get("best").get("name").asText());
        assertTrue(json.get("best").get("ensemble").asBoolean());
        assertEquals(1.0, json.get("best").get("dice").get("nucleus").asDouble(), 1e-12);
        assertEquals(0.9, json.get("candidates").get(1).get("mean_dice").asDouble(), 1e-12);
        assertEquals(2, json.get("cases").asInt());
    }

    @Test
    void aConfigurationAloneWinsWhereTheEnsembleIsWorse() {
        ConfigurationChoice.Result r = choose(configuration("a", A, true), configuration("c", C, true));
        assertEquals(2.0 / 3, r.candidates().get(0).scores().meanDice(), 1e-12);
        assertEquals(1.0, r.candidates().get(1).scores().meanDice(), 1e-12);
        assertEquals(2.0 / 3, r.candidates().get(2).scores().meanDice(), 1e-12);
        assertEquals(1, r.best());
        assertEquals("c.zip", r.chosen().name());
        assertEquals("maskseg predict --model c.zip --images in --out 'my out'", r.predictCommand("in", "my out"));
    }

    @Test
    void onATieTheSingleConfigurationComesFirst() {
        // B + C: x mean .70 .625 .525 -> 1 1 1: 4/5; y mean .275 .725 .325 -> 0 1 0 0: 1; mean 0.9 = B alone;
        // C alone (1.0) beats both, and A + B (1.0) ties with C, which comes first
        ConfigurationChoice.Result r = choose(configuration("a", A, true), configuration("b", B, true),
                configuration("c", C, true));
        assertEquals(List.of("a.zip", "b.zip", "c.zip", "a.zip + b.zip", "a.zip + c.zip", "b.zip + c.zip"),
                r.candidates().stream().map(ConfigurationChoice.Candidate::name).toList());
        assertEquals(0.9, r.candidates().get(5).scores().meanDice(), 1e-12);
        assertEquals(1.0, r.candidates().get(3).scores().meanDice(), 1e-12);
        assertEquals(2, r.best());
    }

    @Test
    void ensembleLabelsComeFromTheMeanProbabilities() {
        ImageVolume a = ImageVolume.wrap("x", new float[] {0.9f, 0.2f, 0.1f, 0.8f}, new long[] {1, 2}, 2,
                SPACING);
        ImageVolume b = ImageVolume.wrap("x", new float[] {0.3f, 0.6f, 0.7f, 0.4f}, new long[] {1, 2}, 2,
                SPACING);
        // means: background .6 .4, nucleus .4 .6
        LabelVolume l = ConfigurationChoice.ensembleLabels(List.of(a, b), TARGETS);
        assertEquals(List.of(0, 1), java.util.Arrays.stream(l.data()).boxed().toList());
    }

    @Test
    void regionEnsemblesThresholdTheMeanSigmoidAtOneHalf() {
        LabelSpec four = LabelSpec.withDefaultIgnore(4);
        Targets regions = Targets.of(four, org.maskseg.core.labels.RegionSet.parse("whole=1,2;core=2", four), false);
        // two voxels; region channels whole, core
        ImageVolume a = ImageVolume.wrap("x", new float[] {0.9f, 0.3f, 0.7f, 0.1f}, new long[] {1, 2}, 2, SPACING);
        ImageVolume b = ImageVolume.wrap("x", new float[] {0.2f, 0.8f, 0.2f, 0.2f}, new long[] {1, 2}, 2, SPACING);
        // whole: .55 .55 -> both in; core: .45 .15 -> none; export labels whole = 1, core = 2
        LabelVolume l = ConfigurationChoice.ensembleLabels(List.of(a, b), regions);
        assertEquals(List.of(1, 1), java.util.Arrays.stream(l.data()).boxed().toList());
        ImageVolume c = ImageVolume.wrap("x", new float[] {0.9f, 0.3f, 0.9f, 0.1f}, new long[] {1, 2}, 2, SPACING);
        // with c instead of b: whole .9 .3 -> first only; core .8 .1 -> first: 2 overwrites 1
        LabelVolume m = ConfigurationChoice.ensembleLabels(List.of(a, c), regions);
        assertEquals(List.of(2, 0), java.util.Arrays.stream(m.data()).boxed().toList());
    }

    @Test
    void withoutProbabilitiesAConfigurationIsComparedAlone() {
        List<String> notes = new ArrayList<>();
        ConfigurationChoice.Result r = ConfigurationChoice.choose(List.of(configuration("a", A, true),
                configuration("old", B, false)), SPEC, references(), null, null, notes::add, null);
        assertEquals(List.of("a.zip", "old.zip"),
                r.candidates().stream().map(ConfigurationChoice.Candidate::name).toList());
        assertEquals(1, r.best());
        assertEquals(List.of("old.zip"), r.notInEnsembles());
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).contains("'old.zip' kept no validation probabilities"), notes.get(0));
    }

    @Test
    void configurationsOfOtherCasesOrClassesAreRefusedInOneLine() throws Exception {
        CrossValidatedConfiguration a = configuration("a", A, true);
        // validated on x and z instead of x and y
        CrossValidatedConfiguration other = configuration("other", B, true);
        Path moved = tmp.resolve("other-training/fold_1/validation");
        Files.move(moved.resolve("y.png"), moved.resolve("z.png"));
        Files.move(FinalValidation.probabilitiesFile(moved, "y"), FinalValidation.probabilitiesFile(moved, "z"));
        CrossValidatedConfiguration z = CrossValidatedConfiguration.find("other.zip", List.of(Path.of("other.zip")),
                foldsModel(2, 0, 1), tmp.resolve("other-training"));
        InvalidInputException cases = assertThrows(InvalidInputException.class, () -> choose(a, z));
        assertEquals("models 'a.zip' and 'other.zip' were not cross-validated on the same cases (1 validation case(s) "
                + "only in the first, e.g. 'y', 1 only in the second, e.g. 'z'); train every configuration with all "
                + "folds on the same cases", cases.getMessage());
        assertTrue(other.cases().contains("y"));

        CrossValidatedConfiguration three = CrossValidatedConfiguration.find("three.zip",
                List.of(Path.of("three.zip")), foldsModel(3, 0, 1), workFolder("three", B, true));
        InvalidInputException classes = assertThrows(InvalidInputException.class, () -> choose(a, three));
        assertTrue(classes.getMessage().startsWith("model 'three.zip' predicts 3 classes"), classes.getMessage());
        assertTrue(classes.getMessage().contains("only when they predict the same classes"), classes.getMessage());
        assertTrue(!classes.getMessage().contains("\n"));

        InvalidInputException notCv = assertThrows(InvalidInputException.class,
                () -> CrossValidatedConfiguration.find("single.zip", List.of(Path.of("single.zip")),
                        foldsModel(2), workFolder("single", A, true)));
        assertTrue(notCv.getMessage().startsWith("model 'single.zip' is not cross-validated"), notCv.getMessage());

        InvalidInputException one = assertThrows(InvalidInputException.class, () -> choose(a));
        assertTrue(one.getMessage().startsWith("give at least two"), one.getMessage());

        InvalidInputException noValidation = assertThrows(InvalidInputException.class,
                () -> CrossValidatedConfiguration.find("a.zip", List.of(Path.of("a.zip")), foldsModel(2, 0, 1, 2),
                        tmp.resolve("a-training")));
        assertTrue(noValidation.getMessage().startsWith("model 'a.zip': fold 2 has no final validation"),
                noValidation.getMessage());
    }
}
