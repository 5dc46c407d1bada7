package org.maskseg.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelSpec;

class PartialLabelFilesTest {

    private static final LabelSpec SPEC = new LabelSpec(3, 3, List.of("background", "liver", "kidney"));
    private static final List<String> CASES = List.of("a", "b", "c");
    private static final List<String> LABEL_FILES = List.of("a.png", "b.png", "c.png");

    private static String message(Runnable r) {
        return assertThrows(InvalidInputException.class, r::run).getMessage();
    }

    @Test
    void csvWithNamesAndValues(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("classes.csv");
        Files.writeString(f, "case,annotated_classes\na,liver\n\nb,\"2; Liver\"\r\nc,\n");
        Map<String, Set<Integer>> sets = PartialLabelFiles.readClassSets(f, SPEC);
        assertEquals(Map.of("a", Set.of(1), "b", Set.of(1, 2), "c", Set.of()), sets);
    }

    @Test
    void jsonWithNamesAndValues(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("classes.json");
        Files.writeString(f, "{\"a\": [\"Kidney\"], \"b\": [1, \"kidney\", \"background\"]}");
        assertEquals(Map.of("a", Set.of(2), "b", Set.of(1, 2)), PartialLabelFiles.readClassSets(f, SPEC));
    }

    @Test
    void badClassSetFilesAreNamed(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("classes.csv");
        Files.writeString(f, "case,annotated_classes\na,liver\nb,spleen\n");
        String m = message(() -> PartialLabelFiles.readClassSets(f, SPEC));
        assertTrue(m.contains("classes.csv") && m.contains("row 3") && m.contains("unknown class 'spleen'")
                && m.contains("2 'kidney'"), m);

        Files.writeString(f, "name,classes\na,1\n");
        m = message(() -> PartialLabelFiles.readClassSets(f, SPEC));
        assertTrue(m.contains("row 1") && m.contains("case,annotated_classes"), m);

        Files.writeString(f, "case,annotated_classes\na,1\na,2\n");
        m = message(() -> PartialLabelFiles.readClassSets(f, SPEC));
        assertTrue(m.contains("row 3") && m.contains("listed twice"), m);

        Files.writeString(f, "case,annotated_classes\na,7\n");
        m = message(() -> PartialLabelFiles.readClassSets(f, SPEC));
        assertTrue(m.contains("unknown class '7'"), m);

        Path j = dir.resolve("classes.json");
        Files.writeString(j, "{\"a\": \"liver\"}");
        m = message(() -> PartialLabelFiles.readClassSets(j, SPEC));
        assertTrue(m.contains("case 'a'") && m.contains("list of classes"), m);
        Files.writeString(j, "{\"a\": [\"liver\"");
        m = message(() -> PartialLabelFiles.readClassSets(j, SPEC));
        assertTrue(m.contains("not valid JSON"), m);

        m = message(() -> PartialLabelFiles.readClassSets(dir.resolve("none.csv"), SPEC));
        assertTrue(m.contains("none.csv") && m.contains("not found"), m);
    }

    @Test
    void listedCaseMustExist(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("classes.csv");
        Files.writeString(f, "case,annotated_classes\na.png,liver\n");
        String m = message(() -> PartialLabelFiles.read(f, null, CASES, LABEL_FILES, SPEC));
        assertTrue(m.contains("'a.png'") && m.contains("not in the dataset") && m.contains("'a', 'b', 'c'"), m);
    }

    private static void writeMask(Path file, int... data) {
        ImageFiles.writeLabels(LabelVolume.wrap("m", data, new long[] {2, 2}, new double[] {1, 1}), file);
    }

    @Test
    void knowledgePerCaseFromClassSetsAndMasks(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("classes.csv");
        Files.writeString(f, "case,annotated_classes\na,liver\n");
        Path masks = dir.resolve("unknown");
        Files.createDirectories(masks.resolve("kidney"));
        Files.createDirectories(masks.resolve("1"));
        writeMask(masks.resolve("kidney").resolve("b.png"), 0, 1, 0, 0);
        writeMask(masks.resolve("1").resolve("b.png"), 0, 0, 255, 0);
        List<ClassKnowledge> k = PartialLabelFiles.read(f, masks, CASES, LABEL_FILES, SPEC);
        assertEquals(Set.of(1), k.get(0).annotatedClasses());
        assertTrue(k.get(0).unknownMasks().isEmpty());
        assertEquals(null, k.get(1).annotatedClasses());
        assertArrayEquals(new int[] {0, 1, 0, 0}, k.get(1).unknownMasks().get(2).data());
        assertArrayEquals(new int[] {0, 0, 255, 0}, k.get(1).unknownMasks().get(1).data());
        assertTrue(k.get(2).isComplete());
        // labels of b: class 2 at voxel 0, background elsewhere -> 2, "background or kidney",
        // "background or liver", 0
        int[] codes = k.get(1).encode(new int[] {2, 0, 0, 0}, new long[] {2, 2}, SPEC, "b");
        assertArrayEquals(new int[] {2, 3 + 2, 3 + 1, 0}, codes);
    }

    @Test
    void badMaskFoldersAreNamed(@TempDir Path dir) throws IOException {
        Path masks = dir.resolve("unknown");
        Files.createDirectories(masks.resolve("kidney"));
        writeMask(masks.resolve("kidney").resolve("z.png"), 0, 1, 0, 0);
        String m = message(() -> PartialLabelFiles.read(null, masks, CASES, LABEL_FILES, SPEC));
        assertTrue(m.contains("z.png") && m.contains("belongs to no case"), m);

        Files.delete(masks.resolve("kidney").resolve("z.png"));
        Files.createDirectories(masks.resolve("spleen"));
        m = message(() -> PartialLabelFiles.read(null, masks, CASES, LABEL_FILES, SPEC));
        assertTrue(m.contains("spleen") && m.contains("unknown class"), m);

        Files.delete(masks.resolve("spleen"));
        Files.createDirectories(masks.resolve("background"));
        m = message(() -> PartialLabelFiles.read(null, masks, CASES, LABEL_FILES, SPEC));
        assertTrue(m.contains("background cannot be unknown"), m);

        m = message(() -> PartialLabelFiles.read(null, dir.resolve("nowhere"), CASES, LABEL_FILES, SPEC));
        assertTrue(m.contains("nowhere") && m.contains("does not exist"), m);

        // a mask of another size than the labels is refused when the labels are coded
        Files.delete(masks.resolve("background"));
        ImageFiles.writeLabels(LabelVolume.wrap("m", new int[6], new long[] {3, 2}, new double[] {1, 1}),
                masks.resolve("kidney").resolve("a.png"));
        ClassKnowledge a = PartialLabelFiles.read(null, masks, CASES, LABEL_FILES, SPEC).get(0);
        m = message(() -> a.encode(new int[4], new long[] {2, 2}, SPEC, "a"));
        assertTrue(m.contains("'a'") && m.contains("'kidney'") && m.contains("[3, 2]"), m);
    }
}
