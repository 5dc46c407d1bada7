package org.maskseg.core.annotate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;

class SparseAnnotationTest {

    private static final LabelSpec SPEC = new LabelSpec(3, -1, null);

    /** Random classes 0..2 on a 3D grid. */
    private static LabelVolume random3d(int nx, int ny, int nz, long seed) {
        Random r = new Random(seed);
        int[] d = new int[nx * ny * nz];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextInt(3);
        }
        return LabelVolume.wrap("vol", d, new long[] {nx, ny, nz}, new double[] {1, 1, 3});
    }

    /** Which slices along the axis keep any voxel; checks kept voxels equal the input. */
    private static boolean[] keptSlices(LabelVolume in, LabelVolume out, int axis) {
        long[] size = in.size();
        long stride = 1;
        for (int d = 0; d < axis; d++) {
            stride *= size[d];
        }
        boolean[] kept = new boolean[(int) size[axis]];
        boolean[] dropped = new boolean[kept.length];
        for (int i = 0; i < in.data().length; i++) {
            int s = (int) ((i / stride) % size[axis]);
            if (out.data()[i] == SPEC.ignoreValue()) {
                dropped[s] = true;
            } else {
                assertEquals(in.data()[i], out.data()[i]);
                kept[s] = true;
            }
        }
        for (int s = 0; s < kept.length; s++) {
            assertFalse(kept[s] && dropped[s], "slice " + s + " is partly kept");
        }
        return kept;
    }

    private static int[] indices(boolean[] b) {
        return java.util.stream.IntStream.range(0, b.length).filter(i -> b[i]).toArray();
    }

    @Test
    void everyNthSliceIsCentredAlongZ() {
        LabelVolume in = random3d(4, 3, 12, 1);
        // 12 slices, every 3rd: (11 mod 3) / 2 = 1 -> 1, 4, 7, 10
        assertArrayEquals(new int[] {1, 4, 7, 10},
                indices(keptSlices(in, SparseAnnotation.everyNthSlice(in, SPEC, 2, 3), 2)));
        // every 5th: (11 mod 5) / 2 = 0 -> 0, 5, 10
        assertArrayEquals(new int[] {0, 5, 10},
                indices(keptSlices(in, SparseAnnotation.everyNthSlice(in, SPEC, 2, 5), 2)));
        // along x (4 columns), every 2nd: start (3 mod 2) / 2 = 0
        assertArrayEquals(new int[] {0, 2}, indices(keptSlices(in, SparseAnnotation.everyNthSlice(in, SPEC, 0, 2), 0)));
        assertEquals(2, SparseAnnotation.defaultAxis(in));
    }

    @Test
    void in2dSlicesAreRows() {
        LabelVolume in = Fixtures.rows(
                0, 1, 2, 0,
                1, 1, 1, 1,
                2, 2, 0, 0,
                0, 0, 0, 1);
        assertEquals(1, SparseAnnotation.defaultAxis(in));
        LabelVolume out = SparseAnnotation.everyNthSlice(in, SPEC, 1, 2);
        // 4 rows, every 2nd, start (3 mod 2) / 2 = 0: rows 0 and 2
        assertArrayEquals(new int[] {
                0, 1, 2, 0,
                -1, -1, -1, -1,
                2, 2, 0, 0,
                -1, -1, -1, -1}, out.data());
    }

    @Test
    void randomSlicesHaveTheRequestedCountAndDependOnTheSeed() {
        LabelVolume in = random3d(3, 3, 40, 2);
        int[] a = indices(keptSlices(in, SparseAnnotation.randomSlices(in, SPEC, 2, 0.25, 11), 2));
        int[] b = indices(keptSlices(in, SparseAnnotation.randomSlices(in, SPEC, 2, 0.25, 11), 2));
        int[] c = indices(keptSlices(in, SparseAnnotation.randomSlices(in, SPEC, 2, 0.25, 12), 2));
        assertEquals(10, a.length);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        // a tiny fraction still keeps one slice
        assertEquals(1, indices(keptSlices(in, SparseAnnotation.randomSlices(in, SPEC, 2, 0.001, 1), 2)).length);
    }

    @Test
    void patchesCoverAboutTheRequestedFraction() {
        int[] d = new int[100 * 80];
        LabelVolume in = LabelVolume.wrap("flat", d, new long[] {100, 80}, new double[] {1, 1});
        for (double f : new double[] {0.05, 0.3, 0.9, 1.0}) {
            LabelVolume out = SparseAnnotation.patches(in, SPEC, 10, f, 3);
            int kept = d.length - Fixtures.count(out, -1);
            assertTrue(kept >= f * d.length, "fraction " + f + ": " + kept);
            assertTrue(kept < f * d.length + 100, "fraction " + f + ": " + kept); // less than one patch over
        }
    }

    @Test
    void patchesAreFullSquaresInsideTheImage() {
        LabelVolume in = LabelVolume.wrap("flat", new int[50 * 50], new long[] {50, 50}, new double[] {1, 1});
        // one patch: 0.01 of 2500 voxels is 25, less than one 8 x 8 patch
        LabelVolume out = SparseAnnotation.patches(in, SPEC, 8, 0.01, 5);
        int[] o = out.data();
        int minX = 50;
        int maxX = -1;
        int minY = 50;
        int maxY = -1;
        int kept = 0;
        for (int i = 0; i < o.length; i++) {
            if (o[i] != -1) {
                kept++;
                minX = Math.min(minX, i % 50);
                maxX = Math.max(maxX, i % 50);
                minY = Math.min(minY, i / 50);
                maxY = Math.max(maxY, i / 50);
            }
        }
        assertEquals(64, kept);
        assertEquals(7, maxX - minX);
        assertEquals(7, maxY - minY);
    }

    @Test
    void patchesIn3dAreDeterministicPerSeedAndKeepInputValues() {
        LabelVolume in = random3d(20, 20, 10, 4);
        LabelVolume a = SparseAnnotation.patches(in, SPEC, 6, 0.2, 9);
        LabelVolume b = SparseAnnotation.patches(in, SPEC, 6, 0.2, 9);
        LabelVolume c = SparseAnnotation.patches(in, SPEC, 6, 0.2, 10);
        assertArrayEquals(a.data(), b.data());
        assertFalse(Arrays.equals(a.data(), c.data()));
        int kept = 0;
        for (int i = 0; i < in.data().length; i++) {
            if (a.data()[i] != -1) {
                assertEquals(in.data()[i], a.data()[i]);
                kept++;
            }
        }
        assertTrue(kept >= 800 && kept < 800 + 216, "kept " + kept);
    }

    @Test
    void badSettingsAreRefused() {
        LabelVolume in = random3d(4, 4, 4, 1);
        assertThrows(InvalidInputException.class, () -> SparseAnnotation.everyNthSlice(in, SPEC, 3, 2));
        assertThrows(InvalidInputException.class, () -> SparseAnnotation.everyNthSlice(in, SPEC, 2, 0));
        assertThrows(InvalidInputException.class, () -> SparseAnnotation.randomSlices(in, SPEC, 2, 0, 1));
        assertThrows(InvalidInputException.class, () -> SparseAnnotation.randomSlices(in, SPEC, 2, 1.5, 1));
        assertThrows(InvalidInputException.class, () -> SparseAnnotation.patches(in, SPEC, 0, 0.5, 1));
        assertThrows(InvalidInputException.class, () -> SparseAnnotation.patches(in, SPEC, 4, Double.NaN, 1));
    }

    @Test
    void slicesThatAreAlreadyIgnoredLeaveNothingAndAreRefused() {
        // only slice 1 of 3 is annotated; every 2nd slice keeps 0 and 2
        int[] d = new int[2 * 2 * 3];
        Arrays.fill(d, -1);
        for (int i = 4; i < 8; i++) {
            d[i] = 1;
        }
        LabelVolume in = LabelVolume.wrap("sparse", d, new long[] {2, 2, 3}, new double[] {1, 1, 1});
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> SparseAnnotation.everyNthSlice(in, SPEC, 2, 2));
        assertTrue(e.getMessage().contains("'sparse'"), e.getMessage());
    }
}
