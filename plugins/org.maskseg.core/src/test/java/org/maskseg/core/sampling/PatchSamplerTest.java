package org.maskseg.core.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.augment.PatchBuffer;
import org.maskseg.core.augment.SpatialTransform;
import org.maskseg.core.data.TestCases;
import org.maskseg.core.preprocess.TrainingCase;

class PatchSamplerTest {

    private static final int K = 3;
    private static final int IGNORE = K;

    /**
     * 64 x 64: class 1 in [20,24)x[20,24) (16 voxels), class 2 in [40,42)x[30,40) (20 voxels); annotated
     * (classes and background) only in [16,48)^2, ignore elsewhere.
     */
    private static TrainingCase sparseCase() {
        int n = 64;
        int[] labels = new int[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                int v = x >= 16 && x < 48 && y >= 16 && y < 48 ? 0 : IGNORE;
                if (x >= 20 && x < 24 && y >= 20 && y < 24) {
                    v = 1;
                }
                if (x >= 40 && x < 42 && y >= 30 && y < 40) {
                    v = 2;
                }
                labels[y * n + x] = v;
            }
        }
        return TestCases.indexed("sparse", new long[] {n, n}, labels);
    }

    private static int[] crop(TrainingCase c, PatchLocation loc, int[] patch, int channels) {
        PatchBuffer out = PatchBuffer.allocate(channels, patch);
        SpatialTransform.extract(c, loc, null, out);
        return out.labelCopy();
    }

    @Test
    void forcedCountFollowsPythonRounding() {
        // n - round(n (1 - p)), with round half to even as in Python.
        assertEquals(1, forcedCount(2, 0.33)); // round(1.34) = 1
        assertEquals(4, forcedCount(12, 0.33)); // round(8.04) = 8
        assertEquals(1, forcedCount(3, 0.33)); // round(2.01) = 2
        assertEquals(0, forcedCount(2, 0.25)); // round(1.5) = 2
        assertEquals(2, forcedCount(6, 0.25)); // round(4.5) = 4
        assertEquals(0, forcedCount(5, 0));
        assertEquals(5, forcedCount(5, 1));
        assertFalse(PatchSampler.isForcedForeground(7, 12, 0.33));
        assertTrue(PatchSampler.isForcedForeground(8, 12, 0.33));
    }

    /** Samples of a batch of n that are forced to contain foreground. */
    private static int forcedCount(int n, double oversampling) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            count += PatchSampler.isForcedForeground(i, n, oversampling) ? 1 : 0;
        }
        return count;
    }

    @Test
    void batchStatisticsOnSparselyAnnotatedCase() {
        TrainingCase c = sparseCase();
        int[] patch = {16, 16};
        PatchSampler sampler = new PatchSampler(List.of(c), patch, K, 0.33);
        SplittableRandom rng = new SplittableRandom(7);
        int batch = 5;
        int expectedForced = 2; // 5 - round(3.35)
        int[] classCount = new int[K];
        int unforced = 0, unforcedOnForeground = 0;
        int[] labels = c.labels().data();
        for (int b = 0; b < 400; b++) {
            int forced = 0;
            for (int i = 0; i < batch; i++) {
                PatchLocation loc = sampler.next(i, batch, rng);
                assertEquals(i >= batch - expectedForced, loc.forced(), "sample " + i);
                int[] s = loc.start();
                // The annotated area lies at least 16 voxels from the border, so no patch is shifted and
                // the chosen voxel is exactly at start + size / 2.
                int centre = labels[(s[1] + 8) * 64 + s[0] + 8];
                if (loc.forced()) {
                    forced++;
                    classCount[loc.forcedClass()]++;
                    assertEquals(loc.forcedClass(), centre);
                    int[] l = crop(c, loc, patch, 1);
                    assertTrue(java.util.Arrays.stream(l).anyMatch(v -> v == loc.forcedClass()));
                } else {
                    unforced++;
                    assertTrue(centre != IGNORE, "unforced patch centred on ignore voxel at " + loc);
                    unforcedOnForeground += centre > 0 ? 1 : 0;
                }
            }
            assertEquals(expectedForced, forced);
        }
        // Both classes are chosen about equally often (800 draws, binomial sd ~14).
        assertEquals(0, classCount[0]);
        assertTrue(Math.abs(classCount[1] - 400) < 70, "class 1 chosen " + classCount[1] + " times");
        // Unforced centres are uniform over annotated voxels: 36 of 1024 are foreground.
        double share = (double) unforcedOnForeground / unforced;
        assertTrue(share > 0.01 && share < 0.07, "foreground share of unforced centres " + share);
    }

    @Test
    void randomCropsWithoutIgnoreCoverAllPositions() {
        int n = 40;
        int[] labels = new int[n * n];
        labels[5 * n + 5] = 1;
        TrainingCase c = TestCases.indexed("dense", new long[] {n, n}, labels);
        PatchSampler sampler = new PatchSampler(List.of(c), new int[] {16, 8}, 2, 0.33);
        SplittableRandom rng = new SplittableRandom(1);
        int[] min = {Integer.MAX_VALUE, Integer.MAX_VALUE}, max = {Integer.MIN_VALUE, Integer.MIN_VALUE};
        double sumX = 0;
        int draws = 4000;
        for (int i = 0; i < draws; i++) {
            int[] s = sampler.sample(0, false, rng).start();
            for (int d = 0; d < 2; d++) {
                min[d] = Math.min(min[d], s[d]);
                max[d] = Math.max(max[d], s[d]);
            }
            sumX += s[0];
        }
        assertArrayEquals(new int[] {0, 0}, min);
        assertArrayEquals(new int[] {24, 32}, max);
        assertEquals(12, sumX / draws, 0.5);
        // The forced patch on the single foreground voxel near the corner is shifted inwards but keeps it.
        PatchLocation f = sampler.sample(0, true, rng);
        assertArrayEquals(new int[] {0, 1}, f.start()); // x: 5 - 8 -> 0; y: 5 - 4 = 1
        assertEquals(1, f.forcedClass());
    }

    @Test
    void forcedSampleWithoutForegroundFallsBackToAnnotatedVoxel() {
        int n = 32;
        int[] labels = new int[n * n];
        java.util.Arrays.fill(labels, 2);
        for (int y = 10; y < 14; y++) {
            for (int x = 12; x < 15; x++) {
                labels[y * n + x] = 0;
            }
        }
        TrainingCase c = TestCases.indexed("background only", new long[] {n, n}, labels);
        PatchSampler sampler = new PatchSampler(List.of(c), new int[] {8, 8}, 2, 1.0);
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            PatchLocation loc = sampler.sample(0, true, rng);
            assertEquals(-1, loc.forcedClass());
            int[] s = loc.start();
            assertEquals(0, labels[(s[1] + 4) * n + s[0] + 4]);
        }
    }

    @Test
    void imageSmallerThanPatchIsCentredAndPaddedWithBackground() {
        int n = 6;
        int[] labels = new int[n * n];
        java.util.Arrays.fill(labels, 2);
        labels[2 * n + 3] = 1;
        TrainingCase c = TestCases.indexed("small", new long[] {n, n}, labels);
        int[] patch = {10, 12};
        PatchSampler sampler = new PatchSampler(List.of(c), patch, 2, 0.5);
        SplittableRandom rng = new SplittableRandom(5);
        for (boolean forced : new boolean[] {true, false}) {
            PatchLocation loc = sampler.sample(0, forced, rng);
            assertArrayEquals(new int[] {-2, -3}, loc.start()); // floor((6 - 10) / 2), floor((6 - 12) / 2)
            PatchBuffer out = PatchBuffer.allocate(1, patch);
            SpatialTransform.extract(c, loc, null, out);
            int[] l = out.labelCopy();
            float[] img = out.imageCopy();
            for (int y = 0; y < patch[1]; y++) {
                for (int x = 0; x < patch[0]; x++) {
                    int sx = x - 2, sy = y - 3;
                    boolean inside = sx >= 0 && sx < n && sy >= 0 && sy < n;
                    int i = y * patch[0] + x;
                    assertEquals(inside ? labels[sy * n + sx] : 0, l[i], "label at " + x + "," + y);
                    assertEquals(inside ? sy * n + sx : 0, img[i], 0f);
                }
            }
        }
    }

    @Test
    void slicesOfVolumesFollowTheClass() {
        int nx = 24, ny = 20, nz = 10;
        int[] labels = new int[nx * ny * nz];
        // Class 1: one voxel in slice 3, many in slice 7; slices are chosen uniformly, not by voxel count.
        labels[(3 * ny + 10) * nx + 12] = 1;
        for (int i = 0; i < 50; i++) {
            labels[(7 * ny + 5 + i / 10) * nx + 4 + i % 10] = 1;
        }
        TrainingCase c = TestCases.indexed("volume", new long[] {nx, ny, nz}, labels);
        PatchSampler sampler = new PatchSampler(List.of(c), new int[] {8, 8}, 2, 0.33);
        SplittableRandom rng = new SplittableRandom(11);
        int[] slices = new int[nz];
        for (int i = 0; i < 1000; i++) {
            PatchLocation loc = sampler.sample(0, true, rng);
            slices[loc.slice()]++;
            int[] l = crop(c, loc, new int[] {8, 8}, 1);
            assertTrue(java.util.Arrays.stream(l).anyMatch(v -> v == 1), "slice patch without class: " + loc);
        }
        assertEquals(1000, slices[3] + slices[7]);
        assertTrue(Math.abs(slices[3] - 500) < 80, "slice 3 chosen " + slices[3] + " times");
        Set<Integer> random = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            random.add(sampler.sample(0, false, rng).slice());
        }
        assertEquals(nz, random.size());
    }

    @Test
    void locationsAreSubsampledDeterministically() {
        int nx = 500, ny = 400; // class 1: 150000 voxels -> 10000 kept; class 2: 10 voxels kept all
        int[] labels = new int[nx * ny];
        for (int i = 0; i < 150_000; i++) {
            labels[i] = 1;
        }
        for (int i = 0; i < 10; i++) {
            labels[190_000 + i * 7] = 2;
        }
        labels[199_999] = 3;
        TrainingCase c = TestCases.indexed("large", new long[] {nx, ny}, labels);
        ClassLocations a = ClassLocations.of(c, 3);
        ClassLocations b = ClassLocations.of(c, 3);
        int[] ones = a.classVoxels(1);
        assertEquals(ClassLocations.MAX_PER_CLASS, ones.length);
        assertArrayEquals(ones, b.classVoxels(1));
        for (int i = 0; i < ones.length; i++) {
            assertEquals(1, labels[ones[i]]);
            assertTrue(i == 0 || ones[i] > ones[i - 1]);
        }
        assertEquals(10, a.classVoxels(2).length);
        assertArrayEquals(new int[] {1, 2}, a.presentClasses());
        assertTrue(a.hasIgnore());
        // 199999 annotated voxels: 1 % of them is 2000, below the 10000 cap, so 10000 are kept.
        assertEquals(10_000, a.annotatedVoxels().length);
        // A very large class keeps 1 % of its voxels.
        int[] big = new int[3_000_000];
        TrainingCase l = TestCases.indexed("huge", new long[] {3000, 1000}, big);
        java.util.Arrays.fill(l.labels().data(), 1);
        assertEquals(30_000, ClassLocations.of(l, 2).classVoxels(1).length);
    }

    @Test
    void refusesLabelsOutsideTheCanonicalRange() {
        int[] labels = new int[16];
        labels[9] = 5;
        TrainingCase c = TestCases.indexed("bad", new long[] {4, 4}, labels);
        PatchSampler sampler = new PatchSampler(List.of(c), new int[] {2, 2}, 2, 0.33);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> sampler.next(0, 1, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("'bad'") && e.getMessage().contains("(1, 2)"), e.getMessage());
        assertThrows(InvalidInputException.class,
                () -> new PatchSampler(List.of(c), new int[] {2, 2, 2}, 2, 0.33));
        assertThrows(InvalidInputException.class, () -> new PatchSampler(List.of(), new int[] {2, 2}, 2, 0.33));
    }

    @Test
    void enlargedRegionSharesTheCentre() {
        PatchLocation loc = new PatchLocation(0, new int[] {10, 20}, -1, -1);
        int[] patch = {8, 8};
        assertArrayEquals(new int[] {6, 16}, loc.regionStart(patch, new int[] {16, 16}));
        assertArrayEquals(new double[] {13.5, 23.5}, loc.centre(patch));
        assertArrayEquals(new double[] {13.5, 23.5}, new PatchLocation(0, loc.regionStart(patch, new int[] {16, 16}),
                -1, -1).centre(new int[] {16, 16}));
    }
}
