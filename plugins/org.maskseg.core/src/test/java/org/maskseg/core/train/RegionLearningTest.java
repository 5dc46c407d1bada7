package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.maskseg.core.image.DistanceTransform;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.CaseData;
import org.maskseg.core.io.DatasetCase;
import org.maskseg.core.io.DatasetFolder;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.metrics.CaseMetrics;
import org.maskseg.core.metrics.RegionMetrics;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.plan.DatasetFingerprint;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.Planner;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.predict.ModelPredictor;
import org.maskseg.core.predict.Prediction;
import org.maskseg.core.predict.PredictionSettings;
import org.maskseg.core.preprocess.Preprocessor;
import org.maskseg.core.preprocess.TrainingCase;
import org.maskseg.core.testing.TestData;

import ai.djl.Device;

/**
 * Region-based training learns nested structures from real images: nuclei relabelled as rim (class 1) and
 * eroded core (class 2), trained on the overlapping regions whole = {1, 2} and core = {2} with one sigmoid
 * output each, then predicted on held-out images with the sliding window and scored region by region.
 * Budget: 144 steps of 4 patches of 96x96, one libtorch thread. Held-out Dice (tp, fp, fn pooled over the 8
 * images) measured on CPU with seeds 5, 6 and 7: whole 0.754, 0.706, 0.736; core 0.642, 0.639, 0.643. (A softmax
 * model on the same three classes and budget, seed 5, scored on the same regions: whole 0.801, core 0.710.)
 */
@Tag("learning")
class RegionLearningTest {

    private static final int TRAIN = 16;
    private static final int HELD_OUT = 8;
    private static final int EPOCHS = 12;
    private static final int ITERATIONS = 12;
    /** Nucleus pixels farther than this from the background (in pixels) form the core. */
    private static final double CORE_DEPTH = 3;

    @Test
    void learnsNestedRegionsOfRealNuclei() {
        DatasetFolder folder = DatasetFolder.open(TestData.nuclei().resolve("images"),
                TestData.nuclei().resolve("labels"));
        List<DatasetCase> all = folder.cases();
        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> nested = new ArrayList<>();
        for (DatasetCase c : all.subList(0, TRAIN + HELD_OUT)) {
            CaseData d = c.read();
            images.add(d.image());
            nested.add(rimAndCore(d.labels()));
        }
        LabelSpec spec = new LabelSpec(3, 3, List.of("background", "rim", "core"));
        List<ImageVolume> trainImages = images.subList(0, TRAIN);
        List<LabelVolume> trainLabels = nested.subList(0, TRAIN);
        Plan planned = Planner.plan(DatasetFingerprint.compute(trainImages, trainLabels, spec), spec,
                PlannerOptions.defaults().withRegions("whole=rim,core;core=core"));
        Plan plan = TrainingJob.applySettings(planned, TrainingSettings.builder().patchSize(96, 96).batchSize(4).build());
        for (int i = 0; i < plan.network.features.length; i++) {
            plan.network.features[i] = Math.min(16 << i, 128);
        }
        assertEquals(2, plan.targets.outputChannels());
        List<TrainingCase> cases = new ArrayList<>();
        for (int i = 0; i < TRAIN; i++) {
            cases.add(Preprocessor.preprocessCase(images.get(i), nested.get(i), spec, plan));
        }
        // one libtorch thread: parallel reductions would make the numbers vary from run to run
        TrainingSettings settings = TrainingSettings.builder().device("cpu").seed(5).epochs(EPOCHS)
                .iterationsPerEpoch(ITERATIONS).validationIterations(1).validationFraction(0.1).threads(1).build();
        int threadsBefore = TorchRuntime.cpuThreads();
        TrainingResult result;
        List<CaseMetrics> scores = new ArrayList<>();
        try {
            result = new Trainer(plan, cases, settings).train();
            TrainedModel model = result.finalModel();
            assertEquals(List.of("whole", "core"), model.scoreNames());
            try (ModelPredictor predictor = ModelPredictor.open(model, Device.cpu(), PredictionSettings.DEFAULTS)) {
                for (int i = TRAIN; i < TRAIN + HELD_OUT; i++) {
                    Prediction p = predictor.predict(images.get(i), Prediction.Outputs.ALL, null);
                    checkMaps(p, images.get(i));
                    scores.add(RegionMetrics.evaluate(images.get(i).name(), nested.get(i), p.labels(), 3,
                            model.regions()));
                }
            }
        } finally {
            TorchRuntime.setCpuThreads(threadsBefore);
        }
        RegionMetrics metrics = new RegionMetrics(plan.targets.regions(), 3, scores);
        double whole = pooledDice(scores, 0);
        double core = pooledDice(scores, 1);
        EpochStats last = result.history().get(result.history().size() - 1);
        // a skipped step changes the whole trajectory: say so when the scores are off
        long skipped = result.history().stream().mapToLong(EpochStats::skippedSteps).sum();
        System.out.printf(Locale.ROOT,
                "region-based nuclei (%d training images, %d steps, %d skipped as non-finite): held-out Dice whole "
                        + "%.3f, core %.3f (case means %.3f, %.3f); %.0f ms per step; last epoch: %s%n",
                TRAIN, EPOCHS * ITERATIONS, skipped, whole, core, metrics.regionDice(0), metrics.regionDice(1),
                result.msPerStep(), last);
        assertEquals(2, last.pseudoDice().length, "pseudo-Dice per region");
        assertTrue(whole > 0.65, "whole " + whole);
        assertTrue(core > 0.55, "core " + core);
    }

