package org.maskseg.core.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.maskseg.core.engine.TorchRuntime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/** The partial-label loss (marginal CE, Dice over known voxels) against hand and double-precision references. */
class PartialLabelLossTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = TorchRuntime.newManager(Device.cpu());
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** Whether class c may be the true class of a voxel with code v (rule written out independently). */
    private static boolean allowed(int v, int c, int k) {
        if (v < k) {
            return v == c;
        }
        return c == 0 || ((v - k) & (1 << (c - 1))) != 0;
    }

    /** Whether membership in foreground class c is known at a voxel with code v (v ≠ k). */
    private static boolean known(int v, int c, int k) {
        return v < k || ((v - k) & (1 << (c - 1))) == 0;
    }

    /** Double-precision reference of the partial loss; logits (n, K, vox), codes (n, vox). */
    static double reference(double[] logits, int[] codes, int n, int k, int vox, boolean batchDice) {
        double ceSum = 0;
        int annotated = 0;
        int rows = batchDice ? 1 : n;
        double[][] inter = new double[rows][k];
        double[][] pred = new double[rows][k];
        double[][] gt = new double[rows][k];
        for (int b = 0; b < n; b++) {
            for (int v = 0; v < vox; v++) {
                int y = codes[b * vox + v];
                if (y == k) {
                    continue;
                }
                double z = 0;
                double[] p = new double[k];
                for (int c = 0; c < k; c++) {
                    p[c] = Math.exp(logits[(b * k + c) * vox + v]);
                    z += p[c];
                }
                double allowedMass = 0;
                for (int c = 0; c < k; c++) {
                    p[c] /= z;
                    if (allowed(y, c, k)) {
                        allowedMass += p[c];
                    }
                }
                ceSum -= Math.log(allowedMass);
                annotated++;
                int row = batchDice ? 0 : b;
                for (int c = 1; c < k; c++) {
                    if (known(y, c, k)) {
                        double t = y == c ? 1 : 0;
                        inter[row][c] += p[c] * t;
                        pred[row][c] += p[c];
                        gt[row][c] += t;
                    }
                }
            }
        }
        double ce = annotated == 0 ? 0 : ceSum / annotated;
        double dcSum = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 1; c < k; c++) {
                dcSum += (2 * inter[r][c] + 1e-5) / Math.max(gt[r][c] + pred[r][c] + 1e-5, 1e-8);
            }
        }
        return ce - dcSum / (rows * (k - 1));
    }

    /** Random codes: plain classes, the ignore value and every partial code of K classes. */
    static int[] randomCodes(Random r, int size, int k) {
        int numCodes = k + (1 << (k - 1)) - 1;
        int[] y = new int[size];
        for (int i = 0; i < size; i++) {
            y[i] = r.nextInt(numCodes);
        }
        return y;
    }

    private static float[] lossAndGradient(double[] logits, int[] codes, Shape ls, Shape ys, MaskedDiceCeLoss loss,
            float[] grad) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(MaskedDiceCeLossTest.toFloat(logits), ls);
            x.setRequiresGradient(true);
            float value;
            try (GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
                NDArray l = loss.compute(x, m.create(codes, ys));
                value = l.getFloat();
                gc.backward(l);
            }
            if (grad != null) {
                System.arraycopy(x.getGradient().toFloatArray(), 0, grad, 0, grad.length);
            }
            return new float[] {value};
        }
    }

    @Test
    void handComputedThreeVoxels() {
        // K = 3, one sample, voxels A, B, C (x = 0, 1, 2):
        // A: logits (0, 0, 0), p = 1/3 each, code 3 + 2 = "background or class 2" -> CE = -log(2/3)
        // B: logits (0, ln 2, 0), p = (1/4, 1/2, 1/4), code 1 -> CE = -log(1/2)
        // C: ignore (code 3), anything
        double ln2 = Math.log(2);
        double[] logits = {0, 0, 5, /* class 1 */ 0, ln2, -3, /* class 2 */ 0, 0, 1};
        int[] codes = {5, 1, 3};
        double ce = (Math.log(1.5) + Math.log(2)) / 2;
        double s = 1e-5;
        // class 1 is known at A and B: I = 1/2, P = 1/3 + 1/2, G = 1
        double dc1 = (2 * 0.5 + s) / (1 + 5.0 / 6 + s);
        // class 2 is unknown at A, known at B: I = 0, P = 1/4, G = 0
        double dc2 = s / (0.25 + s);
        double expected = ce - (dc1 + dc2) / 2;
        assertEquals(expected, reference(logits, codes, 1, 3, 3, false), 1e-12);
        MaskedDiceCeLoss loss = new MaskedDiceCeLoss(3, false, true);
        try (NDManager m = manager.newSubManager()) {
            MaskedDiceCeLoss.Terms t = loss.terms(m.create(MaskedDiceCeLossTest.toFloat(logits), new Shape(1, 3, 1, 3)),
                    m.create(codes, new Shape(1, 1, 3)));
            assertEquals(ce, t.crossEntropy().getFloat(), 1e-6);
            assertEquals((dc1 + dc2) / 2, t.dice().getFloat(), 1e-6);
            assertEquals(expected, t.loss().getFloat(), 1e-6);
        }
    }

    private static void check(int n, int k, long[] spatial, boolean batchDice, long seed) {
        Random r = new Random(seed);
        int vox = 1;
        for (long s : spatial) {
            vox *= (int) s;
        }
        double[] logits = MaskedDiceCeLossTest.randomLogits(r, n * k * vox);
        int[] codes = randomCodes(r, n * vox, k);
        long[] ls = new long[2 + spatial.length];
        ls[0] = n;
        ls[1] = k;
        System.arraycopy(spatial, 0, ls, 2, spatial.length);
        long[] ys = new long[1 + spatial.length];
        ys[0] = n;
        System.arraycopy(spatial, 0, ys, 1, spatial.length);
        float[] grad = new float[logits.length];
        float value = lossAndGradient(logits, codes, new Shape(ls), new Shape(ys),
                new MaskedDiceCeLoss(k, batchDice, true), grad)[0];
        assertEquals(reference(logits, codes, n, k, vox, batchDice), value, 1e-5);

        double[] expected = new double[logits.length];
        double h = 1e-6;
        for (int i = 0; i < logits.length; i++) {
            double keep = logits[i];
            logits[i] = keep + h;
            double up = reference(logits, codes, n, k, vox, batchDice);
            logits[i] = keep - h;
            double down = reference(logits, codes, n, k, vox, batchDice);
            logits[i] = keep;
            expected[i] = (up - down) / (2 * h);
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], grad[i], 1e-5 + 1e-3 * Math.abs(expected[i]), "gradient " + i);
        }
        int ignoredVoxels = 0;
        for (int b = 0; b < n; b++) {
            for (int v = 0; v < vox; v++) {
                if (codes[b * vox + v] == k) {
                    ignoredVoxels++;
                    for (int c = 0; c < k; c++) {
                        assertEquals(0f, grad[(b * k + c) * vox + v], 0f, "ignored voxel " + v);
                    }
                }
            }
        }
        assertTrue(ignoredVoxels > 0, "the test data has ignored voxels");
    }

    @Test
    void matchesReferenceAndGradient2d() {
        check(2, 3, new long[] {5, 6}, false, 21);
        check(2, 3, new long[] {5, 6}, true, 22);
        check(1, 4, new long[] {6, 7}, false, 23);
    }

    @Test
    void matchesReferenceAndGradient3d() {
        check(2, 3, new long[] {3, 4, 5}, false, 24);
    }

    @Test
    void withoutPartialCodesEqualsTheOrdinaryLoss() {
        Random r = new Random(25);
        int n = 2, k = 3, vox = 30;
        for (boolean batchDice : new boolean[] {false, true}) {
            double[] logits = MaskedDiceCeLossTest.randomLogits(r, n * k * vox);
            int[] labels = MaskedDiceCeLossTest.randomLabels(r, n * vox, k, 0.3);
            float[] gPlain = new float[logits.length];
            float[] gPartial = new float[logits.length];
            Shape ls = new Shape(n, k, 5, 6);
            Shape ys = new Shape(n, 5, 6);
            float plain = lossAndGradient(logits, labels, ls, ys, new MaskedDiceCeLoss(k, batchDice), gPlain)[0];
            float partial = lossAndGradient(logits, labels, ls, ys, new MaskedDiceCeLoss(k, batchDice, true),
                    gPartial)[0];
            assertEquals(MaskedDiceCeLossTest.reference(logits, labels, n, k, vox, batchDice), plain, 1e-5);
            assertEquals(plain, partial, 1e-6);
            for (int i = 0; i < gPlain.length; i++) {
                assertEquals(gPlain[i], gPartial[i], 1e-6, "gradient " + i);
            }
        }
    }

    @Test
    void confidentWrongPredictionsStayFinite() {
        // logit gaps of 200 underflow a plain probability; the marginal CE must still be finite and exact
        int k = 3;
        double[] logits = {200, 0, 0, /* class 1 */ 0, 200, 0, /* class 2 */ 0, 0, 0};
        int[] codes = {1, 3 + 2, 3};
        MaskedDiceCeLoss loss = new MaskedDiceCeLoss(k, false, true);
        float[] grad = new float[logits.length];
        lossAndGradient(logits, codes, new Shape(1, k, 1, 3), new Shape(1, 1, 3), loss, grad);
        try (NDManager m = manager.newSubManager()) {
            float ce = loss.terms(m.create(MaskedDiceCeLossTest.toFloat(logits), new Shape(1, k, 1, 3)),
                    m.create(codes, new Shape(1, 1, 3))).crossEntropy().getFloat();
            // voxel 0: -log p1 = log(e^200 + 2) - 0 ≈ 200; voxel 1: -log(p0 + p2) = log(e^200 + 2) - log 2
            double expected = (Math.log(2 + Math.exp(200)) + Math.log(2 + Math.exp(200)) - Math.log(2)) / 2;
            assertEquals(expected, ce, 1e-3);
        }
        for (float g : grad) {
            assertTrue(Float.isFinite(g));
        }
    }

    @Test
    void deepSupervisionKeepsCodesAtEveryScale() {
        Random r = new Random(26);
        int n = 2, k = 3;
        long[][] sizes = {{8, 12}, {4, 6}, {3, 5}};
        int[] codes = randomCodes(r, n * 96, k);
        double expected = 0;
        double[] w = DeepSupervisionLoss.weights(3);
        try (NDManager m = manager.newSubManager()) {
            NDList outs = new NDList();
            for (int i = 0; i < 3; i++) {
                int vox = (int) (sizes[i][0] * sizes[i][1]);
                double[] logits = MaskedDiceCeLossTest.randomLogits(r, n * k * vox);
                outs.add(m.create(MaskedDiceCeLossTest.toFloat(logits), new Shape(n, k, sizes[i][0], sizes[i][1])));
                int[] target = LabelDownsampling.nearest(codes, new long[] {n, 8, 12}, sizes[i]);
                expected += w[i] * reference(logits, target, n, k, vox, false);
                NDArray down = LabelDownsampling.nearest(m.create(codes, new Shape(n, 8, 12)), sizes[i]);
                assertArrayEquals(target, down.toIntArray(), "scale " + i);
            }
            float value = new DeepSupervisionLoss(new MaskedDiceCeLoss(k, false, true))
                    .compute(outs, m.create(codes, new Shape(n, 8, 12))).getFloat();
            assertEquals(expected, value, 1e-5);
        }
    }
}
