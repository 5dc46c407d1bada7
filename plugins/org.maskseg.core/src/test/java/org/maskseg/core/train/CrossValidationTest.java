package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;

/**
 * Expected values computed with numpy 2.4 ({@code numpy.random.RandomState}); the k-fold blocks as scikit-learn's
 * KFold forms them from {@code RandomState(12345).shuffle(numpy.arange(n))}.
 */
class CrossValidationTest {

    @TempDir
    Path tmp;

    @Test
    void mersenneTwisterMatchesNumpy() {
        // RandomState(s).randint(0, 2**32, dtype=uint64) returns the raw 32-bit outputs
        LegacyRandomState zero = new LegacyRandomState(0);
        assertEquals(2357136044L, zero.nextUint32());
        assertEquals(2546248239L, zero.nextUint32());
        assertEquals(3071714933L, zero.nextUint32());
        assertEquals(3499211612L, new LegacyRandomState(5489).nextUint32()); // the reference generator's default seed
        LegacyRandomState r = new LegacyRandomState(12345);
        long[] first = new long[1300];
        for (int i = 0; i < first.length; i++) {
            first[i] = r.nextUint32();
        }
        assertEquals(3992670690L, first[0]);
        assertEquals(3823185381L, first[1]);
        assertEquals(2940097750L, first[623]);
        assertEquals(3957348375L, first[624]); // after the first regeneration of the state
        assertEquals(2845143676L, first[1299]);
    }

    @Test
    void boundedIntegersMatchNumpy() {
        // RandomState(12345).randint(0, 7) six times
        LegacyRandomState r = new LegacyRandomState(12345);
        long[] got = new long[6];
        for (int i = 0; i < 6; i++) {
            got[i] = r.interval(6);
        }
        assertArrayEquals(new long[] {2, 5, 5, 1, 4, 1}, got);
    }

    @Test
    void shuffleMatchesNumpy() {
        assertArrayEquals(new int[] {6, 3, 4, 0, 1, 5, 2}, shuffled(7));
        assertArrayEquals(new int[] {0, 7, 3, 9, 6, 4, 1, 8, 5, 2}, shuffled(10));
        assertArrayEquals(new int[] {32, 19, 2, 21, 5, 25, 3, 28, 0, 4, 12, 33, 15, 8, 35, 30, 20, 24, 7, 6, 26, 17,
            10, 13, 11, 31, 18, 16, 22, 23, 27, 9, 14, 36, 38, 39, 1, 29, 37, 34}, shuffled(40));
        int[] big = shuffled(1000);
        assertArrayEquals(new int[] {144, 833, 270, 468, 962, 186, 942, 516, 286, 458, 890, 957},
                java.util.Arrays.copyOf(big, 12));
        assertArrayEquals(new int[] {420, 129, 285, 485, 482}, java.util.Arrays.copyOfRange(big, 995, 1000));
    }

    private static int[] shuffled(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        new LegacyRandomState(12345).shuffle(a);
        return a;
    }

    @Test
    void kFoldIsNnUNetsSplit() {
        // given unsorted: the split is over the sorted names
        List<String> names = new ArrayList<>();
        for (int i = 9; i >= 0; i--) {
            names.add("case_" + i);
        }
        List<ValidationSplit> s = CrossValidation.kFold(names, 5);
        int[][] expected = {{0, 7}, {3, 9}, {4, 6}, {1, 8}, {2, 5}};
        for (int k = 0; k < 5; k++) {
            assertEquals(List.of("case_" + expected[k][0], "case_" + expected[k][1]), s.get(k).validation());
            assertEquals(8, s.get(k).training().size());
            assertTrue(s.get(k).heldOut());
        }
        // 7 cases in 3 folds: sizes 3, 2, 2
        List<ValidationSplit> seven = CrossValidation.kFold(List.of("a", "b", "c", "d", "e", "f", "g"), 3);
        assertEquals(List.of("d", "e", "g"), seven.get(0).validation());
        assertEquals(List.of("a", "b", "c", "f"), seven.get(0).training());
        assertEquals(List.of("a", "b"), seven.get(1).validation());
        assertEquals(List.of("c", "f"), seven.get(2).validation());
        // 40 cases: the validation sets cover every case once
        List<String> forty = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            forty.add(String.format("img%02d", i));
        }
        List<ValidationSplit> f = CrossValidation.kFold(forty, 5);
        assertEquals(List.of("img02", "img03", "img05", "img19", "img21", "img25", "img28", "img32"),
                f.get(0).validation());
        assertEquals(List.of("img01", "img14", "img29", "img34", "img36", "img37", "img38", "img39"),
                f.get(4).validation());
        Set<String> all = new HashSet<>();
        f.forEach(x -> all.addAll(x.validation()));
        assertEquals(new HashSet<>(forty), all);

        assertThrows(InvalidInputException.class, () -> CrossValidation.kFold(List.of("a", "b"), 3));
        assertThrows(InvalidInputException.class, () -> new CrossValidation(5, 5, null));
        assertThrows(InvalidInputException.class, () -> new CrossValidation(1, null, null));
    }

    @Test
    void splitsFileRoundTripAndBadFilesNameFoldAndKey() throws Exception {
        List<String> names = List.of("a", "b", "c", "d");
        Path file = tmp.resolve("splits_final.json");
        List<ValidationSplit> written = CrossValidation.kFold(names, 2);
        CrossValidation.writeSplits(file, written);
        assertEquals(written, CrossValidation.readSplits(file, names));
        CrossValidation cv = new CrossValidation(0, 1, file);
        assertEquals(List.of(1), cv.selected(cv.splits(names)));
        InvalidInputException noFold = assertThrows(InvalidInputException.class,
                () -> new CrossValidation(0, 2, file).splits(names));
        assertTrue(noFold.getMessage().contains("defines 2 fold(s)"), noFold.getMessage());

        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "[{\"train\": [\"a\", \"b\"], \"val\": [\"x\"]}]");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> CrossValidation.readSplits(bad, names));
        assertEquals("splits file '" + bad + "', fold 0, key 'val': case 'x' is not among the training cases",
                e.getMessage());
        Files.writeString(bad, "[{\"train\": [\"a\"]}]");
        e = assertThrows(InvalidInputException.class, () -> CrossValidation.readSplits(bad, names));
        assertTrue(e.getMessage().contains("fold 0: key 'val' must be a non-empty list"), e.getMessage());
        Files.writeString(bad, "{\"train\": []");
        e = assertThrows(InvalidInputException.class, () -> CrossValidation.readSplits(bad, names));
        assertTrue(e.getMessage().startsWith("splits file '" + bad + "' is not valid JSON"), e.getMessage());
    }
}
