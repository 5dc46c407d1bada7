package org.maskseg.core.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;

class ResamplerTest {

    @Test
    void sizesFollowSpacingRatio() {
        // 100 · 0.5 / 0.8 = 62.5 -> 62 (half to even), 40 · 1 / 0.8 = 50, 7 · 3 / 1 = 21.
        assertArrayEquals(new long[] {62, 50, 21},
                Resampler.sizeForSpacing(new long[] {100, 40, 7}, new double[] {0.5, 1, 3}, new double[] {0.8, 0.8, 1}));
        // A 2D target on a 3D image leaves z alone.
        assertArrayEquals(new long[] {50, 20, 7},
                Resampler.sizeForSpacing(new long[] {100, 40, 7}, new double[] {0.5, 0.5, 3}, new double[] {1, 1}));
        assertArrayEquals(new double[] {1, 1, 3},
                Resampler.fullTargetSpacing(new double[] {0.5, 0.5, 3}, new double[] {1, 1}));
        // Never zero.
        assertArrayEquals(new long[] {1, 1},
                Resampler.sizeForSpacing(new long[] {1, 2}, new double[] {1, 1}, new double[] {5, 5}));
    }

    @Test
    void equalSpacingIsIdentity() {
        float[] d = new float[2 * 4 * 3];
        for (int i = 0; i < d.length; i++) {
            d[i] = i * 1.5f - 7;
        }
        ImageVolume img = ImageVolume.wrap("i", d, new long[] {4, 3}, 2, new double[] {0.7, 0.7});
        ImageVolume out = Resampler.resampleImage(img, new double[] {0.7, 0.7});
        assertArrayEquals(d, out.data());
        assertArrayEquals(new long[] {4, 3}, out.spatialSize());
        int[] labels = {0, 1, 2, 255, 1, 0, 2, 2, 1, 0, 255, 1};
        assertArrayEquals(labels, Resampler.nearest(labels, new long[] {4, 3}, new long[] {4, 3}));
    }

    @Test
    void linearRampStaysLinear() {
        // f(x) = 2x + 1 on 10 voxels. Upsampling to 20: output j samples x = (j + 0.5)/2 - 0.5, exact inside
        // [0, 9]; outside, the edge value is repeated.
        float[] ramp = new float[10];
        for (int x = 0; x < 10; x++) {
            ramp[x] = 2 * x + 1;
        }
        float[] up = Resampler.linear(ramp, 1, new long[] {10, 1}, new long[] {20, 1});
        for (int j = 0; j < 20; j++) {
            double x = Math.min(Math.max((j + 0.5) / 2 - 0.5, 0), 9);
            assertEquals(2 * x + 1, up[j], 1e-5, "j=" + j);
        }
        // Downsampling 20 -> 10 of the upsampled ramp samples x = 2j + 0.5, always between two inputs.
        float[] down = Resampler.linear(up, 1, new long[] {20, 1}, new long[] {10, 1});
        for (int j = 1; j < 9; j++) {
            assertEquals(ramp[j], down[j], 1e-5, "j=" + j);
        }
    }