    /** Labels, probabilities and uncertainty of a region model have the image's grid and valid values. */
    private static void checkMaps(Prediction p, ImageVolume image) {
        assertArrayEquals(image.spatialSize(), p.labels().size());
        for (int v : p.labels().data()) {
            assertTrue(v >= 0 && v <= 2, "label " + v);
        }
        assertEquals(2, p.probabilities().channels());
        for (float v : p.probabilities().data()) {
            assertTrue(v >= 0 && v <= 1, "probability " + v);
        }
        for (float v : p.uncertainty().data()) {
            assertTrue(v >= 0 && v <= 1, "uncertainty " + v);
        }
    }

    /** Dice with tp, fp and fn summed over the cases. */
    private static double pooledDice(List<CaseMetrics> scores, int region) {
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (CaseMetrics m : scores) {
            tp += m.tp()[region];
            fp += m.fp()[region];
            fn += m.fn()[region];
        }
        return 2.0 * tp / (2.0 * tp + fp + fn);
    }

    /** Nucleus pixels (label 1) become rim (1) or, deeper than {@link #CORE_DEPTH} inside, core (2). */
    static LabelVolume rimAndCore(LabelVolume dense) {
        int[] d = dense.data();
        long[] size = dense.size();
        boolean[] background = new boolean[d.length];
        for (int i = 0; i < d.length; i++) {
            background[i] = d[i] == 0;
        }
        int[] intSize = new int[size.length];
        for (int a = 0; a < size.length; a++) {
            intSize[a] = (int) size[a];
        }
        double[] dist = DistanceTransform.squared(background, intSize, new double[] {1, 1});
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[i] == 0 ? 0 : dist[i] > CORE_DEPTH * CORE_DEPTH ? 2 : 1;
        }
        return LabelVolume.wrap(dense.name(), out, size, dense.spacing());
    }

    /** A region model of a tiny 3D volume trains two steps and predicts maps of the volume's shape. */
    @Test
    void threeDimensionalRegionModelTrainsAndPredicts() {
        LabelSpec spec = LabelSpec.withDefaultIgnore(3);
        Random r = new Random(1);
        long[] size = {16, 16, 8};
        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> labels = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            float[] img = new float[16 * 16 * 8];
            int[] lab = new int[img.length];
            for (int z = 0; z < 8; z++) {
                for (int y = 0; y < 16; y++) {
                    for (int x = 0; x < 16; x++) {
                        int i = (z * 16 + y) * 16 + x;
                        double d2 = (x - 8) * (x - 8) + (y - 8) * (y - 8) + 4 * (z - 4) * (z - 4);
                        lab[i] = d2 < 9 ? 2 : d2 < 36 ? 1 : 0;
                        img[i] = lab[i] + (float) r.nextGaussian() * 0.2f;
                    }
                }
            }
            // some unannotated voxels
            for (int i = 0; i < lab.length; i += 7) {
                lab[i] = 3;
            }
            images.add(ImageVolume.wrap("vol" + c, img, size, 1, new double[] {1, 1, 2}));
            labels.add(LabelVolume.wrap("vol" + c, lab, size, new double[] {1, 1, 2}));
        }
        Plan planned = Planner.plan(DatasetFingerprint.compute(images, labels, spec), spec,
                PlannerOptions.defaults().withConfiguration("3d").withRegions("outer=1,2;inner=2"));
        Plan plan = TrainingJob.applySettings(planned,
                TrainingSettings.builder().patchSize(16, 16, 8).batchSize(2).build());
        for (int i = 0; i < plan.network.features.length; i++) {
            plan.network.features[i] = Math.min(4 << i, 16);
        }
        assertEquals("3d", plan.configuration);
        List<TrainingCase> cases = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            cases.add(Preprocessor.preprocessCase(images.get(i), labels.get(i), spec, plan));
        }
        TrainingSettings settings = TrainingSettings.builder().device("cpu").seed(2).epochs(1).iterationsPerEpoch(2)
                .validationIterations(1).validationFraction(0).threads(1).build();
        int threadsBefore = TorchRuntime.cpuThreads();
        try {
            TrainingResult result = new Trainer(plan, cases, settings).train();
            TrainedModel model = result.finalModel();
            assertEquals(2, result.history().get(0).pseudoDice().length);
            assertTrue(Double.isFinite(result.history().get(0).trainLoss()));
            try (ModelPredictor predictor = ModelPredictor.open(model, Device.cpu(), PredictionSettings.DEFAULTS)) {
                Prediction p = predictor.predict(images.get(0), Prediction.Outputs.ALL, null);
                assertArrayEquals(size, p.labels().size());
                for (int v : p.labels().data()) {
                    assertTrue(v >= 0 && v <= 2, "label " + v);
                }
                assertEquals(2, p.probabilities().channels());
                assertArrayEquals(size, p.probabilities().spatialSize());
                for (float v : p.probabilities().data()) {
                    assertTrue(v >= 0 && v <= 1, "probability " + v);
                }
                assertEquals(1, p.uncertainty().channels());
            }
        } finally {
            TorchRuntime.setCpuThreads(threadsBefore);
        }
    }
}
