package org.maskseg.core.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.plan.DeviceSizing.Candidate;
import org.maskseg.core.plan.DeviceSizing.Decision;

/**
 * The sizing rule with injected device speeds: seconds per step = k × batch × patch voxels / feature divisor, so
 * that every estimate and choice can be computed by hand. A budget of 100 s gives 0.85 × 100 = 85 s of steps, so
 * 500 steps need at most 0.17 s per step.
 */
class DeviceSizingTest {

    private static final double BUDGET = 100;

    /** nnU-Net's plan for 128² images at spacing 1: patch 128², 6 stages; batch 4. */
    private static Plan plan128() {
        NetworkTopology t = NetworkTopology.of(new double[] {1, 1}, new int[] {128, 128}, Planner.MAX_POOLS_2D);
        return Plan.builder()
                .configuration("2d")
                .targetSpacing(1, 1)
                .patchSize(128, 128)
                .batchSize(4)
                .network(n -> n.numStages(t.numStages())
                        .strides(t.strides())
                        .kernelSizes(t.kernelSizes())
                        .features(Planner.features(t.numStages(), Planner.MAX_FEATURES_2D)))
                .build();
    }

    private static final Candidate PLANNED = new Candidate(new int[] {128, 128}, 4, 1);

    /** A device whose step takes k seconds per voxel of the batch, at full width; records what it measured. */
    private static final class Device implements DeviceSizing.StepTimer {
        final double k;
        final double kPlanned;
        final List<Candidate> measured = new ArrayList<>();

        Device(double k) {
            this(k, k);
        }

        /** A device on which the planned configuration runs at kPlanned per voxel, every other one at k. */
        Device(double k, double kPlanned) {
            this.k = k;
            this.kPlanned = kPlanned;
        }

        @Override
        public double secondsPerStep(Candidate c, double estimate) {
            measured.add(c);
            double kk = c.equals(PLANNED) ? kPlanned : k;
            return kk * c.voxelsPerStep() / c.featureDivisor();
        }
    }

