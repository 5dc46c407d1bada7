package org.maskseg.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;

class CasePartTest {

    @Test
    void partsTakeEveryNthSortedCase() {
        // given unsorted; sorted: a b c d e f g -> part 0/3: a d g, 1/3: b e, 2/3: c f
        List<String> cases = List.of("g", "c", "a", "f", "b", "e", "d");
        assertEquals(List.of("a", "d", "g"), new CasePart(0, 3).select(cases, Function.identity()));
        assertEquals(List.of("b", "e"), new CasePart(1, 3).select(cases, Function.identity()));
        assertEquals(List.of("c", "f"), new CasePart(2, 3).select(cases, Function.identity()));
        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g"), CasePart.ALL.select(cases, Function.identity()));
    }

    @Test
    void partsAreDisjointAndCoverEveryCaseOnce() {
        Random r = new Random(3);
        for (int n = 0; n <= 23; n++) {
            List<String> cases = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                cases.add("case_" + (1000 + r.nextInt(9000)) + "_" + i);
            }
            for (int parts = 1; parts <= 7; parts++) {
                List<String> shuffled = new ArrayList<>(cases);
                Collections.shuffle(shuffled, r);
                List<String> union = new ArrayList<>();
                int min = Integer.MAX_VALUE;
                int max = 0;
                for (int k = 0; k < parts; k++) {
                    // the order the cases are given in does not change a part
                    List<String> part = new CasePart(k, parts).select(shuffled, Function.identity());
                    assertEquals(part, new CasePart(k, parts).select(cases, Function.identity()));
                    union.addAll(part);
                    min = Math.min(min, part.size());
                    max = Math.max(max, part.size());
                }
                assertEquals(n, union.size(), n + " cases in " + parts + " parts");
                Set<String> distinct = new HashSet<>(union);
                assertEquals(new HashSet<>(cases), distinct);
                assertTrue(max - min <= 1);
            }
        }
    }

    @Test
    void parsesAndRefusesBadParts() {
        assertEquals(new CasePart(2, 4), CasePart.parse(" 2/4 ", "--part"));
        assertEquals(CasePart.ALL, CasePart.parse("0/1", "--part"));
        for (String bad : List.of("4/4", "-1/4", "1/0", "1", "a/b", "", "1/2/3")) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> CasePart.parse(bad, "--part"));
            assertTrue(e.getMessage().startsWith("--part '" + bad + "'"), e.getMessage());
        }
    }
}
