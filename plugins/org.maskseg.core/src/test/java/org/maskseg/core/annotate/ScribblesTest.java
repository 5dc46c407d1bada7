package org.maskseg.core.annotate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;

class ScribblesTest {

    private static final LabelSpec TWO = new LabelSpec(2, 255, null);

    /** Every kept voxel equals the input (so scribbles lie inside their class) and nothing else changed. */
    private static void assertKeptEqualsInput(LabelVolume in, LabelVolume out, LabelSpec spec) {
        for (int i = 0; i < in.data().length; i++) {
            int o = out.data()[i];
            assertTrue(o == spec.ignoreValue() || o == in.data()[i], "voxel " + i);
        }
    }

    private static boolean[] classesPresent(int[] d, LabelSpec spec) {
        boolean[] p = new boolean[spec.numClasses()];
        for (int v : d) {
            if (spec.isClass(v)) {
                p[v] = true;
            }
        }
        return p;
    }

    @Test
    void nucleiScribblesStayInsideTheirClassAndReachEveryClass() {
        List<LabelVolume> cases = Fixtures.nucleiLabels(6);
        for (LabelVolume in : cases) {
            int[] before = in.data().clone();
            LabelVolume out = Scribbles.scribbles(in, TWO, ScribbleOptions.DEFAULT, 42);
            assertArrayEquals(before, in.data(), "input modified");
            assertKeptEqualsInput(in, out, TWO);
            assertArrayEquals(classesPresent(in.data(), TWO), classesPresent(out.data(), TWO), in.name());
            AnnotationReport r = AnnotationReport.compare("scribbles", TWO, in, out);
            // scribbles are sparse: a few percent of the pixels at most
            assertTrue(r.fraction() > 0 && r.fraction() < 0.1, r.toString());
        }
    }

