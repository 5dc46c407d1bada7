package org.maskseg.core.postprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;

class PostprocessingTest {

    private static final int N = 10;

    /** A 10 x 10 map with the given value in the squares [x0, x0 + side) x [y0, y0 + side). */
    private static int[] squares(int[][] squares) {
        int[] v = new int[N * N];
        for (int[] s : squares) {
            for (int y = s[1]; y < s[1] + s[2]; y++) {
                for (int x = s[0]; x < s[0] + s[2]; x++) {
                    v[y * N + x] = s[3];
                }
            }
        }
        return v;
    }

    private static LabelVolume map(String name, int[] v) {
        return LabelVolume.wrap(name, v, new long[] {N, N}, new double[] {1, 1});
    }

    @Test
    void keepsOnlyTheLargestComponentWithDiagonalContactJoining() {
        // class 1: a 3x3 square, a pixel touching it diagonally (same component) and a far pixel
        int[] v = squares(new int[][] {{1, 1, 3, 1}, {4, 4, 1, 1}, {8, 8, 1, 1}, {0, 8, 2, 2}});
        LabelVolume out = new Postprocessing(true, List.of()).apply(map("a", v));
        int[] expected = squares(new int[][] {{1, 1, 3, 1}, {4, 4, 1, 1}});
        assertArrayEquals(expected, out.data());
        assertEquals(1, v[8 * N + 8], "the input is not changed");
        assertSame(v, Postprocessing.NONE.apply(map("a", v)).data(), "no postprocessing, no copy");

        // per class: only class 2's small component goes
        int[] two = squares(new int[][] {{0, 0, 3, 1}, {6, 6, 2, 2}, {9, 0, 1, 2}, {5, 0, 1, 1}});
        int[] kept = new Postprocessing(false, List.of(2)).apply(map("b", two)).data();
        assertArrayEquals(squares(new int[][] {{0, 0, 3, 1}, {6, 6, 2, 2}, {5, 0, 1, 1}}), kept);
    }

    @Test
    void theForegroundStepIsChosenWhereItRaisesTheDice() {
        int[] ref = squares(new int[][] {{1, 1, 3, 1}});
        int[] pred = squares(new int[][] {{1, 1, 3, 1}, {8, 8, 1, 1}});
        Postprocessing.Decision d = Postprocessing.decide(List.of("a"), List.of(map("a", ref)),
                List.of(map("a", pred)), LabelSpec.withDefaultIgnore(2), null);
        assertEquals(new Postprocessing(true, List.of()), d.choice(), "the class step adds nothing on top");
        assertEquals(2.0 * 9 / (9 + 10), d.before().meanDice(), 1e-12);
        assertEquals(1.0, d.after().meanDice(), 1e-12);
    }

    @Test
    void aClassStepIsChosenWhereTheForegroundStepWouldHurt() {
        // class 1: 3x3, class 2: 2x2 apart from it; the prediction adds one far class-2 pixel
        int[] ref = squares(new int[][] {{0, 0, 3, 1}, {6, 6, 2, 2}});
        int[] pred = squares(new int[][] {{0, 0, 3, 1}, {6, 6, 2, 2}, {0, 9, 1, 2}});
        Postprocessing.Decision d = Postprocessing.decide(List.of("a"), List.of(map("a", ref)),
                List.of(map("a", pred)), LabelSpec.withDefaultIgnore(3), null);
        // the largest foreground component is the class-1 square: keeping it alone would lose class 2 (mean Dice
        // (1 + 0) / 2 instead of (1 + 8/9) / 2), keeping class 2's largest component raises its Dice to 1
        assertEquals(new Postprocessing(false, List.of(2)), d.choice());
        assertEquals((1 + 8.0 / 9) / 2, d.before().meanDice(), 1e-12);
        assertEquals(1.0, d.after().meanDice(), 1e-12);
    }

    @Test
    void aComponentOnIgnoredVoxelsCountsForNothing() {
        int[] ref = squares(new int[][] {{1, 1, 3, 1}, {8, 8, 1, 2}});
        int[] pred = squares(new int[][] {{1, 1, 3, 1}, {8, 8, 1, 1}});
        Postprocessing.Decision d = Postprocessing.decide(List.of("a"), List.of(map("a", ref)),
                List.of(map("a", pred)), LabelSpec.withDefaultIgnore(2), null);
        assertTrue(d.choice().isNone(), "removing a blob that lies on ignored voxels changes no score");
        assertEquals(1.0, d.before().meanDice(), 1e-12);
    }

    @Test
    void classesMustBeForeground() {
        assertThrows(InvalidInputException.class, () -> new Postprocessing(false, List.of(0)));
        assertEquals(List.of(1, 3), new Postprocessing(false, List.of(3, 1, 3)).largestOfClasses());
        assertEquals("keep the largest component of the foreground and of class 2 (b)",
                new Postprocessing(true, List.of(2)).describe(List.of("bg", "a", "b")));
    }
}
