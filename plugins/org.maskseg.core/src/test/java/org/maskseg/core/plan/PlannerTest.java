package org.maskseg.core.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.labels.LabelSpec;

/**
 * Plans for datasets whose expected values were worked out by hand from the rules in {@link Planner} and
 * {@link NetworkTopology}; each test shows the arithmetic. Memory: 40 bytes × (Σ features·voxels + (channels +
 * classes)·patch voxels); budget 8 GiB = 8589934592 bytes.
 */
class PlannerTest {

    private static final LabelSpec TWO_CLASSES = LabelSpec.withDefaultIgnore(2);

    /** A fingerprint with the given geometry; intensities are irrelevant for geometry. */
    static DatasetFingerprint geometry(int cases, double[] spacing, long[] size) {
        List<double[]> spacings = new ArrayList<>();
        List<long[]> sizes = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            spacings.add(spacing.clone());
            sizes.add(size.clone());
        }
        return geometry(spacings, sizes);
    }

    static DatasetFingerprint geometry(List<double[]> spacings, List<long[]> sizes) {
        int n = spacings.size();
        int dims = spacings.get(0).length;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("case" + i);
        }
        double[] med = new double[dims];
        double[] medSize = new double[dims];
        for (int a = 0; a < dims; a++) {
            double[] s = new double[n];
            double[] z = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = spacings.get(i)[a];
                z[i] = sizes.get(i)[a];
            }
            Arrays.sort(s);
            Arrays.sort(z);
            med[a] = DatasetFingerprint.percentileOfSorted(s, 50);
            medSize[a] = DatasetFingerprint.percentileOfSorted(z, 50);
        }
        var intensities = List.of(new DatasetFingerprint.ChannelIntensities(100, 10, 2, 0, 20, 10, 1, 19));
        long[] maxSize = new long[dims];
        for (long[] sz : sizes) {
            for (int a = 0; a < dims; a++) {
                maxSize[a] = Math.max(maxSize[a], sz[a]);
            }
        }
        return new DatasetFingerprint(names, spacings, sizes, 1, med, med, med, medSize, new long[dims], maxSize,
                intensities, new long[] {900, 100}, new double[] {1, 1}, new double[n]);
    }

    @Test
    void nuclei2d256() {
        // 256² at spacing 1: initial patch min(2048, 256) = 256. Pools while size >= 8, at most 6:
        // 256 -> 128 -> 64 -> 32 -> 16 -> 8 -> 4, six pools, seven stages; 256 is divisible by 64.
        // Memory: features 32·65536 + 64·16384 + 128·4096 + 256·1024 + 512·256 + 512·64 + 512·16 = 4104192,
        // plus 3·65536 = 196608 -> 4300800 units × 40 = 172032000 B; 8 GiB / that = 49.9 -> 49.
        // 5% of 40 cases × 65536 voxels / 65536 = 2 -> batch 2.
        Plan plan = Planner.plan(geometry(40, new double[] {1, 1}, new long[] {256, 256}), TWO_CLASSES);
        assertEquals("2d", plan.configuration());
        assertArrayEquals(new int[] {256, 256}, plan.patchSize());
        assertEquals(7, plan.network().numStages());
        assertArrayEquals(new int[] {32, 64, 128, 256, 512, 512, 512}, plan.network().features());
        assertArrayEquals(new int[] {1, 1}, plan.network().strides()[0]);
        for (int s = 1; s < 7; s++) {
            assertArrayEquals(new int[] {2, 2}, plan.network().strides()[s]);
            assertArrayEquals(new int[] {3, 3}, plan.network().kernelSizes()[s]);
        }
        assertEquals(2, plan.batchSize());
        assertArrayEquals(new double[] {1, 1}, plan.targetSpacing());
        assertTrue(plan.batchDice());
        assertEquals(List.of("zscore"), plan.normalization().schemes());
        assertFalse(plan.normalization().useMask()[0]);
        assertEquals(2, plan.targets().numClasses());
        assertEquals(2, plan.targets().ignoreValue());

        // 334 cases: 5% bound = 334 × 0.05 = 16.7 -> 17 patches (below the memory bound of 49).
        Plan full = Planner.plan(geometry(334, new double[] {1, 1}, new long[] {256, 256}), TWO_CLASSES);
        assertEquals(17, full.batchSize());
        // The user's cap wins over both.
        Plan capped = Planner.plan(geometry(334, new double[] {1, 1}, new long[] {256, 256}), TWO_CLASSES,
                PlannerOptions.defaults().withMaxBatchSize(12));
        assertEquals(12, capped.batchSize());
    }

    @Test
    void calibrationReproducesReferenceConfigurations() {
        // 2D 512²: 7 stages (6 pools, cap), features sum 16416768 + 3·262144 = 17203200 units × 40 = 688128000 B;
        // 8 GiB / that = 12.48 -> batch 12. 1000 cases keep the 5% bound (50) out of the way.
        Plan p2 = Planner.plan(geometry(1000, new double[] {1, 1}, new long[] {512, 512}), TWO_CLASSES);
        assertArrayEquals(new int[] {512, 512}, p2.patchSize());
        assertEquals(7, p2.network().numStages());
        assertEquals(12, p2.batchSize());
    }

    @Test
    void isotropic3d128() {
        // 128³ at 1 mm: initial patch min(256, 128) = 128; 128 -> 64 -> 32 -> 16 -> 8 -> 4: five pools (cap 5),
        // six stages, features 32, 64, 128, 256, 320, 320.
        // Memory: 32·2097152 + 64·262144 + 128·32768 + 256·4096 + 320·512 + 320·64 = 89313280, plus 3·2097152
        // -> 95604736 units × 40 = 3824189440 B; two fit into 8 GiB, 8 GiB / that = 2.25 -> batch 2.
        Plan plan = Planner.plan(geometry(100, new double[] {1, 1, 1}, new long[] {128, 128, 128}), TWO_CLASSES);
        assertEquals("3d", plan.configuration());
        assertArrayEquals(new int[] {128, 128, 128}, plan.patchSize());
        assertEquals(6, plan.network().numStages());
        assertArrayEquals(new int[] {32, 64, 128, 256, 320, 320}, plan.network().features());
        assertEquals(2, plan.batchSize());
        assertFalse(plan.batchDice());
        assertArrayEquals(new double[] {1, 1, 1}, plan.targetSpacing());
        for (int s = 0; s < 6; s++) {
            assertArrayEquals(new int[] {3, 3, 3}, plan.network().kernelSizes()[s]);
        }
    }

    @Test
    void anisotropic3d() {
        // Spacing (0.8, 0.8, 5), size 256×256×30: z is coarse (5 > 3·0.8) and short (30·3 < 256), its 10th
        // percentile is 5, so the target stays (0.8, 0.8, 5).
        // Initial patch: scale = (256³ / (1.25·1.25·0.2))^(1/3) = 377.2 -> (472, 472, 75), clipped to (256, 256, 30).
        // Topology: z waits until x/y spacing reaches 3.2 (5 / 3.2 < 2): strides (2,2,1) twice, then (2,2,2)
        // three times; x/y hit the cap of 5; kernels (3,3,1) in the first two stages. Divisor (32, 32, 8): patch z
        // 30 -> 32. Memory of (256, 256, 32): 128663552 units × 40 B = 5.15 GB, two do not fit into 8 GiB.
        // Shrink z (32/30 is the largest ratio to the median): (256, 256, 24) has z divisor 4 -> z = 28, z pools
        // twice now. Memory 112652288 × 40 = 4.51 GB: two still too much. Shrink x (ratios 1, 1, 0.93; first):
        // divisor of 224 is 32 -> x = 224. Memory 98570752 × 40 = 3.94 GB: fits twice -> batch 2.
        Plan plan = Planner.plan(geometry(20, new double[] {0.8, 0.8, 5}, new long[] {256, 256, 30}), TWO_CLASSES);
        assertArrayEquals(new double[] {0.8, 0.8, 5}, plan.targetSpacing());
        assertArrayEquals(new int[] {224, 256, 28}, plan.patchSize());
        assertEquals(6, plan.network().numStages());
        int[][] strides = {{1, 1, 1}, {2, 2, 1}, {2, 2, 1}, {2, 2, 2}, {2, 2, 2}, {2, 2, 1}};
        assertEquals(Arrays.deepToString(strides), Arrays.deepToString(plan.network().strides()));
        int[][] kernels = {{3, 3, 1}, {3, 3, 1}, {3, 3, 3}, {3, 3, 3}, {3, 3, 3}, {3, 3, 3}};
        assertEquals(Arrays.deepToString(kernels), Arrays.deepToString(plan.network().kernelSizes()));
        assertEquals(2, plan.batchSize());
    }

    @Test
    void tiny2dImagesGetFewerStages() {
        // 20×20: 20 -> 10 -> 5 (5 < 8 stops): two pools, three stages; 20 is divisible by 4.
        // 5% bound: 10 × 400 × 0.05 / 400 = 0.5 -> 0 -> raised to the minimum batch 2.
        Plan plan = Planner.plan(geometry(10, new double[] {1, 1}, new long[] {20, 20}), TWO_CLASSES);
        assertArrayEquals(new int[] {20, 20}, plan.patchSize());
        assertEquals(3, plan.network().numStages());
        assertArrayEquals(new int[] {32, 64, 128}, plan.network().features());
        assertEquals(2, plan.batchSize());
    }

    @Test
    void oddSizesAreRoundedUpToTheStrideMultiple() {
        // 100×60 at spacing 1: x 100 -> 50 -> 25 -> 13 -> 7, y 60 -> 30 -> 15 -> 8 -> 4; then neither is >= 8.
        // Both axes pool four times: divisor 16; 100 -> 112, 60 -> 64.
        Plan plan = Planner.plan(geometry(10, new double[] {1, 1}, new long[] {100, 60}), TWO_CLASSES);
        assertEquals(5, plan.network().numStages());
        assertArrayEquals(new int[] {112, 64}, plan.patchSize());
    }

    @Test
    void slices2dOn3dData() {
        // 2d on 128³ volumes: patch 128², 128 -> 4 in five pools (below the 2D cap of 6), six stages, 2D features
        // capped at 512. Memory: 32·16384 + 64·4096 + 128·1024 + 256·256 + 512·64 + 512·16 = 1024000 + 3·16384
        // = 1073152 units × 40 = 42926080 B -> 8 GiB / that = 200.1 -> 200; 5% bound: 100 × 128³ × 0.05 / 16384
        // = 640.
        Plan plan = Planner.plan(geometry(100, new double[] {1, 1, 2}, new long[] {128, 128, 128}), TWO_CLASSES,
                PlannerOptions.defaults().withConfiguration("2d"));
        assertEquals("2d", plan.configuration());
        assertArrayEquals(new double[] {1, 1}, plan.targetSpacing());
        assertArrayEquals(new int[] {128, 128}, plan.patchSize());
        assertArrayEquals(new int[] {32, 64, 128, 256, 512, 512}, plan.network().features());
        assertEquals(200, plan.batchSize());
    }

    @Test
    void singleSliceVolumesArePlannedIn2d() {
        // 64×64×1 volumes: 2d by default, patch 64², 64 -> 32 -> 16 -> 8 -> 4: four pools, five stages;
        // and 3d is refused.
        DatasetFingerprint fp = geometry(10, new double[] {1, 1, 1}, new long[] {64, 64, 1});
        Plan plan = Planner.plan(fp, TWO_CLASSES);
        assertEquals("2d", plan.configuration());
        assertArrayEquals(new int[] {64, 64}, plan.patchSize());
        assertEquals(5, plan.network().numStages());
        assertThrows(InvalidInputException.class,
                () -> Planner.plan(fp, TWO_CLASSES, PlannerOptions.defaults().withConfiguration("3d")));
    }

    @Test
    void smallerBudgetShrinksThePatch() {
        // 1 GiB for 3D 128³: one 128³ patch needs 3.8 GB, so the patch shrinks until two fit.
        Plan plan = Planner.plan(geometry(100, new double[] {1, 1, 1}, new long[] {128, 128, 128}), TWO_CLASSES,
                PlannerOptions.defaults().withMemoryBudgetGiB(1));
        var topology = NetworkTopology.of(plan.targetSpacing(), plan.patchSize(), Planner.MAX_POOLS_3D);
        double bytes = Planner.patchBytes(topology, 320, 1, 2);
        assertTrue(2 * bytes <= 1024.0 * 1024 * 1024, "two patches fit: " + bytes);
        assertTrue(Arrays.stream(plan.patchSize()).max().getAsInt() < 128);
        assertEquals(2, plan.batchSize());
    }

    @Test
    void anisotropicTargetUsesTenthPercentile() {
        // z spacings 3, 5, 5, 6, 10: median 5 > 3·0.8, median z size 20·3 < 200: the 10th percentile
        // (position 0.4 between 3 and 5) = 3.8 becomes the target.
        List<double[]> sp = new ArrayList<>();
        List<long[]> sz = new ArrayList<>();
        for (double z : new double[] {3, 5, 5, 6, 10}) {
            sp.add(new double[] {0.8, 0.8, z});
            sz.add(new long[] {200, 200, 20});
        }
        assertArrayEquals(new double[] {0.8, 0.8, 3.8}, Planner.targetSpacing(geometry(sp, sz)), 1e-12);

        // z spacings 0.5, 0.5, 5, 5, 5: the 10th percentile 0.5 is finer than x/y; clamped to 0.8 + 1e-5.
        sp.clear();
        for (double z : new double[] {0.5, 0.5, 5, 5, 5}) {
            sp.add(new double[] {0.8, 0.8, z});
        }
        assertArrayEquals(new double[] {0.8, 0.8, 0.80001}, Planner.targetSpacing(geometry(sp, sz)), 1e-12);

        // Many slices along z (200·3 is not below 200): the median is kept.
        List<long[]> thick = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            thick.add(new long[] {200, 200, 200});
        }
        sp.clear();
        for (double z : new double[] {3, 5, 5, 6, 10}) {
            sp.add(new double[] {0.8, 0.8, z});
        }
        assertArrayEquals(new double[] {0.8, 0.8, 5}, Planner.targetSpacing(geometry(sp, thick)), 1e-12);
    }

    @Test
    void ctChannelUsesDatasetStatistics() {
        Plan plan = Planner.plan(geometry(10, new double[] {1, 1}, new long[] {64, 64}), TWO_CLASSES,
                PlannerOptions.defaults().withChannelModalities(List.of("CT")));
        assertEquals(List.of("ct"), plan.normalization().schemes());
        assertEquals(1, plan.normalization().clipLow()[0]);
        assertEquals(19, plan.normalization().clipHigh()[0]);
        assertEquals(10, plan.normalization().mean()[0]);
        assertEquals(2, plan.normalization().std()[0]);
    }

    @Test
    void channelNamesSelectNnUnetNormalisations() {
        assertEquals("ct", Planner.scheme("CT"));
        assertEquals("ct", Planner.scheme(" ct "));
        assertEquals("none", Planner.scheme("noNorm"));
        assertEquals("zscore", Planner.scheme("zscore"));
        assertEquals("rescale_to_0_1", Planner.scheme("Rescale_To_0_1"));
        assertEquals("rgb_to_0_1", Planner.scheme("rgb_to_0_1"));
        assertEquals("zscore", Planner.scheme("T2"));
        assertEquals("zscore", Planner.scheme("MRI"));
        Plan plan = Planner.plan(geometry(10, new double[] {1, 1}, new long[] {64, 64}), TWO_CLASSES,
                PlannerOptions.defaults().withChannelModalities(List.of("noNorm")));
        assertEquals(List.of("none"), plan.normalization().schemes());
    }

    @Test
    void overridesAreAppliedAndValidated() {
        // A new patch gets its own network: 128 -> 4 in five pools, 192 -> 6 in five pools (6 < 8): six stages.
        Plan plan = Planner.plan(geometry(40, new double[] {1, 1}, new long[] {256, 256}), TWO_CLASSES,
                PlannerOptions.defaults().withOverrides("{\"patchSize\": [128, 192], \"batchSize\": 4}"));
        assertArrayEquals(new int[] {128, 192}, plan.patchSize());
        assertEquals(4, plan.batchSize());
        assertEquals(6, plan.network().numStages());
        assertArrayEquals(new int[] {32, 64, 128, 256, 512, 512}, plan.network().features());
        assertEquals(6, plan.network().strides().length);

        // 100 pools four times (100 -> 50 -> 25 -> 13 -> 7); then 128 has reached 8, too short to be pooled
        // alone (needs 12): four pools each, multiples of 16, and 112 is suggested for 100.
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Planner.plan(geometry(40, new double[] {1, 1}, new long[] {256, 256}), TWO_CLASSES,
                        PlannerOptions.defaults().withOverrides("{\"patchSize\": [100, 128]}")));
        assertTrue(e.getMessage().contains("divisible by [16, 16]; use [112, 128]"), e.getMessage());

        // With an explicit network, the patch is checked against it instead.
        e = assertThrows(InvalidInputException.class,
                () -> Planner.plan(geometry(40, new double[] {1, 1}, new long[] {256, 256}), TWO_CLASSES,
                        PlannerOptions.defaults().withOverrides(
                                "{\"patchSize\": [96, 128], \"network\": {\"convsPerStage\": 2}}")));
        assertTrue(e.getMessage().contains("patchSize[0] = 96 is not divisible by 64"), e.getMessage());

        // Other overrides keep the planned network.
        Plan epochs = Planner.plan(geometry(40, new double[] {1, 1}, new long[] {256, 256}), TWO_CLASSES,
                PlannerOptions.defaults().withOverrides("{\"training\": {\"epochs\": 3}}"));
        assertEquals(7, epochs.network().numStages());
        assertEquals(3, epochs.training().epochs());
    }

    @Test
    void badOptionsAreRefused() {
        DatasetFingerprint fp2d = geometry(4, new double[] {1, 1}, new long[] {64, 64});
        assertThrows(InvalidInputException.class,
                () -> Planner.plan(fp2d, TWO_CLASSES, PlannerOptions.defaults().withConfiguration("3d")));
        assertThrows(InvalidInputException.class,
                () -> Planner.plan(fp2d, TWO_CLASSES, PlannerOptions.defaults().withConfiguration("3d_fullres")));
        assertThrows(InvalidInputException.class,
                () -> Planner.plan(fp2d, TWO_CLASSES, PlannerOptions.defaults().withMemoryBudgetGiB(0)));
        assertThrows(InvalidInputException.class, () -> Planner.plan(fp2d, TWO_CLASSES,
                PlannerOptions.defaults().withChannelModalities(List.of("CT", "MR"))));
    }
}
