package org.maskseg.core.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.plan.Plan;

/** nnU-Net's crop to the non-zero box, against hand-computed boxes and z-scores. */
class NonZeroCropTest {

    /**
     * x = 4, y = 3:
     * <pre>
     * 0 0 0 0
     * 0 2 4 0
     * 0 6 0 0
     * </pre>
     * Box x 1..2, y 1..2, holding 2 4 / 6 0.
     */
    private static ImageVolume small() {
        float[] d = {0, 0, 0, 0, 0, 2, 4, 0, 0, 6, 0, 0};
        return ImageVolume.wrap("case", d, new long[] {4, 3}, 1, new double[] {1, 1});
    }

    private static Plan plan(boolean useMask) {
        Plan p = new Plan();
        p.targetSpacing = new double[] {1, 1};
        p.imageInterpolation = "linear";
        p.normalization.useMask = new boolean[] {useMask};
        p.cropToNonZero = true;
        return p;
    }

    @Test
    void boxOfTwoDimensionalImageKeepsItsZeroVoxelOutsideTheMask() {
        NonZeroCrop c = NonZeroCrop.of(small());
        assertArrayEquals(new long[] {1, 1}, c.offset());
        assertArrayEquals(new long[] {2, 2}, c.size());
        // a 2D image is one slice for nnU-Net: its enclosed zero is not filled
        assertArrayEquals(new boolean[] {true, true, true, false}, c.mask());
        assertArrayEquals(new float[] {2, 4, 6, 0}, c.crop(small()).data());
        assertArrayEquals(new int[] {5, 6, 9, 10}, c.crop(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
    }

    @Test
    void zScoreStatisticsComeFromTheBox() {
        PreprocessedImage pre = Preprocessor.preprocessImage(small(), plan(false));
        // mean of 2, 4, 6, 0 is 3; population variance (1 + 1 + 9 + 9) / 4 = 5
        double sd = Math.sqrt(5);
        float[] expected = {(float) (-1 / sd), (float) (1 / sd), (float) (3 / sd), (float) (-3 / sd)};
        assertArrayEquals(expected, pre.image().data(), 1e-6f);
        assertArrayEquals(new long[] {2, 2}, pre.image().spatialSize());
        assertArrayEquals(new long[] {2, 2}, pre.originalSize());

        // with the mask: mean of 2, 4, 6 is 4, variance 8 / 3; the zero outside the mask stays 0
        PreprocessedImage masked = Preprocessor.preprocessImage(small(), plan(true));
        double msd = Math.sqrt(8.0 / 3);
        assertArrayEquals(new float[] {(float) (-2 / msd), 0, (float) (2 / msd), 0}, masked.image().data(), 1e-6f);

        // MaskSeg's own plans do not cut: the statistics of all 12 voxels (mean 1)
        Plan own = plan(false);
        own.cropToNonZero = false;
        PreprocessedImage whole = Preprocessor.preprocessImage(small(), own);
        assertEquals(12, whole.image().data().length);
        assertEquals(null, whole.crop());
    }

    @Test
    void threeDimensionalHoleIsFilledAndNormalisedWithTheMask() {
        // a 3×3×3 block of 2 with a 0 in its centre, inside 5×5×5 zeros
        long[] size = {5, 5, 5};
        float[] d = new float[125];
        for (int z = 1; z <= 3; z++) {
            for (int y = 1; y <= 3; y++) {
                for (int x = 1; x <= 3; x++) {
                    d[x + 5 * y + 25 * z] = 2;
                }
            }
        }
        d[2 + 5 * 2 + 25 * 2] = 0;
        ImageVolume img = ImageVolume.wrap("vol", d, size, 1, new double[] {1, 1, 1});
        NonZeroCrop c = NonZeroCrop.of(img);
        assertArrayEquals(new long[] {1, 1, 1}, c.offset());
        assertArrayEquals(new long[] {3, 3, 3}, c.size());
        for (boolean inside : c.mask()) {
            assertEquals(true, inside);
        }
        Plan p = plan(true);
        p.configuration = "3d";
        p.targetSpacing = new double[] {1, 1, 1};
        float[] out = Preprocessor.preprocessImage(img, p).image().data();
        // 26 voxels of 2 and the filled centre: mean 52/27
        double mean = 52.0 / 27;
        double sd = Math.sqrt((26 * (2 - mean) * (2 - mean) + mean * mean) / 27);
        assertEquals((float) (-mean / sd), out[13], 1e-5f);
        assertEquals((float) ((2 - mean) / sd), out[0], 1e-5f);
    }

    @Test
    void pasteBackPutsBackgroundOutside() {
        NonZeroCrop c = NonZeroCrop.of(small());
        LabelVolume box = LabelVolume.wrap("case", new int[] {1, 2, 1, 1}, new long[] {2, 2}, new double[] {1, 1});
        LabelVolume full = c.paste(box, new double[] {1, 1});
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 2, 0, 0, 1, 1, 0}, full.data());
        ImageVolume probs = ImageVolume.wrap("case", new float[] {.2f, .3f, .4f, .5f, .8f, .7f, .6f, .5f},
                new long[] {2, 2}, 2, new double[] {1, 1});
        float[] back = c.paste(probs, new float[] {1, 0}, new double[] {1, 1}).data();
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, .2f, .3f, 1, 1, .4f, .5f, 1,
            0, 0, 0, 0, 0, .8f, .7f, 0, 0, .6f, .5f, 0}, back);
    }

    @Test
    void trainingCaseIsCutWithItsLabels() {
        LabelVolume labels = LabelVolume.wrap("case", new int[] {0, 0, 0, 0, 0, 1, 255, 0, 0, 1, 0, 0},
                new long[] {4, 3}, new double[] {1, 1});
        Plan p = plan(false);
        p.targets = org.maskseg.core.labels.Targets.classes(new LabelSpec(2, 255, List.of("background", "cell")));
        TrainingCase tc = Preprocessor.preprocessCase(small(), labels, p.targets.spec(), p);
        assertArrayEquals(new long[] {2, 2}, tc.labels().size());
        // canonical ignore is 2
        assertArrayEquals(new int[] {1, 2, 1, 0}, tc.labels().data());
        assertEquals(4, tc.image().data().length);
    }

    @Test
    void allZeroImageIsNotCut() {
        ImageVolume zero = ImageVolume.create("z", new long[] {3, 2}, 2, new double[] {1, 1});
        NonZeroCrop c = NonZeroCrop.of(zero);
        assertFalse(c.cuts());
        assertArrayEquals(new long[] {3, 2}, c.size());
    }

    @Test
    void planFilesKeepTheCropAndOmitItWhenOff() {
        Plan on = plan(false);
        com.fasterxml.jackson.databind.node.ObjectNode tree = org.maskseg.core.plan.PlanJson.toTree(on);
        assertEquals(true, tree.get("cropToNonZero").asBoolean());
        assertEquals(true, org.maskseg.core.plan.PlanJson.fromTree(tree, "test").cropToNonZero);
        Plan off = plan(false);
        off.cropToNonZero = false;
        // plan files of MaskSeg's own models stay as before
        assertFalse(org.maskseg.core.plan.PlanJson.toTree(off).has("cropToNonZero"));
    }
}
