package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.plan.NetworkTopology;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.Planner;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.predict.ModelPredictor;
import org.maskseg.core.predict.Prediction;
import org.maskseg.core.predict.PredictionSettings;

/**
 * A tiny cascade trained end to end on synthetic 48³ volumes (a bright ball, labels with an unannotated slab): a
 * memory budget for 16³ patches makes the planner add a low-resolution stage; both stages train a few steps, and the
 * model file with both stages predicts as the model in memory does.
 */
class CascadeTrainingTest {

    private static final int EDGE = 48;
    private static final int IGNORE = 7;

    @TempDir
    Path tmp;

    /** A ball of random centre and radius in noise; labels: ball 1, rest 0, the slab z < 6 unannotated. */
    static void ball(int i, List<ImageVolume> images, List<LabelVolume> labels) {
        SplittableRandom rng = new SplittableRandom(100 + i);
        int n = EDGE * EDGE * EDGE;
        float[] img = new float[n];
        int[] lab = new int[n];
        double r = 8 + rng.nextDouble() * 6;
        double cx = 16 + rng.nextDouble() * 16, cy = 16 + rng.nextDouble() * 16, cz = 16 + rng.nextDouble() * 16;
        for (int z = 0; z < EDGE; z++) {
            for (int y = 0; y < EDGE; y++) {
                for (int x = 0; x < EDGE; x++) {
                    int v = (z * EDGE + y) * EDGE + x;
                    boolean in = (x - cx) * (x - cx) + (y - cy) * (y - cy) + (z - cz) * (z - cz) < r * r;
                    img[v] = (in ? 1f : 0f) + (float) (0.3 * rng.nextGaussian());
                    lab[v] = z < 6 ? IGNORE : in ? 1 : 0;
                }
            }
        }
        long[] size = {EDGE, EDGE, EDGE};
        double[] spacing = {1, 1, 1};
        images.add(ImageVolume.wrap("ball" + i, img, size, 1, spacing));
        labels.add(LabelVolume.wrap("ball" + i, lab, size, spacing));
    }

    /** Room for two 16³ patches of one channel and two classes, so that the planned patches are 16³. */
    static PlannerOptions budgetFor16() {
        NetworkTopology t = NetworkTopology.of(new double[] {1, 1, 1}, new int[] {16, 16, 16}, Planner.MAX_POOLS_3D);
        double gib = 2 * Planner.patchBytes(t, Planner.MAX_FEATURES_3D, 1, 2) / (1024.0 * 1024 * 1024) * (1 + 1e-9);
        return PlannerOptions.defaults().withMemoryBudgetGiB(gib)
                .withOverrides("{\"network\": {\"features\": [8, 16, 32]}, "
                        + "\"previousStage\": {\"network\": {\"features\": [8, 16, 32]}}}");
    }

    @Test
    void bothStagesTrainAndTheModelFileHoldsAndPredictsThem() throws Exception {
        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> labels = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ball(i, images, labels);
        }
        Path work = tmp.resolve("work");
        TrainingSettings settings = TrainingSettings.builder().device("cpu").seed(1).loaderThreads(1).threads(1)
                .epochs(2).iterationsPerEpoch(2).validationIterations(1).configuration(Planner.CASCADE)
                .workFolder(work).build();
        List<String> messages = new ArrayList<>();
        TrainingResult r = TrainingJob.run(TrainingRequest.volumes(images, labels).ignoreValue(IGNORE)
                .planner(budgetFor16()).settings(settings).build(), new TrainingListener() {
                    @Override
                    public void message(String text) {
                        messages.add(text);
                    }
                }, null);

