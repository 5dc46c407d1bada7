package org.maskseg.core.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.data.TestCases;
import org.maskseg.core.preprocess.TrainingCase;

/** Patch sampling on label codes: partial codes are annotated but never foreground. */
class PartialLabelSamplingTest {

    private static final int K = 3;
    private static final int IGNORE = K;
    /** "background or class 2" */
    private static final int MAYBE_2 = K + 2;
    /** "background or class 1" */
    private static final int MAYBE_1 = K + 1;

    /**
     * 32 x 32: class 1 in [4,6)x[4,6) (4 voxels); the left half x < 16 is otherwise "background or class 2", the
     * right half "background or class 1" except ignore for y ≥ 16.
     */
    private static TrainingCase partialCase() {
        int n = 32;
        int[] labels = new int[n * n];
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                int v = x < 16 ? MAYBE_2 : y < 16 ? MAYBE_1 : IGNORE;
                if (x >= 4 && x < 6 && y >= 4 && y < 6) {
                    v = 1;
                }
                labels[y * n + x] = v;
            }
        }
        return TestCases.indexed("partial", new long[] {n, n}, labels);
    }

    @Test
    void partialCodesAreAnnotatedButNotForeground() {
        TrainingCase c = partialCase();
        ClassLocations loc = ClassLocations.of(c, K);
        assertArrayEquals(new int[] {1}, loc.presentClasses());
        assertArrayEquals(new int[] {4 * 32 + 4, 4 * 32 + 5, 5 * 32 + 4, 5 * 32 + 5}, loc.classVoxels(1));
        assertEquals(0, loc.classVoxels(2).length);
        assertTrue(loc.hasIgnore());
        int[] annotated = loc.annotatedVoxels();
        // 512 left-half voxels (4 of them class 1) and 256 "background or class 1" voxels, all stored
        assertEquals(512 + 256, annotated.length);
        int[] labels = c.labels().data();
        for (int v : annotated) {
            assertTrue(labels[v] != IGNORE, "voxel " + v);
        }
    }

    @Test
    void forcedForegroundCentresOnLabelledVoxelsOnly() {
        TrainingCase c = partialCase();
        int[] patch = {4, 4};
        PatchSampler sampler = new PatchSampler(List.of(c), patch, K, 0.33);
        SplittableRandom rng = new SplittableRandom(3);
        int[] labels = c.labels().data();
        for (int i = 0; i < 200; i++) {
            PatchLocation forced = sampler.sample(0, true, rng);
            assertEquals(1, forced.forcedClass());
            // the centre voxel (start + patch/2) is one of the class-1 voxels
            int cx = forced.start()[0] + patch[0] / 2;
            int cy = forced.start()[1] + patch[1] / 2;
            assertEquals(1, labels[cy * 32 + cx], "forced patch at " + cx + "," + cy);
            PatchLocation free = sampler.sample(0, false, rng);
            int fx = free.start()[0] + patch[0] / 2;
            int fy = free.start()[1] + patch[1] / 2;
            assertTrue(labels[fy * 32 + fx] != IGNORE, "random patch centred on an annotated voxel");
        }
    }

    @Test
    void codesBeyondThePartialRangeAreRefused() {
        int[] labels = new int[16];
        labels[5] = K + 3; // K + all foreground bits is never a code: such a voxel is the ignore value
        TrainingCase c = TestCases.indexed("bad", new long[] {4, 4}, labels);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ClassLocations.of(c, K));
        assertTrue(e.getMessage().contains("partial-label code") && e.getMessage().contains("(1, 1)"),
                e.getMessage());
    }
}
