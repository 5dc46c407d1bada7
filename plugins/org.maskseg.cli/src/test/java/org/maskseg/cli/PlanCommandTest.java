package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.PlanJson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class PlanCommandTest {

    record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = MaskSegCommand.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static Path nuclei() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("sample-data/nuclei"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("sample-data/nuclei not found");
        }
        return p.resolve("sample-data/nuclei");
    }

    private static String[] args(String... extra) {
        String[] base = {"plan", "--images", nuclei().resolve("images").toString(), "--labels",
                nuclei().resolve("labels").toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void printsThePlanAndWritesIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/plan.json");
        Path fingerprint = dir.resolve("fingerprint.json");
        Result r = run(args("--out", file.toString(), "--fingerprint", fingerprint.toString()));
        assertEquals(0, r.exitCode(), r.err());
        Plan printed = PlanJson.fromJson(r.out(), "stdout");
        assertEquals("2d", printed.configuration);
        assertArrayEquals(new int[] {256, 256}, printed.patchSize);
        assertEquals(2, printed.batchSize);
        assertEquals(7, printed.network.numStages);
        assertEquals(PlanJson.toJson(printed), PlanJson.toJson(PlanJson.read(file)));
        assertTrue(r.err().contains("planned 40 case(s)"), r.err());
        JsonNode fp = new ObjectMapper().readTree(fingerprint.toFile());
        assertEquals(40, fp.get("caseNames").size());
        assertEquals(256, fp.get("medianSize").get(0).asInt());
        assertTrue(fp.get("intensities").get(0).get("percentile99_5").asDouble() > 0);
    }

    @Test
    void overridesInlineAndFromFile(@TempDir Path dir) throws Exception {
        Result inline = run(args("--override", "{\"patchSize\":[128,128],\"training\":{\"epochs\":5}}"));
        assertEquals(0, inline.exitCode(), inline.err());
        Plan p = PlanJson.fromJson(inline.out(), "stdout");
        assertArrayEquals(new int[] {128, 128}, p.patchSize);
        assertEquals(5, p.training.epochs);
        assertEquals(250, p.training.iterationsPerEpoch);

        Path file = dir.resolve("o.json");
        Files.writeString(file, "{\"batchSize\": 6, \"ignoreValue\": 255}");
        Result fromFile = run(args("--override", file.toString(), "--max-batch-size", "1"));
        assertEquals(0, fromFile.exitCode(), fromFile.err());
        Plan q = PlanJson.fromJson(fromFile.out(), "stdout");
        assertEquals(6, q.batchSize, "overrides come last");
        assertEquals(255, q.ignoreValue);
    }

    @Test
    void userIgnoreValueAndModalities() {
        Result r = run(args("--ignore-label", "255", "--modalities", "CT"));
        assertEquals(0, r.exitCode(), r.err());
        Plan p = PlanJson.fromJson(r.out(), "stdout");
        assertEquals(255, p.ignoreValue);
        assertEquals("ct", p.normalization.schemes.get(0));
        assertTrue(p.normalization.clipLow[0] < p.normalization.clipHigh[0]);
    }

    @Test
    void errorsAreOneLineOnStandardError(@TempDir Path dir) {
        Result missing = run("plan", "--images", dir.resolve("none").toString(), "--labels", dir.toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().startsWith("maskseg: images folder"), missing.err());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertEquals("", missing.out());

        Result bad = run(args("--override", "{\"patchSize\":[100,128]}"));
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("maskseg: ") && bad.err().contains("patchSize[0] = 100"), bad.err());

        Result config = run(args("--config", "3d"));
        assertEquals(2, config.exitCode());
        assertTrue(config.err().contains("maskseg: configuration '3d' needs 3D images"), config.err());

        Result notFile = run(args("--override", "missing.json"));
        assertEquals(2, notFile.exitCode());
        assertTrue(notFile.err().contains("--override"), notFile.err());
    }
}
