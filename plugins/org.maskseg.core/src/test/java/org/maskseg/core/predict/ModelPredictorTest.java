package org.maskseg.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.model.TrainingMetadata;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.postprocess.Postprocessing;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

class ModelPredictorTest {

    private static Plan plan2d(int[] patch, double[] spacing) {
        return Plan.builder()
                .configuration("2d")
                .patchSize(patch)
                .targetSpacing(spacing)
                .targets(Targets.classes(new LabelSpec(2, 2, null)))
                .build();
    }

    private static ImageVolume image(long[] size, double[] spacing, long seed) {
        ImageVolume img = ImageVolume.create("case_7", size, 1, spacing);
        Random r = new Random(seed);
        float[] d = img.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (50 + 10 * r.nextGaussian());
        }
        return img;
    }

    @Test
    void labelsComeFromZScoredIntensitiesOnTheOriginalGrid() {
        // logits (z, 2z + 1) of the z-scored intensity: class 1 wherever z > -1
        ImageVolume img = image(new long[] {70, 50}, new double[] {1, 1}, 1);
        try (FakeNetwork net = FakeNetwork.pointwise(2, 1, 2);
                ModelPredictor p = new ModelPredictor(net, plan2d(new int[] {32, 32}, new double[] {1, 1}),
                        PredictionSettings.DEFAULTS)) {
            Prediction result = p.predict(img, Prediction.Outputs.ALL, null);
            float[] d = img.data();
            double mean = 0;
            for (float v : d) {
                mean += v;
            }
            mean /= d.length;
            double var = 0;
            for (float v : d) {
                var += (v - mean) * (v - mean);
            }
            double std = Math.sqrt(var / d.length);
            int[] labels = result.labels().data();
            int checked = 0;
            for (int i = 0; i < d.length; i++) {
                double z = (d[i] - mean) / std;
                if (Math.abs(z + 1) > 1e-3) {
                    assertEquals(z > -1 ? 1 : 0, labels[i], "voxel " + i);
                    checked++;
                }
                // softmax of (z, 2z + 1): p1 = 1 / (1 + exp(-(z + 1)))
                assertEquals(1 / (1 + Math.exp(-(z + 1))), result.probabilities().data()[d.length + i], 1e-4);
            }
            assertTrue(checked > d.length - 10);
            assertEquals("case_7", result.labels().name());
            assertEquals(1, result.uncertainty().channels());
        }
    }

    @Test
    void predictionIsResampledBackToTheImageGridAndSpacing() {
        // image at spacing (0.5, 2), plan at (1, 1): the network sees 35 x 100, the result is 70 x 50 again
        ImageVolume img = image(new long[] {70, 50}, new double[] {0.5, 2}, 2);
        try (FakeNetwork net = FakeNetwork.constant(2, 1, 0.5f, -0.5f);
                ModelPredictor p = new ModelPredictor(net, plan2d(new int[] {32, 32}, new double[] {1, 1}),
                        PredictionSettings.DEFAULTS)) {
            Prediction result = p.predict(img, Prediction.Outputs.ALL, null);
            assertArrayEquals(new long[] {70, 50}, result.labels().size());
            assertArrayEquals(new double[] {0.5, 2}, result.labels().spacing());
            assertArrayEquals(new long[] {70, 50}, result.probabilities().spatialSize());
            assertArrayEquals(new double[] {0.5, 2}, result.probabilities().spacing());
            for (int v : result.labels().data()) {
                assertEquals(0, v);
            }
            double p0 = 1 / (1 + Math.exp(-1));
            for (int i = 0; i < 3500; i++) {
                assertEquals(p0, result.probabilities().data()[i], 1e-6);
            }
            assertTrue(net.inputShapes.stream().allMatch(s -> s.get(2) == 32 && s.get(3) == 32));
        }
    }

    @Test
    void twoDimensionalPlanSegmentsAVolumeSliceBySliceOnItsOwnGrid() {
        // 2D plan at spacing (1, 1) on a volume of spacing (0.5, 1, 3): x is halved for the network, z untouched
        ImageVolume vol = image(new long[] {60, 30, 4}, new double[] {0.5, 1, 3}, 5);
        try (FakeNetwork net = FakeNetwork.constant(2, 1, -1f, 1f);
                ModelPredictor p = new ModelPredictor(net, plan2d(new int[] {32, 32}, new double[] {1, 1}),
                        PredictionSettings.DEFAULTS)) {
            Prediction result = p.predict(vol, Prediction.Outputs.ALL, null);
            assertArrayEquals(new long[] {60, 30, 4}, result.labels().size());
            assertArrayEquals(new double[] {0.5, 1, 3}, result.labels().spacing());
            for (int v : result.labels().data()) {
                assertEquals(1, v);
            }
            assertTrue(net.inputShapes.stream().allMatch(s -> s.dimension() == 4));
            // every forward pass saw windows of one slice: 4 slices x 1 window each (30 x 30 padded to 32 x 32)
            assertEquals(4, net.inputShapes.stream().mapToLong(s -> s.get(0)).sum(), net.inputShapes.toString());
        }
    }

    @Test
    void imagesThatDoNotFitTheModelAreRefused() {
        try (FakeNetwork net = FakeNetwork.pointwise(2, 1, 2);
                ModelPredictor p = new ModelPredictor(net, plan2d(new int[] {32, 32}, new double[] {1, 1}),
                        PredictionSettings.DEFAULTS)) {
            ImageVolume twoChannels = ImageVolume.create("rgb", new long[] {40, 40}, 2, new double[] {1, 1});
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> p.predict(twoChannels, Prediction.Outputs.LABELS_ONLY, null));
            assertTrue(e.getMessage().contains("rgb"), e.getMessage());
            ImageVolume nan = image(new long[] {40, 40}, new double[] {1, 1}, 3);
            nan.data()[5] = Float.NaN;
            assertThrows(InvalidInputException.class, () -> p.predict(nan, Prediction.Outputs.LABELS_ONLY, null));
        }
    }

    /** A small U-Net plan: 32 x 32 patch, 3 stages of 8, 16, 32 features. */
    static Plan smallUNetPlan() {
        return plan2d(new int[] {32, 32}, new double[] {1, 1}).toBuilder()
                .network(n -> n.numStages(3)
                        .features(8, 16, 32)
                        .strides(new int[][] {{1, 1}, {2, 2}, {2, 2}})
                        .kernelSizes(new int[][] {{3, 3}, {3, 3}, {3, 3}}))
                .build();
    }

    static TrainingMetadata metadata() {
        return new TrainingMetadata(1, 1, 1, new double[] {0.5}, 0.5, 0.5, 0, "last", "completed", 7L, 1, "2026-01-01T00:00:00Z",
                "cpu()", 1, 0, null);
    }

    @Test
    void openBuildsTheModelsNetworkWithItsWeights() {
        Plan plan = smallUNetPlan();
        LabelSpec labels = LabelSpec.withDefaultIgnore(2);
        ImageVolume img = image(new long[] {45, 40}, new double[] {1, 1}, 4);
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            PlainConvUNet source = PlainConvUNet.fromPlan(m, plan, 7);
            TrainedModel model = TrainedModel.of(plan, metadata(), source);
            float[] expected;
            try (ModelPredictor direct = new ModelPredictor(source, plan, PredictionSettings.DEFAULTS)) {
                expected = direct.predict(img, Prediction.Outputs.ALL, null).probabilities().data();
            }
            try (ModelPredictor opened = ModelPredictor.open(model, Device.cpu(), PredictionSettings.DEFAULTS)) {
                float[] actual = opened.predict(img, Prediction.Outputs.ALL, null).probabilities().data();
                assertArrayEquals(expected, actual, 1e-5f);
            }
        }
    }

    @Test
    void theModelsPostprocessingIsAppliedToTheLabelsAndSavedWithIt(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws java.io.IOException {
        Plan plan = smallUNetPlan();
        ImageVolume img = image(new long[] {45, 40}, new double[] {1, 1}, 4);
        Postprocessing largest = new Postprocessing(true, List.of());
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            PlainConvUNet source = PlainConvUNet.fromPlan(m, plan, 7);
            TrainedModel plain = TrainedModel.of(plan, metadata(), source);
            java.nio.file.Path file = dir.resolve("pp.zip");
            plain.withPostprocessing(largest).save(file);
            TrainedModel model = TrainedModel.load(file);
            assertEquals(largest, model.postprocessing());
            assertTrue(TrainedModel.describeFile(file).contains("\"formatVersion\" : 2"), "older readers refuse it");
            Prediction without;
            try (ModelPredictor p = ModelPredictor.open(plain, Device.cpu(), PredictionSettings.DEFAULTS)) {
                without = p.predict(img, Prediction.Outputs.ALL, null);
            }
            try (ModelPredictor p = ModelPredictor.open(model, Device.cpu(), PredictionSettings.DEFAULTS)) {
                Prediction with = p.predict(img, Prediction.Outputs.ALL, null);
                assertArrayEquals(largest.apply(without.labels()).data(), with.labels().data());
                assertArrayEquals(without.probabilities().data(), with.probabilities().data(), 1e-6f,
                        "probabilities are not postprocessed");
            }
        }
    }
}
