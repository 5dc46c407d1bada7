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

    /** Region-of-interest masks for {@link #labels()}: the upper half of each image (rows 0..2). */
    private Path upperHalfMasks() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("roi"));
        int[] m = new int[36];
        java.util.Arrays.fill(m, 0, 18, 1);
        for (String name : List.of("a.png", "b.tif")) {
            ImageFiles.writeLabels(LabelVolume.wrap("m", m, new long[] {6, 6}, new double[] {1, 1}), dir.resolve(name));
        }
        return dir;
    }

    @Test
    void classRoiWritesPartialLabelsAndUnknownMasks() throws IOException {
        Path labels = labels();
        Path roi = upperHalfMasks();
        Path out = tmp.resolve("out");
        Path unknown = tmp.resolve("unknown");
        Run r = run("annotate", "--labels", labels.toString(), "--roi", roi.toString(), "--out", out.toString(),
                "--mode", "class-roi", "--class", "band", "--classes", "background,square,band",
                "--unknown-out", unknown.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("a.png", "b.tif"), files(out));
        assertEquals(List.of("a.png", "b.tif"), files(unknown.resolve("band")));
        // b: the band (rows 4, 5) lies outside the upper half, so it turns into background there
        LabelVolume b = ImageFiles.readLabels(out.resolve("b.tif"));
        assertTrue(java.util.Arrays.stream(b.data()).allMatch(v -> v == 0));
        LabelVolume mask = ImageFiles.readLabels(unknown.resolve("band").resolve("b.tif"));
        for (int i = 0; i < 36; i++) {
            assertEquals(i < 18 ? 0 : 1, mask.data()[i], "voxel " + i);
        }
        // a: the square (rows 2, 3) is another class and stays; 18 + 2 square voxels of 36 stay certain
        assertEquals(ImageFiles.readLabels(labels.resolve("a.png")).data()[20],
                ImageFiles.readLabels(out.resolve("a.png")).data()[20]);
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].matches("case\\s+background %\\s+square %\\s+band %\\s+overall %"), r.out());
        assertTrue(lines[1].matches("a\\s+50\\.00\\s+100\\.00\\s+-\\s+55\\.56"), lines[1]);
        assertTrue(lines[2].matches("b\\s+75\\.00\\s+-\\s+0\\.00\\s+50\\.00"), lines[2]);
        assertTrue(r.out().contains("2 unknown-region mask(s) written to " + unknown.resolve("band")), r.out());
        assertTrue(r.err().contains("band (value 2) occurs only outside"), r.err());

        // the value form names the folder by the value
        Run byValue = run("annotate", "--labels", labels.toString(), "--roi", roi.toString(), "--out",
                tmp.resolve("out2").toString(), "--mode", "class-roi", "--class", "2", "--unknown-out",
                unknown.toString());
        assertEquals(0, byValue.code(), byValue.err());
        assertEquals(List.of("2", "band"), files(unknown));
    }

    @Test
    void classRoiBadInputGivesOneLineAndWritesNothing() throws IOException {
        Path labels = labels();
        Path roi = upperHalfMasks();
        Path out = tmp.resolve("out");
        Path unknown = tmp.resolve("unknown");
        String[] base = {"annotate", "--labels", labels.toString(), "--out", out.toString(), "--mode", "class-roi"};
        Run noClass = run(concat(base, "--roi", roi.toString(), "--unknown-out", unknown.toString()));
        assertEquals(1, noClass.code());
        assertTrue(noClass.err().startsWith("maskseg: mode 'class-roi' needs the class"), noClass.err());
        assertEquals(1, noClass.err().strip().lines().count());
        Run noMasksOut = run(concat(base, "--roi", roi.toString(), "--class", "2"));
        assertEquals(1, noMasksOut.code());
        assertTrue(noMasksOut.err().contains("unknown-region masks"), noMasksOut.err());
        Run noRoi = run(concat(base, "--class", "2", "--unknown-out", unknown.toString()));
        assertEquals(1, noRoi.code());
        assertTrue(noRoi.err().contains("region-of-interest"), noRoi.err());
        Run byName = run(concat(base, "--roi", roi.toString(), "--class", "band", "--unknown-out",
                unknown.toString()));
        assertEquals(1, byName.code());
        assertTrue(byName.err().contains("band=<value>"), byName.err());
        Run background = run(concat(base, "--roi", roi.toString(), "--class", "0", "--unknown-out",
                unknown.toString()));
        assertEquals(1, background.code());
        assertTrue(background.err().contains("not a foreground class"), background.err());
        Files.delete(roi.resolve("b.tif"));
        Run missingMask = run(concat(base, "--roi", roi.toString(), "--class", "2", "--unknown-out",
                unknown.toString()));
        assertEquals(1, missingMask.code());
        assertTrue(missingMask.err().contains("b.tif"), missingMask.err());
        Run wrongMode = run("annotate", "--labels", labels.toString(), "--out", out.toString(), "--mode", "border",
                "--width", "1", "--class", "2");
        assertEquals(1, wrongMode.code());
        assertEquals("maskseg: --class has no effect with --mode border; it is for --mode class-roi",
                wrongMode.err().strip());
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(unknown));
    }

    private static String[] concat(String[] a, String... more) {
        String[] r = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, r, a.length, more.length);
        return r;
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

}
