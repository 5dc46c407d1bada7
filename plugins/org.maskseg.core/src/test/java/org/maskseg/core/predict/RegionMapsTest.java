package org.maskseg.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.RegionSet;

class RegionMapsTest {

    private static final RegionSet TUMOUR = RegionSet.parse("whole=1,2,3;core=2,3;enhancing=3",
            LabelSpec.withDefaultIgnore(4));

    /** Four voxels (x = 0..3), three regions; channel-major. */
    private static ImageVolume logits(float... data) {
        return ImageVolume.wrap("r", data, new long[] {4, 1}, 3, new double[] {1, 2});
    }

    @Test
    void exportStartsAtBackgroundAndLaterRegionsOverwrite() {
        ImageVolume l = logits(
                -1, 2, 2, 0.5f, // whole
                -1, -1, 3, -2, // core
                5, -1, 1, 0); // enhancing (voxel 0 without whole: still exported; voxel 3: logit 0 is σ = 0.5, not > 0.5)
        assertArrayEquals(new int[] {3, 1, 3, 1}, ClassMaps.regionLabels(l, TUMOUR).data());
        assertArrayEquals(new double[] {1, 2}, ClassMaps.regionLabels(l, TUMOUR).spacing());
    }

    @Test
    void sigmoidAndMeanBinaryEntropyMatchHandValues() {
        float ln3 = (float) Math.log(3);
        ImageVolume p = ClassMaps.sigmoid(logits(
                0, 1000, -1000, ln3,
                0, 1000, -1000, ln3,
                0, 1000, -1000, -ln3));
        float[] d = p.data();
        assertEquals(0.5, d[0], 1e-7);
        assertEquals(1, d[1], 1e-7);
        assertEquals(0, d[2], 1e-7);
        assertEquals(0.75, d[3], 1e-7);
        assertEquals(0.25, d[11], 1e-7);
        float[] h = ClassMaps.meanBinaryEntropy(p).data();
        assertEquals(1, h[0], 1e-6);
        assertEquals(0, h[1], 1e-6);
        assertEquals(0, h[2], 1e-6);
        double h75 = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)) / Math.log(2);
        assertEquals(h75, h[3], 1e-6);
    }

    @Test
    void predictionFromRegionLogitsComputesOnlyRequestedMaps() {
        ImageVolume l = logits(1, 1, -1, -1, 1, -1, -1, -1, 1, -1, -1, -1);
        Prediction only = Prediction.fromRegionLogits(l, TUMOUR, Prediction.Outputs.LABELS_ONLY);
        assertArrayEquals(new int[] {3, 1, 0, 0}, only.labels().data());
        assertNull(only.probabilities());
        assertNull(only.uncertainty());
        Prediction all = Prediction.fromRegionLogits(l, TUMOUR, Prediction.Outputs.ALL);
        assertEquals(3, all.probabilities().channels());
        assertEquals(1, all.uncertainty().channels());
    }
}