    @Test
    void trilinearRampIn3dAndPerChannel() {
        // f = x + 2y + 3z (channel 0) and -f (channel 1) on 8×6×4, resampled to 12×9×6: at every output voxel
        // whose source position lies inside the input, the value is f at the source position.
        long[] from = {8, 6, 4};
        long[] to = {12, 9, 6};
        float[] d = new float[2 * 8 * 6 * 4];
        int i = 0;
        for (int c = 0; c < 2; c++) {
            for (int z = 0; z < 4; z++) {
                for (int y = 0; y < 6; y++) {
                    for (int x = 0; x < 8; x++) {
                        float f = x + 2 * y + 3 * z;
                        d[i++] = c == 0 ? f : -f;
                    }
                }
            }
        }
        float[] out = Resampler.linear(d, 2, from, to);
        int checked = 0;
        for (int c = 0; c < 2; c++) {
            for (int z = 0; z < 6; z++) {
                for (int y = 0; y < 9; y++) {
                    for (int x = 0; x < 12; x++) {
                        double sx = (x + 0.5) * 8 / 12 - 0.5;
                        double sy = (y + 0.5) * 6 / 9 - 0.5;
                        double sz = (z + 0.5) * 4 / 6 - 0.5;
                        if (sx < 0 || sy < 0 || sz < 0 || sx > 7 || sy > 5 || sz > 3) {
                            continue;
                        }
                        double f = sx + 2 * sy + 3 * sz;
                        assertEquals(c == 0 ? f : -f, out[((c * 6 + z) * 9 + y) * 12 + x], 1e-4);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 500, "checked " + checked);
    }

    @Test
    void labelsKeepTheirValueSet() {
        Random r = new Random(7);
        int[] labels = new int[13 * 11 * 5];
        int[] values = {0, 1, 2, 255};
        for (int i = 0; i < labels.length; i++) {
            labels[i] = values[r.nextInt(values.length)];
        }
        LabelVolume l = LabelVolume.wrap("l", labels, new long[] {13, 11, 5}, new double[] {1, 1, 2});
        for (long[] size : new long[][] {{7, 5, 9}, {26, 22, 10}, {13, 3, 1}, {40, 11, 5}}) {
            LabelVolume out = Resampler.resampleLabels(l, size, new double[] {1, 1, 1});
            Set<Integer> seen = new HashSet<>();
            for (int v : out.data()) {
                seen.add(v);
            }
            assertTrue(Set.of(0, 1, 2, 255).containsAll(seen), seen.toString());
            assertArrayEquals(size, out.size());
        }
        // Upsampling by exactly 2 repeats each label twice per axis.
        int[] small = {1, 255, 0, 2};
        assertArrayEquals(new int[] {1, 1, 255, 255, 1, 1, 255, 255, 0, 0, 2, 2, 0, 0, 2, 2},
                Resampler.nearest(small, new long[] {2, 2}, new long[] {4, 4}));
        // And back down picks the same voxels.
        assertArrayEquals(small, Resampler.nearest(Resampler.nearest(small, new long[] {2, 2}, new long[] {4, 4}),
                new long[] {4, 4}, new long[] {2, 2}));
    }

    @Test
    void cubicPassesThroughTheSamples() {
        // Upsampling by 3 puts output 3i + 1 exactly on input i (source (j - 1) / 3), edges included.
        Random r = new Random(3);
        float[] d = new float[17];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat() * 100 - 50;
        }
        float[] up = Resampler.cubic(d, 1, new long[] {17, 1}, new long[] {51, 1});
        for (int i = 0; i < 17; i++) {
            assertEquals(d[i], up[3 * i + 1], 1e-4, "sample " + i);
        }
    }

    @Test
    void cubicMatchesTheCardinalSpline() {
        // A unit impulse at 20 of 41 samples, upsampled by 3: output 61 + k samples 20 + k/3. The cubic cardinal
        // spline is Σ_k √3 z^|k| β3(x - k) with z = √3 - 2 and β3 the cubic B-spline (independent closed form).
        float[] d = new float[41];
        d[20] = 1;
        float[] up = Resampler.cubic(d, 1, new long[] {41, 1}, new long[] {123, 1});
        for (int k = -6; k <= 6; k++) {
            double x = k / 3.0;
            assertEquals(cardinal(x), up[61 + k], 1e-6, "offset " + x);
        }
        assertEquals(1, cardinal(0), 1e-12);
        assertEquals(0, cardinal(1), 1e-12);
    }

    private static double cardinal(double x) {
        double z = Math.sqrt(3) - 2;
        double sum = 0;
        for (int k = -40; k <= 40; k++) {
            sum += Math.sqrt(3) * Math.pow(z, Math.abs(k)) * bspline3(x - k);
        }
        return sum;
    }

    private static double bspline3(double x) {
        double a = Math.abs(x);
        if (a < 1) {
            return 2.0 / 3 - a * a + a * a * a / 2;
        }
        return a < 2 ? Math.pow(2 - a, 3) / 6 : 0;
    }

    @Test
    void cubicReproducesPolynomialsInsideAndConstantsEverywhere() {
        // 64 samples of f = 0.02 x² - x + 3, resampled to 100 and in 2D along y as well: away from the edges
        // (where the flat extension takes over) the cubic spline reproduces the quadratic.
        long[] from = {64, 40};
        long[] to = {100, 27};
        float[] d = new float[64 * 40];
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 64; x++) {
                d[y * 64 + x] = (float) (0.02 * x * x - x + 3 + 0.5 * y);
            }
        }
        float[] out = Resampler.cubic(d, 1, from, to);
        int checked = 0;
        for (int y = 0; y < 27; y++) {
            double sy = (y + 0.5) * 40 / 27 - 0.5;
            for (int x = 0; x < 100; x++) {
                double sx = (x + 0.5) * 64 / 100 - 0.5;
                if (sx < 10 || sx > 53 || sy < 10 || sy > 29) {
                    continue;
                }
                assertEquals(0.02 * sx * sx - sx + 3 + 0.5 * sy, out[y * 100 + x], 1e-3, "at " + sx + ", " + sy);
                checked++;
            }
        }
        assertTrue(checked > 300, "checked " + checked);

        float[] flat = new float[2 * 5 * 4 * 3];
        java.util.Arrays.fill(flat, 2.5f);
        for (float v : Resampler.cubic(flat, 2, new long[] {5, 4, 3}, new long[] {9, 2, 7})) {
            assertEquals(2.5f, v, 1e-5f);
        }
    }

