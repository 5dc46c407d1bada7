package org.maskseg.core.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

class MaskedDiceCeLossTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = TorchRuntime.newManager(Device.cpu());
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /**
     * Independent reference: logits (n, K, vox) and canonical labels (n, vox) in plain doubles, written
     * directly from the definition of the masked CE + soft Dice loss.
     */
    static double reference(double[] logits, int[] labels, int n, int k, int vox, boolean batchDice) {
        double ceSum = 0;
        int annotated = 0;
        double[][] inter = new double[batchDice ? 1 : n][k];
        double[][] pred = new double[batchDice ? 1 : n][k];
        double[][] gt = new double[batchDice ? 1 : n][k];
        for (int b = 0; b < n; b++) {
            for (int v = 0; v < vox; v++) {
                int y = labels[b * vox + v];
                if (y == k) {
                    continue; // ignored voxels contribute nothing
                }
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    max = Math.max(max, logits[(b * k + c) * vox + v]);
                }
                double z = 0;
                for (int c = 0; c < k; c++) {
                    z += Math.exp(logits[(b * k + c) * vox + v] - max);
                }
                ceSum -= logits[(b * k + y) * vox + v] - max - Math.log(z);
                annotated++;
                int row = batchDice ? 0 : b;
                for (int c = 1; c < k; c++) {
                    double p = Math.exp(logits[(b * k + c) * vox + v] - max) / z;
                    double t = y == c ? 1 : 0;
                    inter[row][c] += p * t;
                    pred[row][c] += p;
                    gt[row][c] += t;
                }
            }
        }
        double ce = annotated == 0 ? 0 : ceSum / annotated;
        double dcSum = 0;
        int terms = 0;
        for (int r = 0; r < inter.length; r++) {
            for (int c = 1; c < k; c++) {
                dcSum += (2 * inter[r][c] + 1e-5) / Math.max(gt[r][c] + pred[r][c] + 1e-5, 1e-8);
                terms++;
            }
        }
        return ce - dcSum / terms;
    }

    /** Central-difference gradient of the reference. */
    static double[] referenceGradient(double[] logits, int[] labels, int n, int k, int vox, boolean batchDice) {
        double[] g = new double[logits.length];
        double h = 1e-6;
        for (int i = 0; i < logits.length; i++) {
            double keep = logits[i];
            logits[i] = keep + h;
            double up = reference(logits, labels, n, k, vox, batchDice);
            logits[i] = keep - h;
            double down = reference(logits, labels, n, k, vox, batchDice);
            logits[i] = keep;
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }

    static double[] randomLogits(Random r, int size) {
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = r.nextGaussian() * 2;
        }
        return v;
    }

    /** Labels with some ignore voxels (value k) and every class present somewhere. */
    static int[] randomLabels(Random r, int size, int k, double ignoreShare) {
        int[] y = new int[size];
        for (int i = 0; i < size; i++) {
            y[i] = r.nextDouble() < ignoreShare ? k : r.nextInt(k);
        }
        return y;
    }

    static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** Loss value and logit gradient from the engine. */
    static double[] engineLossAndGradient(double[] logits, int[] labels, Shape logitShape, Shape labelShape, int k,
            boolean batchDice, float[] gradOut) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(toFloat(logits), logitShape);
            x.setRequiresGradient(true);
            NDArray y = m.create(labels, labelShape);
            double value;
            try (GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
                NDArray loss = new MaskedDiceCeLoss(k, batchDice).compute(x, y);
                assertEquals(new Shape(), loss.getShape());
                value = loss.getFloat();
                gc.backward(loss);
            }
            System.arraycopy(x.getGradient().toFloatArray(), 0, gradOut, 0, gradOut.length);
            return new double[] {value};
        }
    }

    private static void check(int n, int k, long[] spatial, boolean batchDice, long seed) {
        Random r = new Random(seed);
        int vox = 1;
        for (long s : spatial) {
            vox *= (int) s;
        }
        double[] logits = randomLogits(r, n * k * vox);
        int[] labels = randomLabels(r, n * vox, k, 0.3);
        long[] ls = new long[2 + spatial.length];
        ls[0] = n;
        ls[1] = k;
        System.arraycopy(spatial, 0, ls, 2, spatial.length);
        long[] ys = new long[1 + spatial.length];
        ys[0] = n;
        System.arraycopy(spatial, 0, ys, 1, spatial.length);
        float[] grad = new float[logits.length];
        double value = engineLossAndGradient(logits, labels, new Shape(ls), new Shape(ys), k, batchDice, grad)[0];
        assertEquals(reference(logits, labels, n, k, vox, batchDice), value, 1e-5);
        double[] expected = referenceGradient(logits, labels, n, k, vox, batchDice);
        double maxAbs = 0;
        for (double e : expected) {
            maxAbs = Math.max(maxAbs, Math.abs(e));
        }
        assertTrue(maxAbs > 1e-4, "non-trivial gradient");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], grad[i], 1e-5 + 1e-3 * Math.abs(expected[i]), "gradient " + i);
        }
        // ignored voxels get no gradient at all
        for (int b = 0; b < n; b++) {
            for (int v = 0; v < vox; v++) {
                if (labels[b * vox + v] == k) {
                    for (int c = 0; c < k; c++) {
                        assertEquals(0f, grad[(b * k + c) * vox + v], 0f);
                    }
                }
            }
        }
    }

    @Test
    void twoClasses2d() {
        check(2, 2, new long[] {5, 6}, false, 1);
        check(2, 2, new long[] {5, 6}, true, 2);
    }

    @Test
    void threeClasses2d() {
        check(3, 3, new long[] {4, 7}, false, 3);
    }

    @Test
    void threeClasses3d() {
        check(2, 3, new long[] {3, 4, 5}, false, 4);
        check(2, 3, new long[] {3, 4, 5}, true, 5);
    }

    @Test
    void twoClasses3d() {
        check(1, 2, new long[] {2, 3, 4}, false, 6);
    }

    @Test
    void batchDiceDiffersFromPerSampleDice() {
        Random r = new Random(11);
        int n = 2, k = 3, vox = 12;
        double[] logits = randomLogits(r, n * k * vox);
        int[] labels = randomLabels(r, n * vox, k, 0.2);
        float[] g = new float[logits.length];
        double perSample = engineLossAndGradient(logits, labels, new Shape(n, k, 3, 4), new Shape(n, 3, 4), k, false,
                g)[0];
        double batch = engineLossAndGradient(logits, labels, new Shape(n, k, 3, 4), new Shape(n, 3, 4), k, true, g)[0];
        assertNotEquals(perSample, batch, 1e-4);
        assertEquals(reference(logits, labels, n, k, vox, false), perSample, 1e-5);
        assertEquals(reference(logits, labels, n, k, vox, true), batch, 1e-5);
    }

    @Test
    void allIgnoredBatchGivesFiniteLossAndNoCrossEntropyGradient() {
        int n = 2, k = 3;
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.randomNormal(new Shape(n, k, 4, 4));
            x.setRequiresGradient(true);
            int[] all = new int[n * 16];
            java.util.Arrays.fill(all, k);
            NDArray y = m.create(all, new Shape(n, 4, 4));
            MaskedDiceCeLoss loss = new MaskedDiceCeLoss(k, false);
            try (GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
                MaskedDiceCeLoss.Terms t = loss.terms(x, y);
                assertEquals(0f, t.crossEntropy().getFloat(), 0f);
                // no annotated voxel: every Dice ratio is smooth/smooth = 1
                assertEquals(1f, t.dice().getFloat(), 1e-6);
                assertEquals(-1f, t.loss().getFloat(), 1e-6);
                gc.backward(t.crossEntropy());
            }
            float[] g = x.getGradient().toFloatArray();
            for (float v : g) {
                assertEquals(0f, v, 0f);
            }
        }
    }

    @Test
    void userIgnoreConventionsGiveIdenticalLoss() {
        Random r = new Random(12);
        int k = 3;
        long[] size = {5, 4}; // x, y
        int vox = 20;
        double[] logits = randomLogits(r, k * vox);
        int[] canonical = randomLabels(r, vox, k, 0.4);
        Float first = null;
        for (int ignore : new int[] {-1, 255, k}) {
            int[] user = canonical.clone();
            for (int i = 0; i < user.length; i++) {
                if (user[i] == k) {
                    user[i] = ignore;
                }
            }
            LabelSpec spec = new LabelSpec(k, ignore, null);
            int[] canon = spec.toCanonical(LabelVolume.wrap("labels", user, size, new double[] {1, 1}));
            assertArrayEquals(canonical, canon);
            try (NDManager m = manager.newSubManager()) {
                float v = new MaskedDiceCeLoss(k, false)
                        .compute(m.create(toFloat(logits), new Shape(1, k, 4, 5)), m.create(canon, new Shape(1, 4, 5)))
                        .getFloat();
                if (first == null) {
                    first = v;
                    assertEquals(reference(logits, canonical, 1, k, vox, false), v, 1e-5);
                } else {
                    assertEquals(first, v, 0f, "ignore value " + ignore);
                }
            }
        }
    }

    @Test
    void deepSupervisionWeights() {
        assertArrayEquals(new double[] {1 / 1.75, 0.5 / 1.75, 0.25 / 1.75, 0}, DeepSupervisionLoss.weights(4), 1e-12);
        assertArrayEquals(new double[] {1}, DeepSupervisionLoss.weights(1), 0);
        assertArrayEquals(new double[] {1, 0}, DeepSupervisionLoss.weights(2), 0);
    }

    @Test
    void deepSupervisionLossIsWeightedSumOverDownsampledTargets() {
        Random r = new Random(13);
        int n = 2, k = 3;
        long[][] sizes = {{8, 12}, {4, 6}, {2, 3}};
        int[] labels = randomLabels(r, n * 96, k, 0.5);
        double[][] logits = new double[3][];
        double expected = 0;
        double[] w = DeepSupervisionLoss.weights(3);
        try (NDManager m = manager.newSubManager()) {
            NDList outs = new NDList();
            for (int i = 0; i < 3; i++) {
                int vox = (int) (sizes[i][0] * sizes[i][1]);
                logits[i] = randomLogits(r, n * k * vox);
                outs.add(m.create(toFloat(logits[i]), new Shape(n, k, sizes[i][0], sizes[i][1])));
                int[] target = LabelDownsampling.nearest(labels, new long[] {n, 8, 12}, sizes[i]);
                expected += w[i] * reference(logits[i], target, n, k, vox, false);
            }
            float value = new DeepSupervisionLoss(new MaskedDiceCeLoss(k, false))
                    .compute(outs, m.create(labels, new Shape(n, 8, 12))).getFloat();
            assertEquals(expected, value, 1e-5);
        }
    }
}
