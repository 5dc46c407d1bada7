package org.maskseg.core.annotate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;

class IgnoreOperationsTest {

    private static final LabelSpec TWO = LabelSpec.withDefaultIgnore(2);

    /** 7 x 7 background with a 3 x 3 square of class 1 at x, y in 2..4. */
    private static LabelVolume square() {
        return Fixtures.rectangle(7, 7, 2, 5, 2, 5, 1);
    }

    private static int ignored(LabelVolume l, LabelSpec spec) {
        return Fixtures.count(l, spec.ignoreValue());
    }

    @Test
    void roiKeepsInsideAndLeavesInputUntouched() {
        LabelVolume labels = Fixtures.rows(
                0, 1, 1,
                0, 1, 0,
                2, 2, 0);
        LabelSpec spec = new LabelSpec(3, 255, null);
        int[] before = labels.data().clone();
        LabelVolume roi = Fixtures.rows(
                1, 1, 0,
                0, 7, 0,
                0, 1, 1);
        LabelVolume out = IgnoreOperations.roi(labels, spec, roi);
        assertArrayEquals(new int[] {
                0, 1, 255,
                255, 1, 255,
                255, 2, 0}, out.data());
        assertArrayEquals(before, labels.data());
        assertEquals(labels.name(), out.name());
    }

    @Test
    void roiOfOtherSizeIsRefused() {
        LabelVolume roi = Fixtures.rectangle(6, 7, 0, 6, 0, 7, 1);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> IgnoreOperations.roi(square(), TWO, roi));
        assertTrue(e.getMessage().contains("[6, 7]") && e.getMessage().contains("[7, 7]"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> IgnoreOperations.roi(square(), TWO, new boolean[48]));
    }

