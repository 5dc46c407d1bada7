package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.image.ConnectedComponents;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.io.PartialLabelFiles;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code maskseg demo --partial}: the written example data, and its split of nuclei by brightness. */
@Tag("learning")
class PartialDemoCommandTest {

    @TempDir
    Path dir;

    private static final long[] SIZE = {256, 256};

    @Test
    void writesTheTwoLabsFilesTrainsAndScoresBothClasses() throws IOException {
        Path out = dir.resolve("demo");
        String home = System.getProperty("maskseg.home");
        System.setProperty("maskseg.home", CommandLineRun.nuclei().getParent().getParent().toString());
        CommandLineRun.Result r;
        try {
            r = CommandLineRun.run("demo", "--partial", "--out", out.toString(), "--epochs", "1", "--iterations",
                    "2", "--threads", "1");
        } finally {
            if (home == null) {
                System.clearProperty("maskseg.home");
            } else {
                System.setProperty("maskseg.home", home);
            }
        }
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("Dice bright nucleus") && r.out().contains("partial labels"), r.out());

        LabelSpec spec = new LabelSpec(3, 3, List.of("background", "dim nucleus", "bright nucleus"));
        List<Path> labels = files(out.resolve("labels"));
        List<Path> masks = files(out.resolve("unknown").resolve("dim nucleus"));
        assertEquals(32, labels.size());
        assertEquals(16, masks.size());
        assertEquals(32, files(out.resolve("images")).size());
        assertEquals(8, files(out.resolve("test").resolve("images")).size());
        assertEquals(16, files(out.resolve("lab-b").resolve("dense")).size());
        assertEquals(16, files(out.resolve("lab-b").resolve("roi")).size());

        Map<String, Set<Integer>> sets = PartialLabelFiles.readClassSets(out.resolve("annotated_classes.csv"), spec);
        assertEquals(16, sets.size());
        for (Set<Integer> s : sets.values()) {
            assertEquals(Set.of(2), s);
        }
        assertTrue(Files.readString(out.resolve("annotated_classes.csv")).contains(",bright nucleus\n"));
        List<String> names = new ArrayList<>();
        List<String> fileNames = new ArrayList<>();
        for (Path f : labels) {
            fileNames.add(f.getFileName().toString());
            names.add(fileNames.get(fileNames.size() - 1).replaceFirst("\\.png$", ""));
        }
        List<ClassKnowledge> knowledge = PartialLabelFiles.read(out.resolve("annotated_classes.csv"),
                out.resolve("unknown"), names, fileNames, spec);
        int labA = 0;
        int labB = 0;
        for (int i = 0; i < labels.size(); i++) {
            LabelVolume l = ImageFiles.readLabels(labels.get(i));
            assertArrayEquals(SIZE, l.size());
            TreeSet<Integer> values = distinct(l);
            assertTrue(Set.of(0, 1, 2).containsAll(values), names.get(i) + ": " + values);
            ClassKnowledge k = knowledge.get(i);
            if (sets.containsKey(names.get(i))) {
                labA++;
                assertFalse(values.contains(1), "lab A annotates no dim nuclei");
                assertTrue(k.unknownMasks().isEmpty());
            } else {
                labB++;
                assertEquals(Set.of(1), k.unknownMasks().keySet());
                LabelVolume mask = k.unknownMasks().get(1);
                assertArrayEquals(SIZE, mask.size());
                for (int v = 0; v < l.data().length; v++) {
                    boolean right = v % 256 >= 128;
                    assertEquals(right, mask.data()[v] != 0);
                    assertFalse(right && l.data()[v] == 1, "no dim nucleus labelled in the right half");
                }
                // lab B's labels are its dense labels with dim nuclei removed outside its region
                Path labBFolder = out.resolve("lab-b");
                LabelVolume dense = ImageFiles.readLabels(labBFolder.resolve("dense").resolve(fileNames.get(i)));
                LabelVolume roi = ImageFiles.readLabels(labBFolder.resolve("roi").resolve(fileNames.get(i)));
                for (int v = 0; v < l.data().length; v++) {
                    assertEquals(roi.data()[v] == 0, mask.data()[v] != 0);
                    int expected = dense.data()[v] == 1 && roi.data()[v] == 0 ? 0 : dense.data()[v];
                    assertEquals(expected, l.data()[v]);
                }
            }
            // the labels agree with what they declare (a declared-unknown class labelled would throw)
            k.encode(spec.toCanonical(l), l.size(), spec, names.get(i));
        }
        assertEquals(16, labA);
        assertEquals(16, labB);

        TreeSet<Integer> referenceValues = new TreeSet<>();
        for (Path f : files(out.resolve("test").resolve("reference"))) {
            LabelVolume l = ImageFiles.readLabels(f);
            assertArrayEquals(SIZE, l.size());
            referenceValues.addAll(distinct(l));
        }
        assertEquals(Set.of(0, 1, 2), referenceValues);

        JsonNode scores = new ObjectMapper().readTree(out.resolve("scores.json").toFile());
        assertTrue(scores.get("classes").has("1") && scores.get("classes").has("2"), scores.toString());
        assertEquals("dim nucleus", scores.get("classes").get("1").get("name").asText());
        assertEquals("bright nucleus", scores.get("classes").get("2").get("name").asText());
        assertEquals(8, scores.get("cases").size());
        assertEquals(8, files(out.resolve("predictions")).size());
        assertTrue(Files.isRegularFile(out.resolve("model.zip")));
    }

    @Test
    void compareNeedsPartial() {
        CommandLineRun.Result r = CommandLineRun.run("demo", "--compare", "--out", dir.toString());
        assertEquals(Cli.FAILED, r.exitCode());
        assertTrue(r.err().contains("--partial"), r.err());
    }

    /**
     * Two nuclei on a 6 × 2 image, means 10 and 50 (threshold 30): the dim one becomes 1, the bright one 2;
     * lab A keeps only the bright one; lab B's region is the left half.
     */
    @Test
    void splitsNucleiByMeanIntensity() {
        int[] nucleus = {1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1};
        float[] intensity = {5, 15, 99, 99, 40, 60, 10, 99, 99, 99, 50, 50};
        LabelVolume labels = LabelVolume.wrap("n", nucleus, new long[] {6, 2}, new double[] {1, 1});
        ImageVolume image = ImageVolume.wrap("n", intensity, new long[] {6, 2}, 1, new double[] {1, 1});
        ConnectedComponents cc = ConnectedComponents.of(labels, true);
        double[] means = PartialLabelDemo.nucleusMeans(cc, image);
        assertEquals(10.0, means[1], 1e-9);
        assertEquals(50.0, means[2], 1e-9);
        assertEquals(30.0, PartialLabelDemo.median(new double[] {means[1], means[2]}), 1e-12);
        assertEquals(10.0, PartialLabelDemo.median(new double[] {50, 10, 5}), 1e-12);
        LabelVolume dense = PartialLabelDemo.splitByBrightness(labels, cc, means, 30.0);
        assertArrayEquals(new int[] {1, 1, 0, 0, 2, 2, 1, 0, 0, 0, 2, 2}, dense.data());
        assertArrayEquals(new int[] {0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 2, 2}, PartialLabelDemo.brightOnly(dense).data());
        assertArrayEquals(new int[] {255, 255, 255, 0, 0, 0, 255, 255, 255, 0, 0, 0},
                PartialLabelDemo.leftHalf(dense).data());
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
    }

    private static TreeSet<Integer> distinct(LabelVolume l) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int v : l.data()) {
            s.add(v);
        }
        return s;
    }
}
