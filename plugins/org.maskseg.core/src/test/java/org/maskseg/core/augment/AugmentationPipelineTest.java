package org.maskseg.core.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.data.TestCases;
import org.maskseg.core.preprocess.TrainingCase;
import org.maskseg.core.sampling.PatchLocation;
import org.maskseg.core.sampling.PatchSampler;

class AugmentationPipelineTest {

    @Test
    void defaultsFollowNnUNet() {
        assertEquals(180, AugmentationSettings.defaults(new int[] {128, 128}).rotationDegrees);
        assertEquals(15, AugmentationSettings.defaults(new int[] {256, 128}).rotationDegrees);
        assertEquals(30, AugmentationSettings.defaults(new int[] {64, 64, 64}).rotationDegrees);
        assertFalse(AugmentationSettings.defaults(new int[] {64, 64, 64}).inPlane);
        // Thin 3D patches (longest axis more than 3 times z) are augmented slice-wise, with ±180°.
        AugmentationSettings thin = AugmentationSettings.defaults(new int[] {160, 128, 56}); // 2.86
        assertFalse(thin.inPlane);
        thin = AugmentationSettings.defaults(new int[] {160, 128, 20});
        assertTrue(thin.inPlane);
        assertEquals(180, thin.rotationDegrees);
        assertTrue(AugmentationPipeline.none().isIdentity());
        assertEquals(8, new AugmentationPipeline(AugmentationSettings.defaults(new int[] {8, 8})).transforms().size());
    }

    @Test
    void disabledPipelineReproducesThePlainCrop() {
        TrainingCase c = TestCases.volume("v", 24, 1);
        int[] p = {10, 12, 8};
        PatchLocation loc = new PatchLocation(0, new int[] {3, -2, 9}, -1, -1);
        PatchBuffer crop = PatchBuffer.allocate(2, p);
        SpatialTransform.extract(c, loc, null, crop);
        PatchBuffer out = PatchBuffer.allocate(2, p);
        AugmentationPipeline.none().produce(c, loc, out, new SplittableRandom(1), new AugmentationScratch());
        assertArrayEquals(crop.imageCopy(), out.imageCopy(), 0f);
        assertArrayEquals(crop.labelCopy(), out.labelCopy());
    }

    @Test
    void fullAugmentationKeepsLabelValuesAndIgnoreIn2dAnd3d() {
        check(TestCases.nuclei(4, true), new int[] {80, 80}, 2, 60, true);
        check(List.of(TestCases.volume("a", 28, 1), TestCases.volume("b", 28, 2)), new int[] {16, 16, 16}, 3, 40, true);
        // 2D training on 3D cases: the ignore voxels fill whole slices, which are never sampled.
        check(List.of(TestCases.volume("c", 28, 3)), new int[] {20, 20}, 3, 40, false);
    }

    private static void check(List<TrainingCase> cases, int[] patch, int ignore, int patches, boolean expectIgnore) {
        AugmentationSettings s = AugmentationSettings.defaults(patch);
        s.rotationProbability = 1;
        s.scalingProbability = 1;
        AugmentationPipeline pipeline = new AugmentationPipeline(s);
        PatchSampler sampler = new PatchSampler(cases, patch, ignore, 0.33);
        SplittableRandom rng = new SplittableRandom(17);
        AugmentationScratch scratch = new AugmentationScratch();
        int channels = cases.get(0).image().channels();
        PatchBuffer out = PatchBuffer.allocate(channels, patch);
        long ignored = 0;
        for (int i = 0; i < patches; i++) {
            PatchLocation loc = sampler.sample(rng.nextInt(cases.size()), i % 3 == 2, rng);
            // Slices without any annotated voxel (the ignore slab z < n/4) are never chosen.
            assertTrue(loc.slice() < 0 || loc.slice() >= 7, "slice " + loc.slice());
            TrainingCase c = cases.get(loc.caseIndex());
            pipeline.produce(c, loc, out, rng, scratch);
            for (int v : out.labelCopy()) {
                assertTrue(v >= 0 && v <= ignore, "label " + v);
                ignored += v == ignore ? 1 : 0;
            }
            for (float v : out.imageCopy()) {
                assertFalse(Float.isNaN(v) || Float.isInfinite(v));
            }
        }
        assertEquals(expectIgnore, ignored > 0, "ignore voxels in the patches: " + ignored);
    }

    @Test
    void refusesBadSettingsByName() {
        AugmentationSettings s = AugmentationSettings.defaults(new int[] {8, 8});
        s.gammaProbability = 1.5;
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new AugmentationPipeline(s));
        assertTrue(e.getMessage().contains("gamma probability"), e.getMessage());
        AugmentationSettings t = AugmentationSettings.defaults(new int[] {8, 8});
        t.scaleMin = 0;
        assertThrows(InvalidInputException.class, () -> new AugmentationPipeline(t));
    }

    @Test
    void inPlaneAugmentationLeavesTheZAxisAlone() {
        SplittableRandom rng = new SplittableRandom(3);
        SpatialTransform spatial = new SpatialTransform(1, Math.PI, 1, 0.7, 1.4, true);
        for (int i = 0; i < 20; i++) {
            double[] m = spatial.drawMatrix(3, rng);
            assertArrayEquals(new double[] {0, 0, 0, 0, 1}, new double[] {m[2], m[5], m[6], m[7], m[8]}, 0);
            assertEquals(m[0], m[4], 1e-12); // rotation about z times one in-plane scale
        }
        // Low resolution in x and y only: an image that varies only along z is unchanged.
        int[] size = {8, 6, 5};
        PatchBuffer p = PatchBuffer.allocate(1, size);
        for (int i = 0; i < p.voxels(); i++) {
            p.image()[i] = i / 48;
        }
        float[] before = p.imageCopy();
        new LowResolutionTransform(1, 1, 0.5, 0.5, true).apply(p, rng, new AugmentationScratch());
        assertArrayEquals(before, p.imageCopy(), 0f);
        new LowResolutionTransform(1, 1, 0.5, 0.5, false).apply(p, rng, new AugmentationScratch());
        assertFalse(java.util.Arrays.equals(before, p.imageCopy()));
    }
}
