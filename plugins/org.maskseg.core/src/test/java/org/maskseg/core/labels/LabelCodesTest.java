package org.maskseg.core.labels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;

class LabelCodesTest {

    @Test
    void codesOfFourClasses() {
        LabelCodes codes = new LabelCodes(4); // background, 1, 2, 3; ignore 4
        assertEquals(4, codes.ignore());
        assertEquals(4 + 8 - 1, codes.numCodes()); // 0..3, 4, 5..10 (masks 1..6)
        assertEquals(0, codes.backgroundCode(0));
        assertEquals(5, codes.backgroundCode(LabelCodes.bit(1)));
        assertEquals(4 + 0b110, codes.backgroundCode(LabelCodes.bit(2) | LabelCodes.bit(3)));
        assertEquals(4, codes.backgroundCode(0b111)); // everything unknown = ignored
        // "background or class 2": class 1 and 3 known absent, 2 unknown, background unknown
        int v = codes.backgroundCode(LabelCodes.bit(2));
        assertTrue(codes.isPartial(v));
        assertTrue(codes.isAnnotated(v));
        assertFalse(codes.isForeground(v));
        assertTrue(codes.known(v, 1));
        assertFalse(codes.known(v, 2));
        assertTrue(codes.known(v, 3));
        assertFalse(codes.known(v, 0));
        assertTrue(codes.allowed(v, 0));
        assertFalse(codes.allowed(v, 1));
        assertTrue(codes.allowed(v, 2));
        assertFalse(codes.allowed(v, 3));
        // a plain class is known for every class, allowed only for itself
        for (int c = 0; c < 4; c++) {
            assertTrue(codes.known(2, c));
            assertEquals(c == 2, codes.allowed(2, c));
            assertFalse(codes.known(4, c));
        }
    }

    @Test
    void tablesFollowThePredicates() {
        LabelCodes codes = new LabelCodes(3);
        float[] allowed = codes.allowedTable();
        float[] known = codes.knownTable();
        // codes: 0, 1, 2, ignore 3, bg-or-1 = 4, bg-or-2 = 5
        assertEquals(6, codes.numCodes());
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 0, 1}, allowed);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0}, known);
    }

    @Test
    void twoClassesHaveNoPartialCodes() {
        LabelCodes codes = new LabelCodes(2);
        assertEquals(3, codes.numCodes());
        assertEquals(2, codes.backgroundCode(1));
    }

    @Test
    void encodeWithAnnotatedClassesAndMasks() {
        LabelSpec spec = new LabelSpec(4, 255, java.util.List.of("background", "liver", "kidney", "spleen"));
        long[] size = {4, 1};
        int[] canonical = {0, 1, 4, 0};
        LabelVolume spleenUnknown = LabelVolume.wrap("m", new int[] {0, 0, 0, 1}, size, new double[] {1, 1});
        ClassKnowledge k = new ClassKnowledge(Set.of(1, 3), Map.of(3, spleenUnknown));
        int[] coded = k.encode(canonical, size, spec, "case1");
        // kidney (2) unknown everywhere; spleen (3) unknown at voxel 3
        assertArrayEquals(new int[] {4 + 0b010, 1, 4, 4 + 0b110}, coded);
        assertArrayEquals(new int[] {0, 1, 4, 0}, canonical);
        assertArrayEquals(canonical, ClassKnowledge.complete().encode(canonical, size, spec, "c"));
    }

    @Test
    void encodeRefusesContradictionsWithClearMessages() {
        LabelSpec spec = new LabelSpec(3, 3, java.util.List.of("background", "liver", "kidney"));
        long[] size = {3, 1};
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ClassKnowledge.annotated(Set.of(1)).encode(new int[] {0, 2, 1}, size, spec, "caseA"));
        assertTrue(e.getMessage().contains("caseA") && e.getMessage().contains("kidney")
                && e.getMessage().contains("(1, 0)"), e.getMessage());
        LabelVolume wrongSize = LabelVolume.wrap("m", new int[] {1, 1}, new long[] {2, 1}, new double[] {1, 1});
        e = assertThrows(InvalidInputException.class, () -> new ClassKnowledge(null, Map.of(1, wrongSize))
                .encode(new int[] {0, 0, 0}, size, spec, "caseB"));
        assertTrue(e.getMessage().contains("size"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> ClassKnowledge.annotated(Set.of(5)).encode(new int[] {0, 0, 0}, size, spec, "caseC"));
        assertTrue(e.getMessage().contains("not a foreground class"), e.getMessage());
    }
}
