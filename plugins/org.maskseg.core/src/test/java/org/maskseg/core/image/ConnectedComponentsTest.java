package org.maskseg.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConnectedComponentsTest {

    /**
     * 5 × 4, rows top to bottom:
     *
     * <pre>
     * 1 1 0 0 0
     * 0 0 2 0 0
     * 0 0 0 0 1
     * 7 0 0 0 1
     * </pre>
     */
    private static LabelVolume grid() {
        int[] d = {1, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 1, 7, 0, 0, 0, 1};
        return LabelVolume.wrap("grid", d, new long[] {5, 4}, new double[] {1, 1});
    }

    @Test
    void eightConnectivityJoinsDiagonalContact() {
        ConnectedComponents c = ConnectedComponents.of(grid(), true);
        assertEquals(3, c.count());
        assertArrayEquals(new int[] {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2, 3, 0, 0, 0, 2}, c.ids());
        assertArrayEquals(new long[] {14, 3, 2, 1}, c.sizes());
    }

    @Test
    void fourConnectivitySplitsDiagonalContact() {
        ConnectedComponents c = ConnectedComponents.of(grid(), false);
        assertEquals(4, c.count());
        assertArrayEquals(new int[] {1, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0, 3}, c.ids());
    }

    @Test
    void meansPerComponent() {
        float[] values = new float[20];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        double[] m = ConnectedComponents.of(grid(), true).means(values);
        assertEquals((0 + 1 + 7) / 3.0, m[1], 1e-12);
        assertEquals((14 + 19) / 2.0, m[2], 1e-12);
        assertEquals(15.0, m[3], 1e-12);
        // outside: the sum of the indices 0..19 (190) minus the six inside, over the 14 outside
        assertEquals((190 - 0 - 1 - 7 - 14 - 19 - 15) / 14.0, m[0], 1e-12);
    }

    @Test
    void threeDimensionalConnectivity() {
        // 2 × 2 × 2 with (0,0,0) and (1,1,1) set: only corners touch
        int[] d = new int[8];
        d[0] = 1;
        d[7] = 1;
        LabelVolume corners = LabelVolume.wrap("c", d, new long[] {2, 2, 2}, new double[] {1, 1, 1});
        assertEquals(1, ConnectedComponents.of(corners, true).count());
        assertEquals(2, ConnectedComponents.of(corners, false).count());
        // (0,0,0) and (0,0,1) share a face: index 0 and index 4 (z stride 4)
        int[] e = new int[8];
        e[0] = 3;
        e[4] = 3;
        LabelVolume faces = LabelVolume.wrap("f", e, new long[] {2, 2, 2}, new double[] {1, 1, 1});
        ConnectedComponents f = ConnectedComponents.of(faces, false);
        assertEquals(1, f.count());
        assertTrue(f.ids()[0] == 1 && f.ids()[4] == 1);
    }

    @Test
    void emptyVolumeHasNoComponents() {
        LabelVolume empty = LabelVolume.wrap("e", new int[6], new long[] {3, 2}, new double[] {1, 1});
        ConnectedComponents c = ConnectedComponents.of(empty, true);
        assertEquals(0, c.count());
        assertArrayEquals(new long[] {6}, c.sizes());
    }
}