        TrainedModel model = r.finalModel();
        Plan plan = model.plan();
        assertTrue(plan.isCascade());
        assertArrayEquals(new int[] {16, 16, 16}, plan.patchSize);
        assertEquals(2, plan.inputChannels, "image plus the one foreground class");
        assertEquals(1, model.inputChannels(), "images have one channel");
        assertNotNull(model.previousStage());
        Plan low = model.previousStage().plan();
        // 16³ of 48³ is 1/27 < 1/4: k steps with 16³ · 1.03^(3k) ≥ 48³ / 4, i.e. 1.03^(3k) ≥ 6.75: k = 22
        for (double s : low.targetSpacing) {
            assertEquals(Math.pow(1.03, 22), s, 1e-9);
        }
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("cascade stage 1 of 2")), messages.toString());
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("cascade stage 2 of 2")), messages.toString());
        assertTrue(Files.isDirectory(work.resolve(TrainingJob.LOWRES_FOLDER)));
        assertTrue(Files.isDirectory(work.resolve(TrainingJob.CASCADE_FOLDER)));
        assertNotNull(r.finalValidation(), "the held-out case was predicted through both stages");

        Path file = tmp.resolve("cascade.zip");
        model.save(file);
        assertTrue(TrainedModel.describeFile(file).contains("\"formatVersion\" : 2"), "older readers refuse it");
        TrainedModel back = TrainedModel.load(file);
        assertTrue(back.sameWeightsAs(model));
        assertTrue(back.previousStage().sameWeightsAs(model.previousStage()));

        ImageVolume image = images.get(3);
        try (ModelPredictor a = ModelPredictor.open(model, TorchRuntime.device("cpu"), PredictionSettings.DEFAULTS);
                ModelPredictor b = ModelPredictor.open(back, TorchRuntime.device("cpu"), PredictionSettings.DEFAULTS)) {
            Prediction pa = a.predict(image, Prediction.Outputs.LABELS_ONLY, null);
            Prediction pb = b.predict(image, Prediction.Outputs.LABELS_ONLY, null);
            assertArrayEquals(pa.labels().data(), pb.labels().data());
            assertArrayEquals(image.spatialSize(), pa.labels().size());
            for (int v : pa.labels().data()) {
                assertTrue(v == 0 || v == 1, "a class, never the ignore value: " + v);
            }
        }

        // the second stage's own best model lacks the first stage: prediction refuses it with a clear message
        TrainedModel best = TrainedModel.load(work.resolve(TrainingJob.CASCADE_FOLDER).resolve(Trainer.BEST_MODEL));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ModelPredictor.open(best, TorchRuntime.device("cpu"), PredictionSettings.DEFAULTS));
        assertTrue(e.getMessage().contains("without its low-resolution stage"), e.getMessage());
    }

    @Test
    void withFoldsEachCaseEntersTheSecondStageAsAFoldThatHeldItOutSegmentedIt() throws Exception {
        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> labels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ball(i, images, labels);
        }
        Path work = tmp.resolve("work");
        TrainingSettings settings = TrainingSettings.builder().device("cpu").seed(1).loaderThreads(1).threads(1)
                .epochs(1).iterationsPerEpoch(1).validationIterations(1).configuration(Planner.CASCADE)
                .workFolder(work).build();
        List<String> phases = new ArrayList<>();
        TrainingResult r = TrainingJob.run(TrainingRequest.volumes(images, labels).ignoreValue(IGNORE)
                .planner(budgetFor16()).crossValidation(CrossValidation.all(3)).settings(settings).build(),
                new TrainingListener() {
                    @Override
                    public void phase(String text) {
                        phases.add(text);
                    }
                }, null);
        // every fold of the first stage segmented exactly the one case it held out
        for (int k = 0; k < 3; k++) {
            assertTrue(phases.contains("segmenting the 1 case(s) fold " + k + " held out"), phases.toString());
        }
        assertTrue(phases.stream().noneMatch(p -> p.contains("no fold held out")), phases.toString());
        TrainedModel model = r.finalModel();
        assertEquals(List.of(0, 1, 2), model.folds());
        assertEquals(List.of(0, 1, 2), model.previousStage().folds());
        assertEquals(3, r.folds().size());
        assertNotNull(r.finalValidation());
        assertEquals(3, r.finalValidation().cases().size(), "pooled over the folds");
        for (int k = 0; k < 3; k++) {
            assertTrue(Files.isDirectory(work.resolve(TrainingJob.LOWRES_FOLDER).resolve("fold_" + k)));
            assertTrue(Files.isDirectory(work.resolve(TrainingJob.CASCADE_FOLDER).resolve("fold_" + k)
                    .resolve("validation")));
        }
        Path file = tmp.resolve("folds.zip");
        model.save(file);
        TrainedModel back = TrainedModel.load(file);
        assertTrue(back.sameWeightsAs(model));
        assertEquals(3, back.previousStage().members().size());
        try (ModelPredictor p = ModelPredictor.open(back, TorchRuntime.device("cpu"), PredictionSettings.DEFAULTS)) {
            assertArrayEquals(images.get(0).spatialSize(),
                    p.predict(images.get(0), Prediction.Outputs.LABELS_ONLY, null).labels().size());
        }
    }

    @Test
    void aSingleFoldAndSmallDataAreRefusedClearly() {
        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> labels = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ball(i, images, labels);
        }
        TrainingSettings settings = TrainingSettings.builder().device("cpu").seed(1).loaderThreads(1).threads(1)
                .epochs(1).iterationsPerEpoch(1).validationIterations(1).configuration(Planner.CASCADE).build();
        InvalidInputException folds = assertThrows(InvalidInputException.class, () -> TrainingJob.run(
                TrainingRequest.volumes(images, labels).ignoreValue(IGNORE).planner(budgetFor16())
                        .crossValidation(new CrossValidation(3, 1, null)).settings(settings).build(), null, null));
        assertTrue(folds.getMessage().contains("all folds in one job"), folds.getMessage());
        // with the default budget the whole 48³ image fits one patch: no low-resolution stage
        InvalidInputException small = assertThrows(InvalidInputException.class, () -> TrainingJob.run(
                TrainingRequest.volumes(images, labels).ignoreValue(IGNORE).settings(settings).build(), null, null));
        assertTrue(small.getMessage().contains("no low-resolution stage"), small.getMessage());
    }
}
