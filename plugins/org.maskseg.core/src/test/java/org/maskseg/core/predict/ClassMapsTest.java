package org.maskseg.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;

class ClassMapsTest {

    /** Three voxels (x = 0..2, y = 0), three classes; channel-major data. */
    private static ImageVolume scores(float... data) {
        return ImageVolume.wrap("s", data, new long[] {3, 1}, 3, new double[] {0.5, 2});
    }

    @Test
    void argmaxTakesTheFirstClassOnTies() {
        LabelVolume l = ClassMaps.argmax(scores(
                1, 0, 2,
                3, 0, 2,
                2, 0, 1));
        assertArrayEquals(new int[] {1, 0, 0}, l.data());
        assertArrayEquals(new double[] {0.5, 2}, l.spacing());
    }

    @Test
    void softmaxAndNormalisedEntropyMatchHandValues() {
        double ln3 = Math.log(3);
        ImageVolume p = ClassMaps.softmax(scores(
                0, 1000, (float) Math.log(1),
                0, 0, (float) Math.log(2),
                0, 0, (float) Math.log(1)));
        float[] d = p.data();
        // voxel 0: uniform; voxel 1: one huge logit (no overflow); voxel 2: 1/4, 2/4, 1/4
        assertEquals(1 / 3.0, d[0], 1e-7);
        assertEquals(1, d[1], 1e-7);
        assertEquals(0, d[4], 1e-7);
        assertEquals(0.25, d[2], 1e-7);
        assertEquals(0.5, d[5], 1e-7);
        assertEquals(0.25, d[8], 1e-7);
        float[] h = ClassMaps.normalisedEntropy(p).data();
        assertEquals(1, h[0], 1e-6);
        assertEquals(0, h[1], 1e-6);
        double expected = -(0.25 * Math.log(0.25) * 2 + 0.5 * Math.log(0.5)) / ln3;
        assertEquals(expected, h[2], 1e-6);
    }

    @Test
    void predictionComputesOnlyRequestedMaps() {
        ImageVolume logits = scores(0, 1, 0, 1, 0, 0, 0, 0, 2);
        Prediction labelsOnly = Prediction.fromLogits(logits, Prediction.Outputs.LABELS_ONLY);
        assertArrayEquals(new int[] {1, 0, 2}, labelsOnly.labels().data());
        assertNull(labelsOnly.probabilities());
        assertNull(labelsOnly.uncertainty());
        Prediction all = Prediction.fromLogits(logits, Prediction.Outputs.ALL);
        assertEquals(3, all.probabilities().channels());
        assertEquals(1, all.uncertainty().channels());
    }
}