    @Test
    void thePatchShrinksAxisByAxisByTheDivisorOfItsNetwork() {
        List<int[]> patches = DeviceSizing.patches(new double[] {1, 1}, new int[] {128, 128}, new int[] {32, 32}, 6);
        int[][] expected = {{128, 128}, {112, 128}, {112, 112}, {96, 112}, {96, 96}, {80, 96}, {80, 80}, {64, 80},
            {64, 64}, {56, 64}, {56, 56}, {48, 56}, {48, 48}, {40, 48}, {40, 40}, {32, 40}, {32, 32}};
        assertEquals(expected.length, patches.size());
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], patches.get(i), "patch " + i);
        }
        // the physically longer axis shrinks first: y at spacing 2 is 256 units long against x's 128
        List<int[]> aniso = DeviceSizing.patches(new double[] {1, 2}, new int[] {128, 128}, new int[] {32, 32}, 6);
        assertEquals(128, aniso.get(1)[0]);
        assertTrue(aniso.get(1)[1] < 128);
    }

    @Test
    void aFastDeviceKeepsNnUNetsPlanExactly() {
        Plan plan = plan128();
        Device fast = new Device(1e-6);
        Decision d = DeviceSizing.decide(plan, BUDGET, new int[] {32, 32}, fast);
        // 1e-6 × 4 × 128² = 0.065536 s per step: ⌊85 / 0.065536⌋ = ⌊1296.997⌋ = 1296 steps ≥ 500
        assertEquals(0.065536, d.plannedSecondsPerStep(), 1e-12);
        assertEquals(1296, d.plannedSteps());
        assertTrue(d.plannedMeasured());
        assertFalse(d.changed());
        assertEquals(List.of(new Candidate(new int[] {32, 32}, 2, 1), PLANNED), fast.measured,
                "the smallest and the planned configuration are measured");
        assertEquals(PlanJson.toJson(plan), PlanJson.toJson(DeviceSizing.sizedPlan(plan, d.chosen())));
        assertTrue(d.describe("cpu()", 0.5).get(1).startsWith("device sizing kept the plan"), d.describe("cpu()", 0.5)
                .toString());
    }

    @Test
    void aSlowDeviceGetsTheLargestConfigurationThatReachesTheTargetSteps() {
        Plan plan = plan128();
        Device slow = new Device(1e-5);
        Decision d = DeviceSizing.decide(plan, BUDGET, new int[] {32, 32}, slow);
        // planned: 1e-5 × 65536 = 0.65536 s, ⌊85 / 0.65536⌋ = 129 steps. 500 steps need ≤ 17,000 voxels per step:
        // 64² × 4 = 16,384 is the most (96² × 2 = 18,432 is too many; 80×96 × 2 and 64×80 × 3 give 15,360)
        assertEquals(129, d.plannedSteps());
        assertTrue(d.changed());
        assertEquals(new Candidate(new int[] {64, 64}, 4, 1), d.chosen());
        assertEquals(0.16384, d.secondsPerStep(), 1e-12);
        assertTrue(d.measured());
        assertEquals(518, d.steps()); // ⌊85 / 0.16384⌋
        assertEquals(3, slow.measured.size(), "the smallest, the planned and the chosen configuration are measured");
        assertEquals(17 * 3 * 2, d.candidates()); // 17 patches × batches 4, 3, 2 × 2 widths

        Plan sized = DeviceSizing.sizedPlan(plan, d.chosen());
        assertArrayEquals(new int[] {64, 64}, sized.patchSize());
        assertEquals(4, sized.batchSize());
        NetworkTopology t = NetworkTopology.of(new double[] {1, 1}, new int[] {64, 64}, Planner.MAX_POOLS_2D);
        assertEquals(t.numStages(), sized.network().numStages());
        assertEquals(5, sized.network().numStages()); // 64 → 4 in four halvings
        assertArrayEquals(new int[] {32, 64, 128, 256, 512}, sized.network().features());
        // the input plan is left as it was
        assertArrayEquals(new int[] {128, 128}, plan.patchSize());
        List<String> lines = d.describe("cpu() in fp32", 2.0);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).contains("cpu() in fp32 (measured in 2.0 s of the budget): the planned patch [128, "
                + "128], batch 4 takes 0.655 s per step (measured), about 129 steps in the budget (target 500)"),
                lines.get(0));
        assertTrue(lines.get(1).contains("chose patch [64, 64], batch 4 (0.164 s per step, measured; about 518 steps)"),
                lines.get(1));
    }

    @Test
    void theObjectSizeFloorIsRespectedAndNarrowerFeaturesComeLast() {
        Plan plan = plan128();
        Decision d = DeviceSizing.decide(plan, BUDGET, new int[] {96, 96}, new Device(1e-5));
        // no full-width patch of at least 96² reaches 500 steps (96² × 2 = 18,432 voxels > 17,000); at half width
        // 34,000 voxels fit: 128² × 2 = 32,768 is the most. 1e-5 × 32,768 / 2 = 0.16384 s → 518 steps
        assertEquals(new Candidate(new int[] {128, 128}, 2, 2), d.chosen());
        assertEquals(518, d.steps());
        Plan sized = DeviceSizing.sizedPlan(plan, d.chosen());
        assertArrayEquals(new int[] {16, 32, 64, 128, 256, 256}, sized.network().features());
        for (Candidate c : DeviceSizing.candidates(plan, new int[] {96, 96})) {
            assertTrue(c.patchSize()[0] >= 96 && c.patchSize()[1] >= 96, c.toString());
        }
    }

    @Test
    void whenNothingReachesTheTargetTheConfigurationWithTheMostStepsIsChosen() {
        Decision d = DeviceSizing.decide(plan128(), BUDGET, new int[] {96, 96}, new Device(1e-3));
        // not even half width reaches the target (96² × 2 / 2: 9.216 s, 9 steps): the full width's least work,
        // 96² × 2, 1e-3 × 18,432 = 18.432 s → ⌊85 / 18.432⌋ = 4 steps
        assertEquals(new Candidate(new int[] {96, 96}, 2, 1), d.chosen());
        assertEquals(4, d.steps());
        assertTrue(d.reason().contains("the full-width one with the most steps"), d.reason());
        for (Candidate c : DeviceSizing.candidates(plan128(), new int[] {96, 96})) {
            assertTrue(c.featureDivisor() <= 2, "never narrower than half the planned width: " + c);
        }
    }

    @Test
    void anEstimateThatIsOffByMoreThanTheFactorIsCorrectedOnce() {
        // the planned configuration measures 1e-5 per voxel, all others three times that
        Device uneven = new Device(3e-5, 1e-5);
        Decision d = DeviceSizing.decide(plan128(), BUDGET, new int[] {32, 32}, uneven);
        // estimated from the planned measurement, the first choice 64² × 4 (0.16384 s) measures 0.49152 s, 3× off:
        // scaled to that, 500 steps need ≤ 5,666 voxels; 48×56 × 2 = 5,376 is the most.
        // Measured: 3e-5 × 5,376 = 0.16128 s → ⌊85 / 0.16128⌋ = 527
        assertEquals(4, uneven.measured.size());
        assertEquals(new Candidate(new int[] {64, 64}, 4, 1), uneven.measured.get(2));
        assertEquals(new Candidate(new int[] {48, 56}, 2, 1), d.chosen());
        assertEquals(0.16128, d.secondsPerStep(), 1e-12);
        assertEquals(527, d.steps());
        assertEquals(4, d.measurements().size());
    }

    @Test
    void anEstimateWithinTheFactorIsNotMeasuredAgain() {
        // everything but the planned configuration runs 1.4 × slower than estimated: within the factor 1.5
        Device close = new Device(1.4e-5, 1e-5);
        Decision d = DeviceSizing.decide(plan128(), BUDGET, new int[] {32, 32}, close);
        assertEquals(3, close.measured.size());
        assertEquals(new Candidate(new int[] {64, 64}, 4, 1), d.chosen());
        assertEquals(1.4e-5 * 16384, d.secondsPerStep(), 1e-12);
        assertEquals((long) Math.floor(85 / (1.4e-5 * 16384)), d.steps()); // 370: the estimate had promised 518
        assertTrue(d.reason().endsWith("estimated to reach 500 steps (measured, it reaches fewer)"), d.reason());
    }

    @Test
    void whenTheTimerDeclinesTheEstimatesFromTheSmallestConfigurationStand() {
        // only the smallest configuration, 32² × 2, is measured: 1e-5 × 2048 = 0.02048 s
        Decision d = DeviceSizing.decide(plan128(), BUDGET, new int[] {32, 32},
                (c, estimate) -> Double.isNaN(estimate) ? 1e-5 * c.voxelsPerStep() : Double.NaN);
        assertFalse(d.plannedMeasured());
        assertEquals(0.65536, d.plannedSecondsPerStep(), 1e-12); // 0.02048 × 65,536 / 2,048
        assertEquals(129, d.plannedSteps());
        assertEquals(new Candidate(new int[] {64, 64}, 4, 1), d.chosen());
        assertFalse(d.measured());
        assertEquals(0.16384, d.secondsPerStep(), 1e-12);
        assertEquals(1, d.measurements().size());
        assertTrue(d.describe("cpu()", 1).get(0).contains("0.655 s per step (estimated from patch [32, 32], batch 2)"),
                d.describe("cpu()", 1).get(0));
        assertTrue(d.describe("cpu()", 1).get(1).contains("(0.164 s per step, estimated; about 518 steps)"),
                d.describe("cpu()", 1).get(1));
    }

    @Test
    void aDeviceWhoseSmallStepsCostAsMuchAsLargeOnesKeepsThePlan() {
        // as on a GPU: 0.05 s per step whatever the size, plus 1e-8 s per voxel. The smallest configuration would
        // suggest 0.05002 × 32 = 1.6 s for the planned one; measured it takes 0.05065536 s: ⌊85 / 0.05065536⌋ = 1678 steps
        Decision d = DeviceSizing.decide(plan128(), BUDGET, new int[] {32, 32},
                (c, estimate) -> 0.05 + 1e-8 * c.voxelsPerStep() / c.featureDivisor());
        assertFalse(d.changed());
        assertEquals(0.05065536, d.plannedSecondsPerStep(), 1e-12);
        assertEquals(1678, d.plannedSteps());
    }

    @Test
    void aChoiceThatMeasuresNoFasterThanThePlanIsDropped() {
        // the planned configuration runs at 1e-5 s per voxel (0.65536 s); everything else takes 1 s per step
        Decision d = DeviceSizing.decide(plan128(), BUDGET, new int[] {32, 32},
                (c, estimate) -> c.equals(PLANNED) ? 1e-5 * c.voxelsPerStep() : 1.0);
        assertFalse(d.changed());
        assertEquals(0.65536, d.secondsPerStep(), 1e-12);
        assertEquals(129, d.steps());
        // the smallest, the planned, the first choice 64² × 4 and, scaled to its 1 s for 16,384 voxels, the largest
        // estimated to reach 500 steps (≤ 0.17 s: ≤ 2,785 voxels): 32×40 × 2 = 2,560 voxels, 0.156 s
        assertEquals(4, d.measurements().size());
        assertEquals(new Candidate(new int[] {32, 40}, 2, 1), d.measurements().get(3).candidate());
        assertTrue(d.reason().contains("measured no faster (1.000 s per step)"), d.reason());
    }

    @Test
    void theMinimumPatchHoldsTheTypicalObjectWithContext() {
        // 100 × 40 labels, classes 0/1, ignore 2: objects 10, 20 and 30 wide, all 5 tall; an ignored band 100 wide
        int nx = 100;
        int ny = 40;
        int[] data = new int[nx * ny];
        fill(data, nx, 0, 9, 0, 4, 1);
        fill(data, nx, 20, 39, 10, 14, 1);
        fill(data, nx, 50, 79, 20, 24, 1);
        fill(data, nx, 0, 99, 35, 39, 2);
        LabelVolume l = LabelVolume.wrap("c", data, new long[] {nx, ny}, new double[] {1, 1});
        // x: 90th percentile of 10, 20, 30 = 20 + 0.8 × 10 = 28, × 2 = 56; y: 5 × 2 = 10, raised to 32
        assertArrayEquals(new int[] {56, 32}, DeviceSizing.minimumPatch(List.of(l), 2, new int[] {128, 128}));
        // never more than planned
        assertArrayEquals(new int[] {48, 32}, DeviceSizing.minimumPatch(List.of(l), 2, new int[] {48, 128}));
        // with three classes the band is a class (value 2) and the 100-wide object raises x:
        // 10, 20, 30, 100 → position 2.7 → 30 + 0.7 × 70 = 79, × 2 = 158, capped at 128
        assertArrayEquals(new int[] {128, 32}, DeviceSizing.minimumPatch(List.of(l), 3, new int[] {128, 128}));
        // no foreground at all: the absolute floor
        LabelVolume empty = LabelVolume.wrap("e", new int[nx * ny], new long[] {nx, ny}, new double[] {1, 1});
        assertArrayEquals(new int[] {32, 32}, DeviceSizing.minimumPatch(List.of(empty), 2, new int[] {128, 128}));
    }

    @Test
    void sparseLabelsRaiseTheMinimumPatchUntilItHoldsEnoughAnnotatedVoxels() {
        // 100 × 100 labels, all ignored (2) but a 5 × 10 object: 50 of 10,000 voxels annotated, share 0.005
        int n = 100;
        int[] data = new int[n * n];
        java.util.Arrays.fill(data, 2);
        fill(data, n, 40, 44, 40, 49, 1);
        LabelVolume l = LabelVolume.wrap("s", data, new long[] {n, n}, new double[] {1, 1});
        // the object gives 32 × 32 (10 × 2 = 20, raised to 32); 128 annotated voxels need 128 / 0.005 = 25,600
        // voxels: x stops at the planned 128, so y grows to 25,600 / 128 = 200
        assertArrayEquals(new int[] {128, 200}, DeviceSizing.minimumPatch(List.of(l), 2, new int[] {128, 256}));
        // without the cap both axes grow alike: ⌈32 f⌉² ≥ 25,600 first at 160 × 160
        assertArrayEquals(new int[] {160, 160}, DeviceSizing.holdingAnnotated(new int[] {32, 32},
                new int[] {256, 256}, 0.005));
        // a planned patch too small to hold them is the minimum
        assertArrayEquals(new int[] {96, 96}, DeviceSizing.minimumPatch(List.of(l), 2, new int[] {96, 96}));
        // dense labels: 128 annotated voxels fit into any patch, the object rule alone decides
        assertArrayEquals(new int[] {32, 32}, DeviceSizing.holdingAnnotated(new int[] {32, 32},
                new int[] {256, 256}, 1));
    }

    @Test
    void overridesOfPatchBatchOrNetworkFixTheConfiguration() {
        assertTrue(DeviceSizing.fixedByOverrides("{\"patchSize\": [64, 64]}"));
        assertTrue(DeviceSizing.fixedByOverrides("{\"batchSize\": 3}"));
        assertTrue(DeviceSizing.fixedByOverrides("{\"network\": {\"convsPerStage\": 2}}"));
        assertFalse(DeviceSizing.fixedByOverrides("{\"training\": {\"initialLearningRate\": 0.001}}"));
        assertFalse(DeviceSizing.fixedByOverrides(null));
        assertFalse(DeviceSizing.fixedByOverrides(" "));
    }

    @Test
    void badBudgetsAndMeasurementsAreRefusedClearly() {
        Plan plan = plan128();
        for (double b : new double[] {0, -5, Double.NaN, Double.POSITIVE_INFINITY}) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> DeviceSizing.decide(plan, b, new int[] {32, 32}, new Device(1e-5)));
            assertTrue(e.getMessage().contains("positive time budget"), e.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> DeviceSizing.decide(plan, BUDGET, new int[] {32, 32},
                (c, estimate) -> Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> DeviceSizing.decide(plan, BUDGET, new int[] {32},
                new Device(1e-5)));
    }

    @Test
    void theDecisionRecordNamesPlannedAndChosen() {
        Decision d = DeviceSizing.decide(plan128(), BUDGET, new int[] {32, 32}, new Device(1e-5));
        var m = d.toMap("cpu() in fp32", 1.5);
        assertEquals("cpu() in fp32", m.get("device"));
        assertEquals(500, m.get("targetSteps"));
        assertEquals(true, m.get("changed"));
        assertEquals(1.5, m.get("measurementSeconds"));
        @SuppressWarnings("unchecked")
        var chosen = (java.util.Map<String, Object>) m.get("chosen");
        assertArrayEquals(new int[] {64, 64}, (int[]) chosen.get("patchSize"));
        assertEquals(518L, chosen.get("estimatedSteps"));
        assertNotEquals(m.get("planned"), m.get("chosen"));
    }

    private static void fill(int[] data, int nx, int x0, int x1, int y0, int y1, int v) {
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                data[y * nx + x] = v;
            }
        }
    }
}
