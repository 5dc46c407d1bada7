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
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.RegionSet;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

class RegionLossTest {

    /** K = 4 (ignore 4); partial codes 4 + m, m = bit mask of unknown classes 1..3 (codes 5..10). */
    private static final LabelSpec SPEC = LabelSpec.withDefaultIgnore(4);
    private static final RegionSet REGIONS = RegionSet.parse("whole=1,2,3;core=2,3;enhancing=3", SPEC);
    private static final int[][] SETS = {{1, 2, 3}, {2, 3}, {3}};

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = TorchRuntime.newManager(Device.cpu());
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** Region target from the definition: a class in the set. */
    private static double target(int v, int r) {
        if (v >= 4) {
            return 0;
        }
        for (int c : SETS[r]) {
            if (c == v) {
                return 1;
            }
        }
        return 0;
    }

    /** Region known from the definition: class → yes, ignore → no, partial → no unknown class in the set. */
    private static double known(int v, int r) {
        if (v < 4) {
            return 1;
        }
        if (v == 4) {
            return 0;
        }
        int unknown = v - 4;
        for (int c : SETS[r]) {
            if ((unknown & (1 << (c - 1))) != 0) {
                return 0;
            }
        }
        return 1;
    }

    /** BCE, mean Dice and loss in double, straight from the definition; logits (n, R, vox). */
    static double[] reference(double[] logits, int[] labels, int n, int vox, boolean batchDice) {
        int numRegions = SETS.length;
        double bce = 0;
        double pairs = 0;
        int groups = batchDice ? 1 : n;
        double[][] inter = new double[groups][numRegions];
        double[][] pred = new double[groups][numRegions];
        double[][] gt = new double[groups][numRegions];
        for (int b = 0; b < n; b++) {
            for (int r = 0; r < numRegions; r++) {
                for (int v = 0; v < vox; v++) {
                    int code = labels[b * vox + v];
                    double k = known(code, r);
                    if (k == 0) {
                        continue;
                    }
                    double x = logits[(b * numRegions + r) * vox + v];
                    double t = target(code, r);
                    double p = 1 / (1 + Math.exp(-x));
                    bce += -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
                    pairs++;
                    int g = batchDice ? 0 : b;
                    inter[g][r] += p * t;
                    pred[g][r] += p;
                    gt[g][r] += t;
                }
            }
        }
        double dice = 0;
        for (int g = 0; g < groups; g++) {
            for (int r = 0; r < numRegions; r++) {
                dice += (2 * inter[g][r] + 1e-5) / Math.max(gt[g][r] + pred[g][r] + 1e-5, 1e-8);
            }
        }
        dice /= groups * numRegions;
        double bceMean = pairs == 0 ? 0 : bce / pairs;
        return new double[] {bceMean, dice, bceMean - dice};
    }

