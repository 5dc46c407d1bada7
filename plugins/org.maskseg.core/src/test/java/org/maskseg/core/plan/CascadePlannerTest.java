package org.maskseg.core.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.labels.LabelSpec;

class CascadePlannerTest {

    private static final LabelSpec THREE_CLASSES = LabelSpec.withDefaultIgnore(3);

    @Test
    void largeImagesGetALowResolutionStageByNnUNetsRule() {
        DatasetFingerprint fp = CascadePlannerTestData.cubes(10, 256);
        PlannerOptions options = PlannerOptions.defaults().withMemoryBudgetGiB(CascadePlannerTestData.budgetFor(64))
                .withConfiguration(Planner.CASCADE);
        Plan plan = Planner.plan(fp, THREE_CLASSES, options);
        // the budget binds: both stages get 64³ patches
        assertArrayEquals(new int[] {64, 64, 64}, plan.patchSize);
        Plan low = plan.previousStage;
        assertArrayEquals(new int[] {64, 64, 64}, low.patchSize);
        // 64³ of 256³ is 1/64 < 1/4, so the spacing grows by 1.03 per step on all (isotropic) axes until
        // 64³ ≥ 0.25 · (256 / 1.03^k)³, i.e. 1.03^(3k) ≥ 16: k = ceil(ln 16 / (3 ln 1.03)) = ceil(31.27) = 32
        int k = (int) Math.ceil(Math.log(16) / (3 * Math.log(1.03)));
        assertEquals(32, k);
        double expected = Math.pow(1.03, 32);
        for (double s : low.targetSpacing) {
            assertEquals(expected, s, 1e-9);
        }
        assertArrayEquals(new double[] {1, 1, 1}, plan.targetSpacing);
        assertEquals(1, low.inputChannels);
        assertEquals(1 + 2, plan.inputChannels, "image channel plus one per foreground class");
        assertEquals(1, plan.imageChannels());
        assertEquals(2, plan.previousStageChannels());
        assertEquals("3d", plan.configuration);
        assertEquals("3d", low.configuration);
        assertEquals(plan.targets, low.targets);
    }

    @Test
    void smallImagesOrLargePatchesGetNone() {
        // the planned patch covers the whole 64³ image
        DatasetFingerprint small = CascadePlannerTestData.cubes(10, 64);
        Plan fullres = Planner.plan(small, THREE_CLASSES, PlannerOptions.defaults().withConfiguration("3d"));
        assertNull(Planner.cascade(fullres, small, PlannerOptions.defaults()));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Planner.plan(small, THREE_CLASSES,
                PlannerOptions.defaults().withConfiguration(Planner.CASCADE)));
        assertTrue(e.getMessage().contains("no low-resolution stage"), e.getMessage());
        assertTrue(e.getMessage().contains("100%"), e.getMessage());
    }

    @Test
    void anAnisotropicSpacingGrowsOnlyAlongTheFineAxesFirst() {
        // 256 x 256 x 64 voxels of 1 x 1 x 4: z is four times coarser, so x and y grow alone (by 1.03 per step)
        // until they are within twice z's spacing, which takes ceil(ln 2 / ln 1.03) = 24 steps
        DatasetFingerprint fp = CascadePlannerTestData.anisotropic(10);
        Plan plan = Planner.plan(fp, THREE_CLASSES, PlannerOptions.defaults().withMemoryBudgetGiB(
                CascadePlannerTestData.budgetFor(64)).withConfiguration(Planner.CASCADE));
        assertArrayEquals(new double[] {1, 1, 4}, plan.targetSpacing);
        double[] low = plan.previousStage.targetSpacing;
        assertEquals(low[0], low[1]);
        long steps = Math.round(Math.log(low[0]) / Math.log(1.03));
        assertEquals(Math.pow(1.03, steps), low[0], 1e-9, "x and y grew by whole steps of 1.03");
        double zSteps = Math.log(low[2] / 4) / Math.log(1.03);
        if (steps <= 24) {
            assertEquals(4, low[2], 1e-12, "z waits while x and y are more than twice finer");
        } else {
            // afterwards all axes grow together
            assertEquals(steps - 24, zSteps, 1e-6);
        }
        // it stopped once the patch covers a quarter of the median image at that spacing
        double medianVoxels = (256 / low[0]) * (256 / low[1]) * (64 * 4 / low[2]);
        int[] p = plan.previousStage.patchSize;
        assertTrue((double) p[0] * p[1] * p[2] / medianVoxels >= 0.25);
        assertTrue((double) plan.patchSize[0] * plan.patchSize[1] * plan.patchSize[2] / (256.0 * 256 * 64) < 0.25);
    }

    @Test
    void aLowResolutionStageTooCloseToFullResolutionIsDropped() {
        // 160³ images, patch 128³: it covers 51 % (at least 25 %), so no step is taken and the stage is dropped
        DatasetFingerprint mid = CascadePlannerTestData.cubes(10, 160);
        Plan fullres = Planner.plan(mid, THREE_CLASSES, PlannerOptions.defaults().withConfiguration("3d"));
        fullres.patchSize = new int[] {128, 128, 128};
        assertNull(Planner.cascade(fullres, mid, PlannerOptions.defaults()));
        // 256³ images, patch 96³ (5 %): steps are taken, but with an ample budget the low-resolution patch covers
        // the whole image after one step, which then has only 1.03³ = 1.09 < 2 times fewer voxels: dropped
        DatasetFingerprint large = CascadePlannerTestData.cubes(10, 256);
        PlannerOptions ample = PlannerOptions.defaults().withMemoryBudgetGiB(1000);
        Plan big = Planner.plan(large, THREE_CLASSES, ample.withConfiguration("3d"));
        big.patchSize = new int[] {96, 96, 96};
        assertNull(Planner.cascade(big, large, ample));
    }

    @Test
    void cascadePlansRoundTripAndNeedANewerReader() {
        DatasetFingerprint fp = CascadePlannerTestData.cubes(10, 256);
        Plan plan = Planner.plan(fp, THREE_CLASSES, PlannerOptions.defaults().withMemoryBudgetGiB(CascadePlannerTestData.budgetFor(64))
                .withConfiguration(Planner.CASCADE));
        String json = PlanJson.toJson(plan);
        assertTrue(json.contains("\"formatVersion\" : 2"), json);
        Plan back = PlanJson.fromJson(json, "test");
        assertEquals(json, PlanJson.toJson(back));
        assertEquals(back.targets, back.previousStage.targets);
        // a plan without a cascade keeps version 1, and overrides reach into the previous stage
        assertTrue(PlanJson.toJson(plan.previousStage).contains("\"formatVersion\" : 1"));
        Plan changed = PlanJson.applyOverrides(plan, "{\"previousStage\": {\"batchSize\": 5}}");
        assertEquals(5, changed.previousStage.batchSize);
        assertEquals(plan.batchSize, changed.batchSize);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> PlanJson.applyOverrides(plan, "{\"inputChannels\": 2}"));
        assertTrue(e.getMessage().contains("plus one per foreground class"), e.getMessage());
    }

    @Test
    void regionsAndTwoDimensionalDataAreRefused() {
        DatasetFingerprint fp = CascadePlannerTestData.cubes(10, 256);
        assertThrows(InvalidInputException.class, () -> Planner.plan(fp, THREE_CLASSES, PlannerOptions.defaults()
                .withMemoryBudgetGiB(CascadePlannerTestData.budgetFor(64)).withConfiguration(Planner.CASCADE).withRegions("a=1,2;b=2")));
    }
}
