package org.maskseg.core.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.maskseg.core.augment.PreviousStageMorphology.Operator;

class PreviousStageTransformsTest {

    private static final int[] SIZE = {7, 7};

    /** A 7x7 mask with the given (x, y) pixels set. */
    private static boolean[] mask(int[]... pixels) {
        boolean[] m = new boolean[49];
        for (int[] p : pixels) {
            m[p[1] * 7 + p[0]] = true;
        }
        return m;
    }

    private static boolean[] square(int cx, int cy, int half) {
        boolean[] m = new boolean[49];
        for (int y = cy - half; y <= cy + half; y++) {
            for (int x = cx - half; x <= cx + half; x++) {
                m[y * 7 + x] = true;
            }
        }
        return m;
    }

    private static final int[][] PLUS = {{3, 3}, {2, 3}, {4, 3}, {3, 2}, {3, 4}};

    @Test
    void dilationAddsThePixelsWithinTheRadius() {
        boolean[] centre = mask(new int[] {3, 3});
        // radius 1: the four face neighbours (distance 1), not the diagonals (distance sqrt 2)
        assertArrayEquals(mask(PLUS), PreviousStageMorphology.apply(centre, SIZE, Operator.DILATION, 1));
        // radius 1.5 includes the diagonals: a 3x3 square
        assertArrayEquals(square(3, 3, 1), PreviousStageMorphology.apply(centre, SIZE, Operator.DILATION, 1.5));
    }

    @Test
    void erosionOpeningAndClosingOnHandMadeMasks() {
        // a 3x3 square eroded by the plus keeps only its centre
        assertArrayEquals(mask(new int[] {3, 3}), PreviousStageMorphology.apply(square(3, 3, 1), SIZE,
                Operator.EROSION, 1));
        // opening: the square loses its corners (erode to the centre, dilate to the plus); a lone pixel vanishes
        boolean[] squareAndDot = square(3, 3, 1);
        squareAndDot[6 * 7] = true;
        assertArrayEquals(mask(PLUS), PreviousStageMorphology.apply(squareAndDot, SIZE, Operator.OPENING, 1));
        // closing with a 3x3 ball fills the one-pixel gap between two pixels
        boolean[] two = mask(new int[] {2, 3}, new int[] {4, 3});
        assertArrayEquals(mask(new int[] {2, 3}, new int[] {3, 3}, new int[] {4, 3}),
                PreviousStageMorphology.apply(two, SIZE, Operator.CLOSING, 1.5));
        // the patch border does not erode: a mask filling the patch stays whole
        boolean[] all = new boolean[49];
        java.util.Arrays.fill(all, true);
        assertArrayEquals(all, PreviousStageMorphology.apply(all, SIZE, Operator.EROSION, 3));
    }

    @Test
    void pixelsGainedByOneChannelLeaveTheOthers() {
        // one image channel and two one-hot channels; class 1 is the centre, class 2 its right neighbour
        PatchBuffer p = PatchBuffer.allocate(3, SIZE);
        float[] img = p.image();
        java.util.Arrays.fill(img, 0, 49, 7f);
        img[p.channelOffset(1) + 3 * 7 + 3] = 1;
        img[p.channelOffset(2) + 3 * 7 + 4] = 1;
        PreviousStageMorphology.apply(p, 1, 1, Operator.DILATION, 1);
        boolean[] one = new boolean[49];
        for (int v = 0; v < 49; v++) {
            one[v] = img[p.channelOffset(1) + v] == 1;
            assertEquals(7f, img[v], "the image channel is untouched");
        }
        assertArrayEquals(mask(PLUS), one);
        assertEquals(0, img[p.channelOffset(2) + 3 * 7 + 4], "taken over by class 1");
    }

    @Test
    void componentRemovalTakesOnlySmallComponents() {
        PatchBuffer p = PatchBuffer.allocate(2, SIZE);
        float[] img = p.image();
        int off = p.channelOffset(1);
        // a 3x3 square (9 of 49 pixels, 18 %) and a lone pixel (2 %)
        boolean[] m = square(2, 2, 1);
        m[6 * 7 + 6] = true;
        for (int v = 0; v < 49; v++) {
            img[off + v] = m[v] ? 1 : 0;
        }
        // below 15 % only the lone pixel qualifies, whatever is drawn
        assertEquals(1, PreviousStageComponentRemoval.removeOne(p, 1, 0.15, new SplittableRandom(1)));
        assertEquals(0, img[off + 6 * 7 + 6]);
        assertEquals(9, count(img, off));
        // then nothing qualifies any more
        assertEquals(0, PreviousStageComponentRemoval.removeOne(p, 1, 0.15, new SplittableRandom(2)));
        // with a larger share the square goes
        assertEquals(9, PreviousStageComponentRemoval.removeOne(p, 1, 0.5, new SplittableRandom(3)));
        assertEquals(0, count(img, off));
    }

    private static int count(float[] img, int off) {
        int n = 0;
        for (int v = 0; v < 49; v++) {
            n += img[off + v] == 1 ? 1 : 0;
        }
        return n;
    }

    @Test
    void inACascadePatchTheIntensityTransformsLeaveTheSegmentationBinary() {
        AugmentationSettings s = AugmentationSettings.defaults(new int[] {8, 8, 8});
        s.previousStageChannels = 1;
        s.noiseProbability = 1;
        s.brightnessProbability = 1;
        s.gammaProbability = 1;
        s.rotationProbability = 1;
        s.scalingProbability = 1;
        AugmentationPipeline pipeline = new AugmentationPipeline(s);
        float[] image = new float[2 * 16 * 16 * 16];
        int[] labels = new int[16 * 16 * 16];
        for (int v = 0; v < labels.length; v++) {
            int x = v % 16;
            image[v] = x / 16f;
            image[labels.length + v] = x >= 8 ? 1 : 0;
            labels[v] = x >= 8 ? 1 : 0;
        }
        org.maskseg.core.preprocess.TrainingCase c = new org.maskseg.core.preprocess.TrainingCase("c",
                org.maskseg.core.image.ImageVolume.wrap("c", image, new long[] {16, 16, 16}, 2,
                        new double[] {1, 1, 1}),
                org.maskseg.core.image.LabelVolume.wrap("c", labels, new long[] {16, 16, 16}, new double[] {1, 1, 1}));
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 20; i++) {
            PatchBuffer out = PatchBuffer.allocate(2, new int[] {8, 8, 8});
            pipeline.produce(c, new org.maskseg.core.sampling.PatchLocation(0, new int[] {4, 4, 4}, 0, -1), out, rng,
                    new AugmentationScratch());
            for (int v = 0; v < out.voxels(); v++) {
                float f = out.image()[out.channelOffset(1) + v];
                assertEquals(true, f == 0 || f == 1, "binary previous-stage channel, got " + f);
            }
        }
    }
}
