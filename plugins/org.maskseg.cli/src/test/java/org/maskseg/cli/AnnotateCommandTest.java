package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine;

class AnnotateCommandTest {

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new MaskSegCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Two 6 x 6 label images: a 2 x 2 square of class 1 and a band of class 2. */
    private Path labels() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("labels"));
        int[] a = new int[36];
        int[] b = new int[36];
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                a[y * 6 + x] = x >= 2 && x < 4 && y >= 2 && y < 4 ? 1 : 0;
                b[y * 6 + x] = y >= 4 ? 2 : 0;
            }
        }
        ImageFiles.writeLabels(LabelVolume.wrap("a", a, new long[] {6, 6}, new double[] {1, 1}), dir.resolve("a.png"));
        ImageFiles.writeLabels(LabelVolume.wrap("b", b, new long[] {6, 6}, new double[] {1, 1}), dir.resolve("b.tif"));
        return dir;
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void remapWritesSameNamesAndFormatsAndPrintsTheTable() throws IOException {
        Path labels = labels();
        Path out = tmp.resolve("out");
        Path report = tmp.resolve("report.json");
        Run r = run("annotate", "--labels", labels.toString(), "--out", out.toString(), "--mode", "remap",
                "--values", "2", "--ignore-label", "255", "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("a.png", "b.tif"), files(out));
        LabelVolume b = ImageFiles.readLabels(out.resolve("b.tif"));
        assertEquals(255, b.data()[35]);
        assertEquals(0, b.data()[0]);
        // a keeps everything; b loses its 12 class-2 voxels of 36
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].matches("case\\s+background %\\s+class 1 %\\s+overall %"), r.out());
        assertTrue(lines[1].matches("a\\s+100\\.00\\s+100\\.00\\s+100\\.00"), lines[1]);
        assertTrue(lines[2].matches("b\\s+100\\.00\\s+-\\s+66\\.67"), lines[2]);
        assertTrue(lines[4].matches("all cases\\s+100\\.00\\s+100\\.00\\s+83\\.33"), lines[4]);
        assertTrue(r.out().contains("2 label file(s) written"), r.out());
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals(3, json.size());
        assertEquals("all cases", json.get(2).get("name").asText());
        assertEquals(60, json.get(2).get("annotated").asLong());
    }

    @Test
    void borderModeWithDefaultIgnore() throws IOException {
        Path labels = labels();
        Run r = run("annotate", "--labels", labels.toString(), "--out", tmp.resolve("out").toString(), "--mode",
                "border", "--width", "1");
        assertEquals(0, r.code(), r.err());
        LabelVolume a = ImageFiles.readLabels(tmp.resolve("out").resolve("a.png"));
        // classes 0..2, default ignore 3: the square (4) and its 8 face neighbours become 3
        long ignored = java.util.Arrays.stream(a.data()).filter(v -> v == 3).count();
        assertEquals(12, ignored);
    }

    @Test
    void badInputGivesOneLineAndExitCodeOneAndWritesNothing() throws IOException {
        Path labels = labels();
        Path out = tmp.resolve("out");
        Run missing = run("annotate", "--labels", labels.toString(), "--out", out.toString(), "--mode", "border");
        assertEquals(1, missing.code());
        assertEquals("maskseg: mode 'border' needs the band width", missing.err().strip());
        Run collide = run("annotate", "--labels", labels.toString(), "--out", out.toString(), "--mode", "scribbles",
                "--ignore-label", "1");
        assertEquals(1, collide.code());
        assertTrue(collide.err().startsWith("maskseg: ignore value 1 lies inside the class range"), collide.err());
        assertEquals(1, collide.err().strip().lines().count());
        Run noLabels = run("annotate", "--labels", tmp.resolve("nope").toString(), "--out", out.toString(),
                "--mode", "patches", "--fraction", "0.5");
        assertEquals(1, noLabels.code());
        assertTrue(noLabels.err().contains("does not exist"), noLabels.err());
        Run axis = run("annotate", "--labels", labels.toString(), "--out", out.toString(), "--mode", "slices",
                "--every", "2", "--axis", "w");
        assertEquals(1, axis.code());
        assertTrue(axis.err().contains("--axis"), axis.err());
        Run unused = run("annotate", "--labels", labels.toString(), "--out", out.toString(), "--mode", "patches",
                "--fraction", "0.5", "--every", "3");
        assertEquals(1, unused.code());
        assertEquals("maskseg: --every has no effect with --mode patches; it is for --mode scribbles and slices",
                unused.err().strip());
        assertFalse(Files.exists(out));
        Run usage = run("annotate", "--labels", labels.toString(), "--out", out.toString(), "--mode", "slices",
                "--every", "two");
        assertEquals(2, usage.code());
    }

    @Test
    void slicesAlongXOnRealNucleiAreDeterministicPerSeed() throws IOException {
        Path nuclei = nuclei();
        String[] args = {"annotate", "--images", nuclei.resolve("images").toString(), "--labels",
                nuclei.resolve("labels").toString(), "--mode", "slices", "--fraction", "0.1", "--axis", "x",
                "--seed", "7", "--out"};
        Run a = run(concat(args, tmp.resolve("a").toString()));
        Run b = run(concat(args, tmp.resolve("b").toString()));
        assertEquals(0, a.code(), a.err());
        assertEquals(a.out().replace(tmp.resolve("a").toString(), ""), b.out().replace(tmp.resolve("b").toString(), ""));
        List<String> names = files(tmp.resolve("a"));
        assertEquals(40, names.size());
        LabelVolume first = ImageFiles.readLabels(tmp.resolve("a").resolve(names.get(0)));
        // 26 of 256 columns kept (round(0.1 x 256)), each column dense
        int keptColumns = 0;
        for (int x = 0; x < 256; x++) {
            boolean kept = first.data()[x] != 2;
            for (int y = 0; y < 256; y++) {
                assertEquals(kept, first.data()[y * 256 + x] != 2, "column " + x);
            }
            keptColumns += kept ? 1 : 0;
        }
        assertEquals(26, keptColumns);
    }

    /** The sample nuclei data of the repository (tests run in the module folder). */
    private static Path nuclei() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("sample-data"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("sample-data not found");
        }
        return p.resolve("sample-data/nuclei");
    }

    private static String[] concat(String[] a, String last) {
        String[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = last;
        return r;
    }
}