    @Test
    void scribblesAreDeterministicPerSeedAndDifferAcrossSeeds() {
        LabelVolume in = Fixtures.nucleiLabels(1).get(0);
        int[] a = Scribbles.scribbles(in, TWO, ScribbleOptions.DEFAULT, 1).data();
        int[] b = Scribbles.scribbles(in, TWO, ScribbleOptions.DEFAULT, 1).data();
        int[] c = Scribbles.scribbles(in, TWO, ScribbleOptions.DEFAULT, 2).data();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void interiorScribbleKeepsAwayFromTheEdgeOfARegion() {
        // 40 x 40: class 1 is a 20 x 20 square at 10..29; no boundary fraction beyond the minimum
        LabelVolume in = Fixtures.rectangle(40, 40, 10, 30, 10, 30, 1);
        ScribbleOptions thin = ScribbleOptions.DEFAULT.withThickness(1).withBoundaryFraction(0.001);
        for (long seed = 0; seed < 10; seed++) {
            LabelVolume out = Scribbles.scribbles(in, TWO, thin, seed);
            int[] o = out.data();
            int inner = 0;
            for (int y = 0; y < 40; y++) {
                for (int x = 0; x < 40; x++) {
                    if (o[y * 40 + x] == 1) {
                        int toEdge = Math.min(Math.min(x - 10, 29 - x), Math.min(y - 10, 29 - y));
                        if (toEdge >= 4) {
                            inner++;
                        } else {
                            assertEquals(0, toEdge, "seed " + seed + ": stroke near the edge at " + x + "," + y);
                        }
                    }
                }
            }
            // the interior stroke runs where the distance to the edge is at least half the maximum (10)
            assertTrue(inner >= 6, "seed " + seed + ": interior stroke too short or too close to the edge");
        }
    }

    @Test
    void boundaryScribbleFollowsTheRequestedPartOfTheBorder() {
        // class 1 square 20 x 20: its inner boundary has 76 pixels; half of it is 38
        LabelVolume in = Fixtures.rectangle(40, 40, 10, 30, 10, 30, 1);
        ScribbleOptions half = ScribbleOptions.DEFAULT.withThickness(1).withBoundaryFraction(0.5);
        LabelVolume out = Scribbles.scribbles(in, TWO, half, 3);
        int[] o = out.data();
        int border1 = 0;
        for (int y = 10; y < 30; y++) {
            for (int x = 10; x < 30; x++) {
                boolean onEdge = x == 10 || x == 29 || y == 10 || y == 29;
                if (onEdge && o[y * 40 + x] == 1) {
                    border1++;
                }
            }
        }
        // 38 boundary pixels, plus at most a few where the interior stroke touches the edge (it does not:
        // it keeps 5 pixels away)
        assertEquals(38, border1);
    }

    @Test
    void thicknessWidensTheStrokes() {
        LabelVolume in = Fixtures.nucleiLabels(1).get(0);
        long thin = AnnotationReport.compare("s", TWO, in,
                Scribbles.scribbles(in, TWO, ScribbleOptions.DEFAULT.withThickness(1), 5)).annotated();
        long thick = AnnotationReport.compare("s", TWO, in,
                Scribbles.scribbles(in, TWO, ScribbleOptions.DEFAULT.withThickness(3), 5)).annotated();
        assertTrue(thick > 2 * thin, thin + " vs " + thick);
    }

    @Test
    void scribblesIn3dLieOnTheChosenSlicesOnly() {
        // 30 x 30 x 9: a ball-like block of class 2 and a slab of class 1 in background
        int nx = 30;
        int ny = 30;
        int nz = 9;
        int[] d = new int[nx * ny * nz];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int v = 0;
                    if (x >= 5 && x < 15 && y >= 5 && y < 25) {
                        v = 1;
                    } else if (x >= 18 && x < 27 && y >= 10 && y < 20 && z >= 2 && z < 7) {
                        v = 2;
                    }
                    d[(z * ny + y) * nx + x] = v;
                }
            }
        }
        LabelSpec spec = new LabelSpec(3, -1, null);
        LabelVolume in = LabelVolume.wrap("vol", d, new long[] {nx, ny, nz}, new double[] {1, 1, 2});
        LabelVolume out = Scribbles.scribbles(in, spec, ScribbleOptions.DEFAULT.withSliceSpacing(4), 8);
        assertKeptEqualsInput(in, out, spec);
        // 9 slices every 4th, start (8 mod 4) / 2 = 0: slices 0, 4, 8
        for (int z = 0; z < nz; z++) {
            boolean[] present = new boolean[3];
            for (int i = z * nx * ny; i < (z + 1) * nx * ny; i++) {
                if (out.data()[i] != -1) {
                    present[out.data()[i]] = true;
                }
            }
            if (z % 4 == 0) {
                assertTrue(present[0] && present[1], "slice " + z);
                assertEquals(z == 4, present[2], "slice " + z); // class 2 occurs only in slices 2..6
            } else {
                assertArrayEquals(new boolean[3], present, "slice " + z);
            }
        }
        // slicing across x instead: the slices are y-z planes at x = 1, 5, ...
        LabelVolume acrossX = Scribbles.scribbles(in, spec, ScribbleOptions.DEFAULT.withAxis(0).withSliceSpacing(4), 8);
        assertKeptEqualsInput(in, acrossX, spec);
        for (int i = 0; i < d.length; i++) {
            if (acrossX.data()[i] != -1) {
                assertEquals(0, (i % nx) % 4, "voxel " + i); // 30 columns, every 4th: start (29 mod 4) / 2 = 0
            }
        }
    }

    @Test
    void tinyRegionsStillReceiveAScribble() {
        LabelSpec spec = new LabelSpec(3, -1, null);
        LabelVolume in = Fixtures.rows(
                0, 0, 0, 0, 0,
                0, 1, 0, 0, 0,
                0, 0, 0, 2, 2,
                0, 0, 0, 2, 2,
                -1, -1, 0, 0, 0);
        LabelVolume out = Scribbles.scribbles(in, spec, ScribbleOptions.DEFAULT, 0);
        assertKeptEqualsInput(in, out, spec);
        assertArrayEquals(new boolean[] {true, true, true}, classesPresent(out.data(), spec));
        assertEquals(-1, out.data()[20]);
        assertEquals(-1, out.data()[21]);
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(InvalidInputException.class, () -> ScribbleOptions.DEFAULT.withThickness(0));
        assertThrows(InvalidInputException.class, () -> ScribbleOptions.DEFAULT.withBoundaryFraction(0));
        assertThrows(InvalidInputException.class, () -> ScribbleOptions.DEFAULT.withSliceSpacing(0));
        assertThrows(InvalidInputException.class, () -> ScribbleOptions.DEFAULT.withAxis(3));
    }
}
