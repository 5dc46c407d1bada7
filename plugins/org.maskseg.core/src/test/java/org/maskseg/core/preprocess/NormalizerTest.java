package org.maskseg.core.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.plan.Plan;

class NormalizerTest {

    private static Plan.Normalization schemes(String... s) {
        return builder(s).build();
    }

    private static Plan.Normalization.Builder builder(String... s) {
        return Plan.Normalization.builder()
                .schemes(List.of(s))
                .useMask(new boolean[s.length])
                .clipLow(new double[s.length])
                .clipHigh(new double[s.length])
                .mean(new double[s.length])
                .std(new double[s.length]);
    }

    @Test
    void zscorePerChannel() {
        // Channel 0: 1 2 3 4 -> mean 2.5, std sqrt(1.25); channel 1: 10 10 10 30 -> mean 15, std sqrt(75).
        ImageVolume img = ImageVolume.wrap("z", new float[] {1, 2, 3, 4, 10, 10, 10, 30}, new long[] {2, 2}, 2,
                new double[] {1, 1});
        float[] out = Normalizer.normalize(img, schemes("zscore", "zscore")).data();
        double s0 = Math.sqrt(1.25);
        double s1 = Math.sqrt(75);
        float[] expected = {(float) (-1.5 / s0), (float) (-0.5 / s0), (float) (0.5 / s0), (float) (1.5 / s0),
                (float) (-5 / s1), (float) (-5 / s1), (float) (-5 / s1), (float) (15 / s1)};
        assertArrayEquals(expected, out, 1e-6f);
        assertEquals(1f, img.data()[0], "input unchanged");
    }

    @Test
    void constantImageBecomesZero() {
        ImageVolume img = ImageVolume.wrap("c", new float[] {7, 7, 7, 7}, new long[] {2, 2}, 1, new double[] {1, 1});
        assertArrayEquals(new float[4], Normalizer.normalize(img, schemes("zscore")).data(), 0f);
    }

    @Test
    void zscoreInsideNonZeroMask() {
        // 5×5 image: a ring of 2s around a 0 at the centre, zero border. The mask is the ring plus the enclosed
        // hole (9 voxels: eight 2s and one 0): mean 16/9, std sqrt((8·(2 - 16/9)² + (16/9)²) / 9); voxels
        // outside the mask become 0.
        float[] d = new float[25];
        for (int y = 1; y <= 3; y++) {
            for (int x = 1; x <= 3; x++) {
                d[y * 5 + x] = (x == 2 && y == 2) ? 0 : 2;
            }
        }
        ImageVolume img = ImageVolume.wrap("m", d, new long[] {5, 5}, 1, new double[] {1, 1});
        boolean[] mask = Normalizer.nonZeroMask(img);
        int inside = 0;
        for (boolean b : mask) {
            inside += b ? 1 : 0;
        }
        assertEquals(9, inside);
        assertEquals(true, mask[12], "enclosed hole belongs to the mask");

        Plan.Normalization n = builder("zscore").useMask(true).build();
        float[] out = Normalizer.normalize(img, n).data();
        double mean = 16.0 / 9;
        double var = (8 * Math.pow(2 - mean, 2) + Math.pow(0 - mean, 2)) / 9;
        double std = Math.sqrt(var);
        assertEquals((2 - mean) / std, out[6], 1e-6);
        assertEquals((0 - mean) / std, out[12], 1e-6);
        assertEquals(0f, out[0]);
        assertEquals(0f, out[24]);
    }

    @Test
    void nonZeroMaskIn3dUsesAllChannels() {
        // 3×3×3, channel 0 non-zero only at (0,0,0), channel 1 only at the centre: mask = those two voxels.
        float[] d = new float[54];
        d[0] = 1;
        d[27 + 13] = 5;
        ImageVolume img = ImageVolume.wrap("m3", d, new long[] {3, 3, 3}, 2, new double[] {1, 1, 1});
        boolean[] mask = Normalizer.nonZeroMask(img);
        for (int i = 0; i < 27; i++) {
            assertEquals(i == 0 || i == 13, mask[i], "voxel " + i);
        }
    }

    @Test
    void ctClipsThenUsesDatasetStatistics() {
        Plan.Normalization n = builder("ct").clipLow(-100).clipHigh(200).mean(50).std(25).build();
        ImageVolume img = ImageVolume.wrap("ct", new float[] {-1000, -100, 50, 100, 3000}, new long[] {5, 1}, 1,
                new double[] {1, 1});
        // -1000 -> -100 -> -6; -100 -> -6; 50 -> 0; 100 -> 2; 3000 -> 200 -> 6.
        assertArrayEquals(new float[] {-6, -6, 0, 2, 6}, Normalizer.normalize(img, n).data(), 1e-6f);
    }

    @Test
    void noneLeavesValuesAndBadSchemesAreRefused() {
        ImageVolume img = ImageVolume.wrap("n", new float[] {3, 4}, new long[] {2, 1}, 1, new double[] {1, 1});
        assertArrayEquals(new float[] {3, 4}, Normalizer.normalize(img, schemes("none")).data());
        assertThrows(InvalidInputException.class, () -> Normalizer.normalize(img, schemes("minmax")));
        assertThrows(InvalidInputException.class, () -> Normalizer.normalize(img, schemes("zscore", "zscore")));
    }

    @Test
    void rescaleToZeroOneUsesTheImageRange() {
        // channel 0: min -2, max 6, range 8; channel 1 constant 5: (5 - 5) / 1e-8 = 0
        ImageVolume img = ImageVolume.wrap("r", new float[] {-2, 0, 2, 6, 5, 5, 5, 5}, new long[] {2, 2}, 2,
                new double[] {1, 1});
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 1, 0, 0, 0, 0},
                Normalizer.normalize(img, schemes("rescale_to_0_1", "rescale_to_0_1")).data(), 1e-7f);
    }

    @Test
    void rgbToZeroOneDividesBy255AndRefusesOtherValues() {
        ImageVolume img = ImageVolume.wrap("rgb", new float[] {0, 51, 255}, new long[] {3, 1}, 1, new double[] {1, 1});
        assertArrayEquals(new float[] {0, 0.2f, 1}, Normalizer.normalize(img, schemes("rgb_to_0_1")).data(), 1e-7f);
        ImageVolume wide = ImageVolume.wrap("wide", new float[] {0, 300}, new long[] {2, 1}, 1, new double[] {1, 1});
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Normalizer.normalize(wide, schemes("rgb_to_0_1")));
        assertEquals("image 'wide', channel 0: value 300.0 lies outside 0..255, so the channel is not 8-bit colour as "
                + "its normalisation rgb_to_0_1 expects; name the channel differently to normalise it by z-score",
                e.getMessage());
    }
}
