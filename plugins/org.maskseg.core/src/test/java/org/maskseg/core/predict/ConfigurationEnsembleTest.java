package org.maskseg.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
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

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

/**
 * Models of different plans (a 2D and a 3D configuration on other spacings) ensemble as nnU-Net ensembles
 * configurations: the mean of each configuration's probabilities on the image's own grid.
 */
class ConfigurationEnsembleTest {

    private static Plan plan(boolean threeD, double spacing, int classes) {
        int d = threeD ? 3 : 2;
        Plan p = new Plan();
        p.configuration = threeD ? "3d" : "2d";
        p.inputChannels = 1;
        p.targets = Targets.classes(LabelSpec.withDefaultIgnore(classes));
        p.patchSize = threeD ? new int[] {4, 16, 16} : new int[] {16, 16};
        p.targetSpacing = threeD ? new double[] {1, spacing, spacing} : new double[] {spacing, spacing};
        p.network.numStages = 2;
        p.network.features = new int[] {2, 4};
        p.network.strides = threeD ? new int[][] {{1, 1, 1}, {1, 2, 2}} : new int[][] {{1, 1}, {2, 2}};
        p.network.kernelSizes = threeD ? new int[][] {{1, 3, 3}, {3, 3, 3}} : new int[][] {{3, 3}, {3, 3}};
        p.normalization.schemes = new ArrayList<>(Collections.nCopies(1, "zscore"));
        p.normalization.useMask = new boolean[1];
        p.normalization.clipLow = new double[1];
        p.normalization.clipHigh = new double[1];
        p.normalization.mean = new double[1];
        p.normalization.std = new double[] {1};
        assertEquals(d, p.patchSize.length);
        return p;
    }

    private static TrainedModel model(Plan plan, long seed, int fold) {
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            TrainingMetadata meta = new TrainingMetadata(1, 0, 0, null, 0, 0, 0, "last", "test", seed, 0,
                    "2026-01-01T00:00:00Z", "cpu()", 0, 0, null);
            return TrainedModel.of(plan, meta, PlainConvUNet.fromPlan(m, plan, seed)).withFold(fold);
        }
    }

    @Test
    void configurationsOfDifferentPlansAverageTheirProbabilitiesOnTheImageGrid() {
        Plan twoD = plan(false, 1.5, 3);
        Plan threeD = plan(true, 0.8, 3);
        TrainedModel f0 = model(twoD, 1, 0);
        TrainedModel f1 = model(twoD, 2, 1);
        TrainedModel cube = model(threeD, 3, 0);
        // the folds of one plan form one configuration, the other plan another
        List<TrainedModel> configurations = TrainedModel.configurations(List.of(f0, cube, f1));
        assertEquals(2, configurations.size());
        assertEquals(List.of(0, 1), configurations.get(0).folds());
        assertEquals(1, configurations.get(1).members().size());

        ImageVolume image = ImageVolume.create("case", new long[] {5, 22, 19}, 1, new double[] {1, 1, 1});
        Random r = new Random(4);
        float[] d = image.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (5 + r.nextGaussian());
        }
        // each configuration alone, through the single-configuration path
        float[][] alone = new float[2][];
        for (int c = 0; c < 2; c++) {
            try (ModelPredictor p = ModelPredictor.open(configurations.get(c), Device.cpu(),
                    PredictionSettings.DEFAULTS)) {
                Prediction pr = p.predict(image, Prediction.Outputs.ALL, null);
                assertArrayEquals(image.spatialSize(), pr.probabilities().spatialSize());
                alone[c] = pr.probabilities().data();
            }
        }
        Prediction ens;
        try (Segmenter s = Segmenter.open(List.of(f0, cube, f1), Device.cpu(), PredictionSettings.DEFAULTS)) {
            assertTrue(s instanceof ConfigurationEnsemble);
            ens = s.predict(image, Prediction.Outputs.ALL, null);
        }
        assertArrayEquals(image.spatialSize(), ens.labels().size());
        float[] p = ens.probabilities().data();
        int n = (int) image.voxelsPerChannel();
        double apart = 0;
        for (int v = 0; v < n; v++) {
            int arg = 0;
            double best = -1;
            double second = -1;
            for (int c = 0; c < 3; c++) {
                double mean = (alone[0][c * n + v] + alone[1][c * n + v]) / 2;
                assertEquals(mean, p[c * n + v], 1e-6);
                if (mean > best) {
                    second = best;
                    best = mean;
                    arg = c;
                } else if (mean > second) {
                    second = mean;
                }
            }
            if (best - second > 1e-5) {
                assertEquals(arg, ens.labels().data()[v]);
            }
            double sum = 0;
            for (int c = 0; c < 3; c++) {
                sum += p[c * n + v];
            }
            assertEquals(1.0, sum, 1e-5);
            apart = Math.max(apart, Math.abs(alone[0][v] - alone[1][v]));
        }
        // the configurations really differ, so the mean is not one of them
        assertTrue(apart > 1e-3, "largest difference " + apart);
    }

    @Test
    void theLabelsArePostprocessedOnlyWhereAllConfigurationsAgree() {
        org.maskseg.core.postprocess.Postprocessing largest = new org.maskseg.core.postprocess.Postprocessing(true,
                List.of());
        TrainedModel a = model(plan(false, 1, 3), 1, 0).withPostprocessing(largest);
        TrainedModel b = model(plan(false, 2, 3), 2, 0);
        try (ConfigurationEnsemble e = ConfigurationEnsemble.open(TrainedModel.configurations(List.of(a,
                b.withPostprocessing(largest))), Device.cpu(), PredictionSettings.DEFAULTS)) {
            assertEquals(largest, e.postprocessing());
        }
        try (ConfigurationEnsemble e = ConfigurationEnsemble.open(TrainedModel.configurations(List.of(a, b)),
                Device.cpu(), PredictionSettings.DEFAULTS)) {
            assertTrue(e.postprocessing().isNone());
        }
    }

    @Test
    void configurationsOfOtherClassesAreRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TrainedModel.configurations(
                List.of(model(plan(false, 1, 3), 1, 0), model(plan(true, 1, 2), 2, 0))));
        assertTrue(e.getMessage().startsWith("model 2 of the ensemble predicts 2 classes"), e.getMessage());
    }
}
