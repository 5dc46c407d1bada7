package org.maskseg.core.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class IntensityTransformTest {

    @Test
    void brightnessMultipliesOnlyTheGivenRange() {
        float[] d = {1, 2, -3, 4, 5};
        MultiplicativeBrightnessTransform.multiply(d, 1, 3, 1.25f);
        assertArrayEquals(new float[] {1, 2.5f, -3.75f, 5, 5}, d, 1e-6f);
    }

    @Test
    void contrastKeepsTheMeanAndClipsToTheOriginalRange() {
        float[] d = {0, 1, 2, 5};
        // mean 2: (x - 2) * 0.5 + 2
        ContrastTransform.adjust(d, 0, 4, 0.5);
        assertArrayEquals(new float[] {1, 1.5f, 2, 3.5f}, d, 1e-6f);
        float[] e = {0, 1, 2, 5};
        // factor 2: -2, 0, 2, 8 clipped to [0, 5]
        ContrastTransform.adjust(e, 0, 4, 2);
        assertArrayEquals(new float[] {0, 0, 2, 5}, e, 1e-6f);
        float[] f = {3, -1, 4, 1, 5, -9, 2, 6};
        ContrastTransform.adjust(f, 0, f.length, 0.8);
        double mean = 0;
        for (float v : f) {
            mean += v / 8.0;
        }
        assertEquals(11 / 8.0, mean, 1e-6);
    }

    @Test
    void gammaMatchesTheFormulaAndKeepsMeanAndStd() {
        float[] x = {0, 1, 2, 3};
        float[] d = x.clone();
        GammaTransform.adjust(d, 0, 4, 2, false);
        // Range mapping: ((x - 0) / 3)^2 * 3 = 0, 1/3, 4/3, 3; then back to mean 1.5 and sample std
        // sqrt(5/3).
        double[] y = {0, 1 / 3.0, 4 / 3.0, 3};
        double my = (y[0] + y[1] + y[2] + y[3]) / 4;
        double vy = 0;
        for (double v : y) {
            vy += (v - my) * (v - my) / 3;
        }
        double k = Math.sqrt(5 / 3.0) / (Math.sqrt(vy) + 1e-8);
        for (int i = 0; i < 4; i++) {
            assertEquals((y[i] - my) * k + 1.5, d[i], 1e-5);
        }
        // Inverted: the same curve applied to -x, negated back. -x = 0, -1, -2, -3 has min -3, range 3:
        // ((-x + 3) / 3)^2 * 3 - 3 = 0, -5/3, -8/3, -3 for x = 0..3, then stats restored, then negated.
        float[] inv = x.clone();
        GammaTransform.adjust(inv, 0, 4, 2, true);
        double[] z = {0, -5 / 3.0, -8 / 3.0, -3};
        double mz = (z[0] + z[1] + z[2] + z[3]) / 4;
        double vz = 0;
        for (double v : z) {
            vz += (v - mz) * (v - mz) / 3;
        }
        double kz = Math.sqrt(5 / 3.0) / (Math.sqrt(vz) + 1e-8);
        for (int i = 0; i < 4; i++) {
            assertEquals(-((z[i] - mz) * kz - 1.5), inv[i], 1e-5);
        }
    }

    @Test
    void aroundOneDrawsBelowAndAboveOneEquallyOften() {
        SplittableRandom rng = new SplittableRandom(9);
        int below = 0;
        for (int i = 0; i < 10_000; i++) {
            double v = RandomRanges.aroundOne(rng, 0.7, 1.5);
            assertTrue(v >= 0.7 && v <= 1.5);
            below += v < 1 ? 1 : 0;
        }
        assertEquals(5000, below, 250);
    }

    @Test
    void mirrorFlipsHandComputedArrays() {
        // 3 x 2 patch (x first), two channels, labels.
        float[] img = {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60};
        int[] lab = {0, 1, 2, 3, 4, 5};
        PatchBuffer p = new PatchBuffer(img, 0, lab, 0, 2, new int[] {3, 2});
        MirrorTransform.flip(p, 0);
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4, 30, 20, 10, 60, 50, 40}, img, 0f);
        assertArrayEquals(new int[] {2, 1, 0, 5, 4, 3}, lab);
        MirrorTransform.flip(p, 1);
        assertArrayEquals(new float[] {6, 5, 4, 3, 2, 1, 60, 50, 40, 30, 20, 10}, img, 0f);
        assertArrayEquals(new int[] {5, 4, 3, 2, 1, 0}, lab);
        // 2 x 1 x 3 volume: flipping z reverses the slices.
        float[] v = {1, 2, 3, 4, 5, 6};
        int[] vl = {1, 1, 2, 2, 3, 3};
        PatchBuffer q = new PatchBuffer(v, 0, vl, 0, 1, new int[] {2, 1, 3});
        MirrorTransform.flip(q, 2);
        assertArrayEquals(new float[] {5, 6, 3, 4, 1, 2}, v, 0f);
        assertArrayEquals(new int[] {3, 3, 2, 2, 1, 1}, vl);
    }

    @Test
    void blurOfAnImpulseIsTheNormalisedGaussian() {
        int n = 21;
        float[] d = new float[n];
        d[10] = 1;
        double sigma = 0.8;
        GaussianBlurTransform.blur(d, 0, new int[] {n, 1}, 0, sigma, new AugmentationScratch());
        double norm = 0;
        for (int i = -3; i <= 3; i++) { // radius round(4 * 0.8) = 3
            norm += Math.exp(-i * i / (2 * sigma * sigma));
        }
        for (int i = 0; i < n; i++) {
            int o = i - 10;
            double expected = Math.abs(o) <= 3 ? Math.exp(-o * o / (2 * sigma * sigma)) / norm : 0;
            assertEquals(expected, d[i], 1e-6, "offset " + o);
        }
        // Along y (strided path) with mirrored borders: an impulse on the first row keeps its mass.
        float[] e = new float[4 * 6];
        e[1] = 1;
        GaussianBlurTransform.blur(e, 0, new int[] {4, 6}, 1, 1.0, new AugmentationScratch());
        double sum = 0;
        for (float v : e) {
            sum += v;
        }
        assertEquals(1, sum, 1e-5);
        assertEquals(0, e[0], 0f);
        assertTrue(e[1] > e[5] && e[5] > e[9]);
    }

    @Test
    void lowResolutionHandComputed() {
        // 4 -> 2 by nearest (reads indices 1 and 3), then back to 4 by linear with centres aligned:
        // positions -0.25 (clamped 0), 0.25, 0.75, 1.25 -> a, a + 0.25 (b - a), a + 0.75 (b - a), b.
        float[] d = {10, 20, 30, 40};
        LowResolutionTransform.degrade(d, 0, new int[] {4, 1}, new int[] {2, 1}, new AugmentationScratch());
        assertArrayEquals(new float[] {20, 25, 35, 40}, d, 1e-5f);
        // Same size: unchanged. Constant 3D patch: unchanged.
        float[] e = {1, 5, 2, 7, 3, 3};
        float[] copy = e.clone();
        LowResolutionTransform.degrade(e, 0, new int[] {3, 2}, new int[] {3, 2}, new AugmentationScratch());
        assertArrayEquals(copy, e, 0f);
        float[] c = new float[5 * 4 * 3];
        java.util.Arrays.fill(c, 2.5f);
        LowResolutionTransform.degrade(c, 0, new int[] {5, 4, 3}, new int[] {3, 2, 2}, new AugmentationScratch());
        for (float v : c) {
            assertEquals(2.5f, v, 1e-6f);
        }
    }

    @Test
    void noiseHasTheDrawnStrength() {
        float[] d = new float[40_000];
        PatchBuffer p = new PatchBuffer(d, 0, new int[20_000], 0, 2, new int[] {200, 100});
        new GaussianNoiseTransform(1, 0.1).apply(p, new SplittableRandom(4), new AugmentationScratch());
        double s = 0, s2 = 0;
        for (float v : d) {
            s += v;
            s2 += v * v;
        }
        double std = Math.sqrt(s2 / d.length - (s / d.length) * (s / d.length));
        assertTrue(std > 0 && std < 0.1, "noise std " + std);
        assertEquals(0, s / d.length, 5 * std / Math.sqrt(d.length));
    }

    @Test
    void blurAlongYEqualsBlurAlongXOfTheTransposeForAllKernelSizes() {
        SplittableRandom rng = new SplittableRandom(2);
        int w = 7, h = 12;
        for (double sigma : new double[] {0.5, 0.7, 1.0, 1.4}) { // radii 2, 3, 4 and 6 (general path)
            float[] a = new float[w * h];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rng.nextGaussian();
            }
            float[] t = new float[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    t[x * h + y] = a[y * w + x];
                }
            }
            GaussianBlurTransform.blur(a, 0, new int[] {w, h}, 1, sigma, new AugmentationScratch());
            GaussianBlurTransform.blur(t, 0, new int[] {h, w}, 0, sigma, new AugmentationScratch());
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    assertEquals(t[x * h + y], a[y * w + x], 1e-5, "sigma " + sigma);
                }
            }
        }
    }

    @Test
    void flippingSeveralAxesAtOnceEqualsFlippingOneAfterAnother() {
        SplittableRandom rng = new SplittableRandom(6);
        int[] size = {5, 4, 3};
        PatchBuffer a = PatchBuffer.allocate(2, size);
        for (int i = 0; i < a.image().length; i++) {
            a.image()[i] = (float) rng.nextDouble();
        }
        for (int i = 0; i < a.labels().length; i++) {
            a.labels()[i] = rng.nextInt(4);
        }
        PatchBuffer b = new PatchBuffer(a.imageCopy(), 0, a.labelCopy(), 0, 2, size);
        MirrorTransform.flip(a, new boolean[] {true, false, true});
        MirrorTransform.flip(b, 0);
        MirrorTransform.flip(b, 2);
        assertArrayEquals(b.imageCopy(), a.imageCopy(), 0f);
        assertArrayEquals(b.labelCopy(), a.labelCopy());
    }
}