    private static int[] randomCodes(Random r, int count) {
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            double u = r.nextDouble();
            y[i] = u < 0.6 ? r.nextInt(4) : u < 0.75 ? 4 : 5 + r.nextInt(6); // classes, ignore, partial codes
        }
        return y;
    }

    @Test
    void matchesIndependentComputationWithIgnoreAndPartialCodes() {
        Random rnd = new Random(3);
        int n = 2;
        int vox = 5 * 6;
        for (boolean batchDice : new boolean[] {false, true}) {
            double[] logits = new double[n * 3 * vox];
            float[] lf = new float[logits.length];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = rnd.nextGaussian() * 3;
                lf[i] = (float) logits[i];
                logits[i] = lf[i];
            }
            int[] labels = randomCodes(rnd, n * vox);
            double[] expected = reference(logits, labels, n, vox, batchDice);
            try (NDManager m = manager.newSubManager()) {
                SegmentationLoss.Terms t = new RegionLoss(REGIONS, batchDice)
                        .terms(m.create(lf, new Shape(n, 3, 5, 6)), m.create(labels, new Shape(n, 5, 6)));
                assertEquals(expected[0], t.crossEntropy().getFloat(), 1e-5, "BCE, batch Dice " + batchDice);
                assertEquals(expected[1], t.dice().getFloat(), 1e-5, "Dice, batch Dice " + batchDice);
                assertEquals(expected[2], t.loss().getFloat(), 1e-5, "loss, batch Dice " + batchDice);
            }
        }
    }

    /** Two voxels by hand: BCE and Dice values one can check with a calculator. */
    @Test
    void handComputedSingleRegion() {
        RegionSet one = RegionSet.parse("fg=1", LabelSpec.withDefaultIgnore(2));
        try (NDManager m = manager.newSubManager()) {
            // logits 0 and ln 3 (σ = 0.5 and 0.75), labels 1 and 0, plus one ignored voxel with a huge logit
            NDArray x = m.create(new float[] {0f, (float) Math.log(3), 50f}, new Shape(1, 1, 1, 3));
            NDArray y = m.create(new int[] {1, 0, 2}, new Shape(1, 1, 3));
            SegmentationLoss.Terms t = new RegionLoss(one, false).terms(x, y);
            double bce = (-Math.log(0.5) - Math.log(0.25)) / 2;
            double dice = (2 * 0.5 + 1e-5) / (1 + 1.25 + 1e-5);
            assertEquals(bce, t.crossEntropy().getFloat(), 1e-6);
            assertEquals(dice, t.dice().getFloat(), 1e-6);
        }
    }

    @Test
    void extremeLogitsStayFinite() {
        RegionSet one = RegionSet.parse("fg=1", LabelSpec.withDefaultIgnore(2));
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(new float[] {200f, -200f, 200f, -200f}, new Shape(1, 1, 2, 2));
            NDArray y = m.create(new int[] {1, 0, 0, 1}, new Shape(1, 2, 2));
            SegmentationLoss.Terms t = new RegionLoss(one, false).terms(x, y);
            // two right with certainty (loss 0), two wrong by 200 each
            assertEquals(100.0, t.crossEntropy().getFloat(), 1e-3);
        }
    }

    @Test
    void noGradientWhereARegionIsUnknownAndZeroLossWithoutKnownVoxels() {
        Random rnd = new Random(5);
        int n = 2;
        int vox = 16;
        int[] labels = randomCodes(rnd, n * vox);
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.randomNormal(new Shape(n, 3, 4, 4));
            x.setRequiresGradient(true);
            NDArray y = m.create(labels, new Shape(n, 4, 4));
            try (GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
                gc.backward(new RegionLoss(REGIONS, false).compute(x, y));
            }
            float[] g = x.getGradient().toFloatArray();
            int zero = 0;
            int nonzero = 0;
            for (int b = 0; b < n; b++) {
                for (int r = 0; r < 3; r++) {
                    for (int v = 0; v < vox; v++) {
                        float gv = g[(b * 3 + r) * vox + v];
                        if (known(labels[b * vox + v], r) == 0) {
                            assertEquals(0f, gv, 0f, "sample " + b + " region " + r + " voxel " + v);
                            zero++;
                        } else {
                            assertNotEquals(0f, gv);
                            nonzero++;
                        }
                    }
                }
            }
            assertTrue(zero > 10 && nonzero > 10, zero + " unknown, " + nonzero + " known");

            int[] ignored = new int[n * vox];
            java.util.Arrays.fill(ignored, 4);
            SegmentationLoss.Terms t = new RegionLoss(REGIONS, true).terms(x, m.create(ignored, new Shape(n, 4, 4)));
            assertEquals(0f, t.crossEntropy().getFloat(), 0f);
            assertEquals(1f, t.dice().getFloat(), 1e-6f);
        }
    }

    @Test
    void lookUpGivesTablesPerVoxelForIntLabels() {
        int[] codes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 3};
        try (NDManager m = manager.newSubManager()) {
            NDArray[] tk = new RegionLoss(REGIONS, false).lookUp(m.create(codes, new Shape(1, 3, 4)), DataType.FLOAT32);
            float[] t = tk[0].toFloatArray();
            float[] k = tk[1].toFloatArray();
            for (int r = 0; r < 3; r++) {
                for (int v = 0; v < codes.length; v++) {
                    assertEquals(target(codes[v], r), t[r * codes.length + v], 0, "target code " + codes[v]);
                    assertEquals(known(codes[v], r), k[r * codes.length + v], 0, "known code " + codes[v]);
                }
            }
        }
    }

    @Test
    void decisionIsBitMaskOfPositiveLogits() {
        try (NDManager m = manager.newSubManager()) {
            // 3 regions x 4 voxels
            NDArray x = m.create(new float[] {1, 1, -1, 1, 1, -1, -1, 2, 1, -1, -1, 0}, new Shape(1, 3, 1, 4));
            int[] bits = new RegionLoss(REGIONS, false).decide(x).toIntArray();
            assertArrayEquals(new int[] {0b111, 0b001, 0, 0b011}, bits);
        }
    }

    @Test
    void deepSupervisionAcceptsRegionLoss() {
        Random rnd = new Random(9);
        int[] labels = randomCodes(rnd, 2 * 64);
        try (NDManager m = manager.newSubManager()) {
            NDArray full = m.randomNormal(new Shape(2, 3, 8, 8));
            NDArray half = m.randomNormal(new Shape(2, 3, 4, 4));
            NDArray y = m.create(labels, new Shape(2, 8, 8));
            RegionLoss base = new RegionLoss(REGIONS, false);
            float v = new DeepSupervisionLoss(base).compute(new NDList(full, half, m.zeros(new Shape(2, 3, 2, 2))), y)
                    .getFloat();
            double[] w = DeepSupervisionLoss.weights(3);
            float expected = (float) (w[0] * base.compute(full, y).getFloat()
                    + w[1] * base.compute(half, LabelDownsampling.nearest(y, new long[] {4, 4})).getFloat());
            assertEquals(expected, v, 1e-5);
        }
    }
}