    @Test
    void thickSlicesAreResampledByNearestNeighbourAlongZ() {
        // Source spacing (1, 1, 5): z is 5 times coarser, so z uses nearest neighbour while x uses the
        // requested interpolation. 4×1×2 -> 8×1×4: each slice is repeated, never blended.
        assertEquals(2, Resampler.separateAxis(new double[] {1, 1, 5}, new double[] {0.5, 0.5, 2.5}));
        assertEquals(-1, Resampler.separateAxis(new double[] {1, 1, 2}, new double[] {1, 1, 1}));
        // Coarse only in the target grid (downsampling z) counts as well.
        assertEquals(2, Resampler.separateAxis(new double[] {1, 1, 1}, new double[] {1, 1, 4}));
        // Two coarse axes, or 2D images: no separate axis.
        assertEquals(-1, Resampler.separateAxis(new double[] {1, 5, 5}, new double[] {1, 5, 5}));
        assertEquals(-1, Resampler.separateAxis(new double[] {1, 5}, new double[] {1, 5}));

        float[] d = {0, 10, 20, 30, 100, 110, 120, 130};
        ImageVolume img = ImageVolume.wrap("thick", d, new long[] {4, 1, 2}, 1, new double[] {1, 1, 5});
        ImageVolume out = Resampler.resampleImage(img, new long[] {8, 1, 4}, new double[] {0.5, 1, 2.5},
                Resampler.Interpolation.LINEAR);
        float[] o = out.data();
        // x: linear, source (j + 0.5)/2 - 0.5 clamped -> 0, 2.5, 7.5, 12.5, 17.5, 22.5, 27.5, 30 for slice 0.
        float[] slice0 = {0, 2.5f, 7.5f, 12.5f, 17.5f, 22.5f, 27.5f, 30};
        for (int z = 0; z < 4; z++) {
            for (int x = 0; x < 8; x++) {
                assertEquals(slice0[x] + (z < 2 ? 0 : 100), o[z * 8 + x], 1e-5, "x=" + x + ", z=" + z);
            }
        }
        // Isotropic data is interpolated along z too.
        ImageVolume iso = img.withSpacing(new double[] {1, 1, 1});
        float[] blended = Resampler.resampleImage(iso, new long[] {4, 1, 4}, new double[] {1, 1, 0.5},
                Resampler.Interpolation.LINEAR).data();
        // z source (k + 0.5)/2 - 0.5 = -0.25 -> 0, 0.25, 0.75, 1.25 -> 1: slice 1 = 0.25 of the way to 100.
        assertEquals(25, blended[4], 1e-5);
    }
}
