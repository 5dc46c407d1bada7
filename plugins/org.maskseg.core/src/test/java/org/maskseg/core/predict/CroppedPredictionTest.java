package org.maskseg.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
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
 * A model whose plan cuts images to their non-zero box (as imported nnU-Net models do) predicts the box as if it
 * were the whole image, and background outside it.
 */
class CroppedPredictionTest {

    private static final long[] SIZE = {40, 36};
    /** the non-zero box: x 5..34, y 3..35 */
    private static final int X0 = 5;
    private static final int X1 = 34;
    private static final int Y0 = 3;

    private static TrainedModel model(boolean crop) {
        Plan p = new Plan();
        p.configuration = "2d";
        p.targets = Targets.classes(LabelSpec.withDefaultIgnore(3));
        p.patchSize = new int[] {16, 16};
        p.targetSpacing = new double[] {1, 1};
        p.network.numStages = 2;
        p.network.features = new int[] {4, 8};
        p.network.strides = new int[][] {{1, 1}, {2, 2}};
        p.network.kernelSizes = new int[][] {{3, 3}, {3, 3}};
        p.normalization.schemes = new ArrayList<>(List.of("zscore"));
        p.cropToNonZero = crop;
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            PlainConvUNet net = PlainConvUNet.fromPlan(m, p, 7);
            TrainingMetadata meta = new TrainingMetadata(0, 0, 0, null, 0, 0, 0, "last", "test", 7, 0,
                    "2026-01-01T00:00:00Z", "cpu()", 0, 0, null);
            return TrainedModel.of(p, meta, net);
        }
    }

    @Test
    void boxIsPredictedAloneAndOutsideIsBackground() {
        Random r = new Random(3);
        float[] full = new float[(int) (SIZE[0] * SIZE[1])];
        float[] box = new float[(X1 - X0 + 1) * (int) (SIZE[1] - Y0)];
        int k = 0;
        for (int y = Y0; y < SIZE[1]; y++) {
            for (int x = X0; x <= X1; x++) {
                float v = (float) (50 + 20 * r.nextGaussian());
                full[x + (int) SIZE[0] * y] = v;
                box[k++] = v;
            }
        }
        ImageVolume image = ImageVolume.wrap("case", full, SIZE, 1, new double[] {1, 1});
        ImageVolume cut = ImageVolume.wrap("case", box, new long[] {X1 - X0 + 1, SIZE[1] - Y0}, 1,
                new double[] {1, 1});
        TrainedModel cropping = model(true);
        Prediction whole;
        Prediction alone;
        try (ModelPredictor p = ModelPredictor.open(cropping, Device.cpu(), PredictionSettings.DEFAULTS)) {
            whole = p.predict(image, Prediction.Outputs.ALL, null);
            alone = p.predict(cut, Prediction.Outputs.ALL, null);
        }
        assertArrayEquals(SIZE, whole.labels().size());
        int[] labels = whole.labels().data();
        float[] prob = whole.probabilities().data();
        float[] unc = whole.uncertainty().data();
        int voxels = full.length;
        int j = 0;
        boolean foreground = false;
        for (int y = 0; y < SIZE[1]; y++) {
            for (int x = 0; x < SIZE[0]; x++) {
                int i = x + (int) SIZE[0] * y;
                if (x >= X0 && x <= X1 && y >= Y0) {
                    assertEquals(alone.labels().data()[j], labels[i]);
                    assertEquals(alone.probabilities().data()[j], prob[i], 0f);
                    assertEquals(alone.probabilities().data()[j + box.length], prob[i + voxels], 0f);
                    foreground |= labels[i] != 0;
                    j++;
                } else {
                    assertEquals(0, labels[i]);
                    assertEquals(1f, prob[i], 0f);
                    assertEquals(0f, prob[i + voxels], 0f);
                    assertEquals(0f, prob[i + 2 * voxels], 0f);
                    assertEquals(0f, unc[i], 0f);
                }
            }
        }
        // the untrained network does not call everything background, so the comparison inside means something
        assertEquals(true, foreground);
        // the probabilities an ensemble of configurations averages are those of the prediction, crop pasted back
        try (ModelPredictor p = ModelPredictor.open(cropping, Device.cpu(), PredictionSettings.DEFAULTS)) {
            assertArrayEquals(prob, p.probabilities(image, null).data());
        }

        // without the crop, the zero border enters the statistics and the prediction differs
        try (ModelPredictor p = ModelPredictor.open(model(false), Device.cpu(), PredictionSettings.DEFAULTS)) {
            float[] own = p.predict(image, Prediction.Outputs.ALL, null).probabilities().data();
            int x = 20;
            int y = 20;
            int i = x + (int) SIZE[0] * y;
            assertEquals(true, Math.abs(own[i] - prob[i]) > 1e-4);
        }
    }
}