    @Test
    void emptyRoiIsRefusedAsNothingAnnotated() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> IgnoreOperations.roi(square(), TWO, new boolean[49]));
        assertTrue(e.getMessage().contains("no annotated voxel"), e.getMessage());
    }

    @Test
    void remapTurnsListedValuesIntoIgnoreIncludingNonClassMarkers() {
        LabelVolume labels = Fixtures.rows(
                0, 1, 2,
                9, 1, -1,
                2, 0, 0);
        LabelSpec spec = new LabelSpec(3, -1, null);
        LabelVolume out = IgnoreOperations.remap(labels, spec, 2, 9);
        assertArrayEquals(new int[] {
                0, 1, -1,
                -1, 1, -1,
                -1, 0, 0}, out.data());
        // 9 is neither class nor ignore: only accepted because it is being remapped
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> IgnoreOperations.remap(labels, spec, 2));
        assertTrue(e.getMessage().contains("value 9"), e.getMessage());
    }

    @Test
    void borderBandOfWidthOneAroundASquare() {
        LabelVolume out = IgnoreOperations.borderBand(square(), TWO, 1, false);
        int k = TWO.ignoreValue();
        // the 8 edge voxels of the square and its 12 face neighbours outside; the centre and the four
        // diagonal corners (distance sqrt 2) stay
        assertEquals(20, ignored(out, TWO));
        int[] d = out.data();
        assertEquals(1, d[3 * 7 + 3]);
        assertEquals(0, d[1 * 7 + 1]);
        assertEquals(k, d[1 * 7 + 3]);
        assertEquals(k, d[2 * 7 + 2]);
        assertEquals(0, d[0]);
    }

    @Test
    void borderBandOfWidthSqrt2AndTwo() {
        assertEquals(24, ignored(IgnoreOperations.borderBand(square(), TWO, Math.sqrt(2), false), TWO));
        // width 2: all 9 square voxels (the centre is 2 from the background); outside, offsets (dx, dy)
        // from the square with dx^2 + dy^2 <= 4: (1,0) 12, (2,0) 12, (1,1) 4 -> 28
        LabelVolume out = IgnoreOperations.borderBand(square(), TWO, 2, false);
        assertEquals(37, ignored(out, TWO));
        assertEquals(0, out.data()[0]);
        assertEquals(TWO.ignoreValue(), out.data()[3 * 7 + 3]);
    }

    @Test
    void borderBandBelowOneVoxelRemovesNothing() {
        assertArrayEquals(square().data(), IgnoreOperations.borderBand(square(), TWO, 0.99, false).data());
    }

    @Test
    void borderBandInPhysicalUnitsWithAnisotropicSpacing() {
        // x spacing 1 mm, y spacing 2 mm
        LabelVolume labels = square().withSpacing(new double[] {1, 2});
        LabelVolume w2 = IgnoreOperations.borderBand(labels, TWO, 2, true);
        // square: all 9 (x distances 1 or 2 mm, y distance 2 mm); background: x offsets 1 and 2 mm next to
        // the square's rows (6 + 6) and the y neighbours at 2 mm (6); diagonals sqrt(1 + 4) > 2 stay
        assertEquals(27, ignored(w2, TWO));
        LabelVolume w1 = IgnoreOperations.borderBand(labels, TWO, 1, true);
        // only x neighbours at 1 mm: the square's left and right columns and the background columns beside them
        assertEquals(12, ignored(w1, TWO));
        int[] d = w1.data();
        assertEquals(1, d[2 * 7 + 3]); // top middle of the square: its y neighbour is 2 mm away
        assertEquals(TWO.ignoreValue(), d[3 * 7 + 1]);
        // the same width in voxels ignores the spacing
        assertEquals(20, ignored(IgnoreOperations.borderBand(labels, TWO, 1, false), TWO));
    }

    @Test
    void borderBandIgnoresBordersWithIgnoreAndImageEdgeAndKeepsExistingIgnore() {
        LabelSpec spec = new LabelSpec(3, -1, null);
        LabelVolume labels = Fixtures.rows(
                1, 1, -1, 2, 2,
                1, 1, -1, 2, 2,
                1, 1, -1, 2, 2,
                0, 0, 0, 0, 0,
                0, 0, 0, 0, 0);
        LabelVolume out = IgnoreOperations.borderBand(labels, spec, 1, false);
        assertArrayEquals(new int[] {
                1, 1, -1, 2, 2,
                1, 1, -1, 2, 2,
                -1, -1, -1, -1, -1,
                -1, -1, 0, -1, -1,
                0, 0, 0, 0, 0}, out.data());
    }

    @Test
    void borderBandIn3dIsSymmetric() {
        // two halves along z: z < 3 class 0, z >= 3 class 1, 4 x 4 x 6
        int[] d = new int[4 * 4 * 6];
        for (int i = 0; i < d.length; i++) {
            d[i] = i / 16 >= 3 ? 1 : 0;
        }
        LabelVolume labels = LabelVolume.wrap("halves", d, new long[] {4, 4, 6}, new double[] {1, 1, 1});
        LabelVolume out = IgnoreOperations.borderBand(labels, TWO, 2, false);
        for (int i = 0; i < d.length; i++) {
            int z = i / 16;
            assertEquals(z >= 1 && z <= 4 ? TWO.ignoreValue() : d[i], out.data()[i], "z = " + z);
        }
    }

    @Test
    void negativeOrNanWidthIsRefused() {
        assertThrows(InvalidInputException.class, () -> IgnoreOperations.borderBand(square(), TWO, -1, false));
        assertThrows(InvalidInputException.class, () -> IgnoreOperations.borderBand(square(), TWO, Double.NaN, false));
    }

    @Test
    void invalidVoxelsFromNanInfinityAndOutOfField() {
        LabelVolume labels = Fixtures.rows(
                0, 1, 1,
                0, 1, 0,
                1, 0, 0);
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        // two channels, C-order (c, y, x)
        float[] px = {
                5, nan, 3,
                0, 2, 0,
                1, 1, 1,
                //
                5, 4, 3,
                0, 7, 2,
                -inf, 1, 0};
        ImageVolume image = ImageVolume.wrap("img", px, new long[] {3, 3}, 2, new double[] {1, 1});
        int k = TWO.ignoreValue();
        assertArrayEquals(new int[] {
                0, k, 1,
                0, 1, 0,
                k, 0, 0}, IgnoreOperations.invalidVoxels(labels, TWO, image, null, false).data());
        assertArrayEquals(new int[] {
                0, k, 1,
                k, 1, k,
                k, 0, k}, IgnoreOperations.invalidVoxels(labels, TWO, image, 0.0, false).data());
        assertArrayEquals(new int[] {
                0, k, 1,
                k, 1, 0,
                k, 0, 0}, IgnoreOperations.invalidVoxels(labels, TWO, image, 0.0, true).data());
    }

    @Test
    void invalidVoxelsNeedAnImageOfTheLabelSize() {
        ImageVolume image = ImageVolume.create("img", new long[] {3, 4}, 1, new double[] {1, 1});
        LabelVolume labels = Fixtures.rows(0, 1, 1, 0);
        assertThrows(InvalidInputException.class,
                () -> IgnoreOperations.invalidVoxels(labels, TWO, image, null, false));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 255, 3})
    void everyIgnoreConventionIsKeptAndExistingIgnoreStays(int ignore) {
        LabelSpec spec = new LabelSpec(3, ignore, null);
        LabelVolume labels = Fixtures.rows(
                0, 1, 2,
                ignore, 1, 2,
                0, 0, ignore);
        LabelVolume out = IgnoreOperations.remap(labels, spec, 2);
        assertArrayEquals(new int[] {
                0, 1, ignore,
                ignore, 1, ignore,
                0, 0, ignore}, out.data());
        LabelVolume roi = IgnoreOperations.roi(labels, spec, new boolean[] {true, true, true, true, true, true,
                true, true, true});
        assertArrayEquals(labels.data(), roi.data());
    }

    @Test
    void valuesOutsideClassesAndIgnoreAreRefusedByEveryOperation() {
        LabelVolume bad = Fixtures.rows(0, 1, 5, 0);
        boolean[] all = {true, true, true, true};
        ImageVolume image = ImageVolume.create("img", new long[] {2, 2}, 1, new double[] {1, 1});
        List<Runnable> ops = List.of(
                () -> IgnoreOperations.roi(bad, TWO, all),
                () -> IgnoreOperations.borderBand(bad, TWO, 1, false),
                () -> IgnoreOperations.invalidVoxels(bad, TWO, image, null, false),
                () -> IgnoreOperations.remap(bad, TWO, 1));
        for (Runnable op : ops) {
            InvalidInputException e = assertThrows(InvalidInputException.class, op::run);
            assertTrue(e.getMessage().contains("value 5"), e.getMessage());
        }
    }

    @Test
    void ignoreCollidingWithAClassIsRefused() {
        assertThrows(InvalidInputException.class, () -> new LabelSpec(3, 2, null));
    }
}
