package org.maskseg.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;

class SlidingWindowTest {

    @Test
    void windowStartsFollowTheEvenSpreadFormula() {
        // (300 - 128) / 64 = 2.69 -> 4 windows, 172 / 3 = 57.33 apart
        assertArrayEquals(new int[] {0, 57, 115, 172}, SlidingWindow.windowStarts(300, 128, 0.5));
        assertArrayEquals(new int[] {0}, SlidingWindow.windowStarts(128, 128, 0.5));
        assertArrayEquals(new int[] {0, 1}, SlidingWindow.windowStarts(129, 128, 0.5));
        assertArrayEquals(new int[] {0, 64, 128}, SlidingWindow.windowStarts(256, 128, 0.5));
        // step 1: windows just touch; ceil(172 / 128) + 1 = 3, 86 apart
        assertArrayEquals(new int[] {0, 86, 172}, SlidingWindow.windowStarts(300, 128, 1.0));
        // 0.25: ceil(172 / 32) + 1 = 7 windows, 28.67 apart
        assertArrayEquals(new int[] {0, 29, 57, 86, 115, 143, 172}, SlidingWindow.windowStarts(300, 128, 0.25));
    }

    @Test
    void windowStartsRoundHalfToEven() {
        // size 11, patch 6, step 0.5: ceil(5 / 3) + 1 = 3 windows, 2.5 apart -> 0, 2 (not 3), 5
        assertArrayEquals(new int[] {0, 2, 5}, SlidingWindow.windowStarts(11, 6, 0.5));
    }

    @Test
    void badStepIsRefused() {
        assertThrows(InvalidInputException.class, () -> SlidingWindow.windowStarts(300, 128, 0));
        assertThrows(InvalidInputException.class, () -> SlidingWindow.windowStarts(300, 128, 1.5));
        assertThrows(InvalidInputException.class, () -> SlidingWindow.windowStarts(300, 128, Double.NaN));
    }

    @Test
    void gaussianMapIsSeparableWithSigmaAnEighthOfThePatch() {
        int[] patch = {5, 4};
        float[] g = SlidingWindow.gaussianImportanceMap(patch, SlidingWindow.DEFAULT_SIGMA_SCALE);
        assertEquals(20, g.length);
        double sx = 5 / 8.0;
        double sy = 4 / 8.0;
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                double expected = Math.exp(-(x - 2) * (x - 2) / (2 * sx * sx)) * Math.exp(-(y - 2) * (y - 2) / (2 * sy * sy));
                assertEquals(expected, g[y * 5 + x], 1e-7, "x=" + x + " y=" + y);
            }
        }
        assertEquals(1f, g[2 * 5 + 2]);
    }

    @Test
    void gaussianMapHasItsPeakAtHalfThePatchAndNoZeros() {
        float[] g = SlidingWindow.gaussianImportanceMap(new int[] {16, 16, 8}, SlidingWindow.DEFAULT_SIGMA_SCALE);
        int peak = (4 * 16 + 8) * 16 + 8;
        assertEquals(1f, g[peak]);
        for (float v : g) {
            assertEquals(true, v > 0 && v <= 1);
        }
        // corner: three axes at distance 8, 8, 4 with sigma 2, 2, 1 -> exp(-8)^3
        assertEquals(Math.exp(-24), g[0], 1e-16);
    }

    @Test
    void weightsBeyondTheTruncationRadiusGetTheSmallestNonZeroWeight() {
        // sigma 0.5 -> radius int(4 * 0.5 + 0.5) = 2 around centre 4: voxels 0, 1, 7, 8 would be 0
        float[] g = SlidingWindow.gaussianImportanceMap(new int[] {9}, 1.0 / 18);
        float smallest = (float) Math.exp(-8); // distance 2: exp(-4 / (2 * 0.25))
        assertEquals(smallest, g[2], 1e-12);
        assertEquals(smallest, g[6], 1e-12);
        for (int i : new int[] {0, 1, 7, 8}) {
            assertEquals(smallest, g[i], 0f);
        }
        assertEquals(Math.exp(-2), g[3], 1e-7);
        assertEquals(1f, g[4]);
    }

    @Test
    void paddingCentresTheImage() {
        assertEquals(0, SlidingWindow.paddingBefore(300, 128));
        assertEquals(7, SlidingWindow.paddingBefore(50, 64));
        assertEquals(7, SlidingWindow.paddingBefore(49, 64)); // the odd extra voxel goes after the image
    }
}
