package org.maskseg.core.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.maskseg.core.image.ImageVolume;

class CascadeChannelsTest {

    @Test
    void oneChannelPerForegroundClass() {
        float[] oneHot = CascadeChannels.oneHotForeground(new int[] {0, 1, 2, 1}, 3);
        assertArrayEquals(new float[] {0, 1, 0, 1, /* class 2 */ 0, 0, 1, 0}, oneHot);
    }

    @Test
    void logitsAreResampledLinearlyThenTurnedIntoLabels() {
        // three classes on a 2x1 grid of spacing 2, to a 4x1 grid of spacing 1; linear interpolation with voxel
        // centres aligned reads the source at x = -0.25 (clamped to 0), 0.25, 0.75 and 1.25 (clamped to 1):
        // class 0: 0 everywhere
        // class 1: -1.4 + 4x -> -1.4, -0.4, 1.6, 2.6
        // class 2:  2 - 7x   ->  2, 0.25, -3.25, -5
        float[] logits = {0, 0, -1.4f, 2.6f, 2, -5};
        ImageVolume low = ImageVolume.wrap("c", logits, new long[] {2, 1}, 3, new double[] {2, 1});
        ImageVolume grid = ImageVolume.wrap("c", new float[4], new long[] {4, 1}, 1, new double[] {1, 1});
        assertArrayEquals(new int[] {2, 2, 1, 1}, CascadeChannels.labelsOnGrid(low, grid.spatialSize(),
                grid.spacing()));
        assertArrayEquals(new float[] {0, 0, 1, 1, 1, 1, 0, 0}, CascadeChannels.foregroundOneHot(low, grid));
        ImageVolume input = CascadeChannels.append(grid, CascadeChannels.foregroundOneHot(low, grid), 2);
        assertEquals(3, input.channels());
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0}, input.data());
    }
}
