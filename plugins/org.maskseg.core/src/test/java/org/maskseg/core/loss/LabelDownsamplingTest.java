package org.maskseg.core.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.maskseg.core.engine.TorchRuntime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

class LabelDownsamplingTest {

    @Test
    void sourceIndicesFollowCentreAlignedNearestRule() {
        // factor 2 picks the second voxel of each pair, factor 4 the third of each four
        assertArrayEquals(new long[] {1, 3, 5}, LabelDownsampling.sourceIndices(6, 3));
        assertArrayEquals(new long[] {2, 6}, LabelDownsampling.sourceIndices(8, 2));
        // 5 -> 3: floor((i + 0.5)·5/3) = 0, 2, 4
        assertArrayEquals(new long[] {0, 2, 4}, LabelDownsampling.sourceIndices(5, 3));
        // 7 -> 2: floor(1.75) = 1, floor(5.25) = 5
        assertArrayEquals(new long[] {1, 5}, LabelDownsampling.sourceIndices(7, 2));
        // upsampling repeats: 2 -> 4 gives 0, 0, 1, 1
        assertArrayEquals(new long[] {0, 0, 1, 1}, LabelDownsampling.sourceIndices(2, 4));
    }

    @Test
    void engineAndHostVersionsAgreeAndKeepIgnoreValues() {
        long[] shape = {2, 3, 6, 7};
        int[] labels = new int[2 * 3 * 6 * 7];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (i * 7919) % 5; // 4 plays the ignore value
        }
        long[][] targets = {{3, 3, 7}, {1, 2, 2}, {3, 6, 7}, {2, 4, 5}};
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            NDArray y = m.create(labels, new Shape(shape));
            for (long[] t : targets) {
                NDArray d = LabelDownsampling.nearest(y, t);
                assertEquals(new Shape(2, t[0], t[1], t[2]), d.getShape());
                int[] host = LabelDownsampling.nearest(labels, shape, t);
                assertArrayEquals(host, d.toIntArray(), java.util.Arrays.toString(t));
            }
        }
        // hand-checked 2D case: (1, 4, 4) -> (1, 2, 2) picks rows 1, 3 and columns 1, 3
        int[] small = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        assertArrayEquals(new int[] {5, 7, 13, 15},
                LabelDownsampling.nearest(small, new long[] {1, 4, 4}, new long[] {2, 2}));
    }
}
