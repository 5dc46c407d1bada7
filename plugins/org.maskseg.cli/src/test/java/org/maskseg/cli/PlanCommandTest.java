package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.maskseg.cli.CommandLineRun.nuclei;
import static org.maskseg.cli.CommandLineRun.run;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.maskseg.cli.CommandLineRun.Result;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.PlanJson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class PlanCommandTest {

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
        assertEquals("2d", printed.configuration());
        assertArrayEquals(new int[] {256, 256}, printed.patchSize());
        assertEquals(2, printed.batchSize());
        assertEquals(7, printed.network().numStages());
        assertEquals(PlanJson.toJson(printed), PlanJson.toJson(PlanJson.read(file)));
        assertTrue(r.err().contains("planned 40 case(s)"), r.err());
        JsonNode fp = new ObjectMapper().readTree(fingerprint.toFile());
        assertEquals(40, fp.get("caseNames").size());
        assertEquals(256, fp.get("medianSize").get(0).asInt());
        assertTrue(fp.get("intensities").get(0).get("percentile99_5").asDouble() > 0);
    }

    @Test
    void resEncPresetPlansTheResidualEncoderUNet() {
        // 40 nuclei images of 256²: nnU-Net's ResEnc M rule keeps the 256² patch (7 stages) and lets the batch
        // cover the whole dataset, 40 images (see ResEncPresetTest for the arithmetic)
        Result r = run(args("--preset", "resenc-m"));
        assertEquals(0, r.exitCode(), r.err());
        Plan p = PlanJson.fromJson(r.out(), "stdout");
        assertEquals("ResidualEncoderUNet", p.network().architecture());
        assertArrayEquals(new int[] {1, 3, 4, 6, 6, 6, 6}, p.network().blocksPerStage());
        assertArrayEquals(new int[] {256, 256}, p.patchSize());
        assertEquals(40, p.batchSize());
        assertTrue(r.err().contains("2d ResidualEncoderUNet, patch [256, 256], batch 40, 7 stages"), r.err());

        Result bad = run(args("--preset", "resenc-s"));
        assertEquals(1, bad.exitCode());
        assertEquals("maskseg: preset 'resenc-s': expected one of default, resenc-m, resenc-l", bad.err().strip());
    }

    @Test
    void overridesInlineAndFromFile(@TempDir Path dir) throws Exception {
        Result inline = run(args("--override", "{\"patchSize\":[128,128],\"training\":{\"epochs\":5}}"));
        assertEquals(0, inline.exitCode(), inline.err());
        Plan p = PlanJson.fromJson(inline.out(), "stdout");
        assertArrayEquals(new int[] {128, 128}, p.patchSize());
        assertEquals(6, p.network().numStages());
        assertEquals(5, p.training().epochs());
        assertEquals(250, p.training().iterationsPerEpoch());

        Path file = dir.resolve("o.json");
        Files.writeString(file, "{\"batchSize\": 6, \"ignoreValue\": 255}");
        Result fromFile = run(args("--override", file.toString(), "--max-batch-size", "1"));
        assertEquals(0, fromFile.exitCode(), fromFile.err());
        Plan q = PlanJson.fromJson(fromFile.out(), "stdout");
        assertEquals(6, q.batchSize(), "overrides come last");
        assertEquals(255, q.targets().ignoreValue());
    }

    @Test
    void userIgnoreValueAndModalities() {
        Result r = run(args("--ignore-label", "255", "--modalities", "CT"));
        assertEquals(0, r.exitCode(), r.err());
        Plan p = PlanJson.fromJson(r.out(), "stdout");
        assertEquals(255, p.targets().ignoreValue());
        assertEquals("ct", p.normalization().schemes().get(0));
        assertTrue(p.normalization().clipLow()[0] < p.normalization().clipHigh()[0]);
    }

    @Test
    void aTimeBudgetSizesThePlanToThisDeviceAsTrainDoes(@TempDir Path dir) throws Exception {
        // how fast this machine is decides the choice: the printed plan must be the one the decision names
        Path file = dir.resolve("sized.json");
        Result r = run(args("--budget", "20s", "--device", "cpu", "--threads", "1", "--out", file.toString()));
        assertEquals(0, r.exitCode(), r.err());
        Plan p = PlanJson.fromJson(r.out(), "stdout");
        assertEquals(PlanJson.toJson(p), PlanJson.toJson(PlanJson.read(file)));
        assertTrue(r.err().contains("device sizing on cpu() in fp32"), r.err());
        Matcher chose = Pattern.compile("device sizing chose patch \\[(\\d+), (\\d+)\\], batch (\\d+)(, features / 2)?")
                .matcher(r.err());
        if (chose.find()) {
            assertArrayEquals(new int[] {Integer.parseInt(chose.group(1)), Integer.parseInt(chose.group(2))},
                    p.patchSize());
            assertEquals(Integer.parseInt(chose.group(3)), p.batchSize());
            assertEquals(chose.group(4) == null ? 32 : 16, p.network().features()[0]);
            // the nuclei's objects set the floor: 2 × the 90th percentile of their extents, at least 32
            assertTrue(p.patchSize()[0] >= 32 && p.patchSize()[0] < 256, r.err());
        } else {
            assertTrue(r.err().contains("device sizing kept the plan"), r.err());
            assertArrayEquals(new int[] {256, 256}, p.patchSize());
        }

        // what train would not size is not sized here either, with the reason
        Result fixed = run(args("--budget", "20s", "--device", "cpu", "--override", "{\"patchSize\":[128,128]}"));
        assertEquals(0, fixed.exitCode(), fixed.err());
        assertArrayEquals(new int[] {128, 128}, PlanJson.fromJson(fixed.out(), "stdout").patchSize());
        assertTrue(fixed.err().contains("device sizing off: the plan overrides set the patch size, batch size or "
                + "network"), fixed.err());

        Result steps = run(args("--budget", "500steps"));
        assertEquals(Cli.FAILED, steps.exitCode());
        assertEquals("maskseg: --budget for plan is a time (20m, 2h): a step budget does not change the plan",
                steps.err().strip());
        Result zero = run(args("--budget", "0m"));
        assertEquals(Cli.FAILED, zero.exitCode());
        assertEquals(1, zero.err().strip().lines().count(), zero.err());
        assertEquals("", zero.out());
    }

    @Test
    void errorsAreOneLineOnStandardError(@TempDir Path dir) {
        Result missing = run("plan", "--images", dir.resolve("none").toString(), "--labels", dir.toString());
        assertEquals(Cli.FAILED, missing.exitCode());
        assertTrue(missing.err().startsWith("maskseg: images folder"), missing.err());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertEquals("", missing.out());

        Result bad = run(args("--override", "{\"patchSize\":[100,128]}"));
        assertEquals(Cli.FAILED, bad.exitCode());
        assertTrue(bad.err().startsWith("maskseg: patch size [100, 128] does not suit a U-Net"), bad.err());

        Result config = run(args("--config", "3d"));
        assertEquals(Cli.FAILED, config.exitCode());
        assertTrue(config.err().contains("maskseg: configuration '3d' needs 3D images"), config.err());

        Result cascade = run(args("--config", "3d_cascade"));
        assertEquals(Cli.FAILED, cascade.exitCode());
        assertTrue(cascade.err().contains("maskseg: configuration '3d_cascade' needs 3D images"), cascade.err());
        assertEquals(1, cascade.err().strip().lines().count(), cascade.err());

        Result notFile = run(args("--override", "missing.json"));
        assertEquals(Cli.FAILED, notFile.exitCode());
        assertTrue(notFile.err().contains("--plan-overrides"), notFile.err());
    }

    /** Writes an 8-bit grayscale PNG of size w × h with the given values (row by row). */
    private static void png(Path file, int w, int h, int[] values) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setPixels(0, 0, w, h, values);
        ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void smallImagesWithIgnoreLabel(@TempDir Path dir) throws Exception {
        // Two 20×20 images whose labels are half ignore (255), half annotated 0/1: three stages (20 -> 10 -> 5).
        Path imgs = Files.createDirectories(dir.resolve("images"));
        Path labs = Files.createDirectories(dir.resolve("labels"));
        for (String name : new String[] {"a", "b"}) {
            int[] px = new int[400];
            int[] lab = new int[400];
            for (int i = 0; i < 400; i++) {
                px[i] = (i * 7 + name.charAt(0)) % 256;
                lab[i] = i < 200 ? 255 : (i % 3 == 0 ? 1 : 0);
            }
            png(imgs.resolve(name + ".png"), 20, 20, px);
            png(labs.resolve(name + ".png"), 20, 20, lab);
        }
        Result r = run("plan", "--images", imgs.toString(), "--labels", labs.toString(), "--ignore-label", "255");
        assertEquals(0, r.exitCode(), r.err());
        Plan p = PlanJson.fromJson(r.out(), "stdout");
        assertEquals(2, p.targets().numClasses());
        assertEquals(255, p.targets().ignoreValue());
        assertEquals(3, p.network().numStages());
        assertArrayEquals(new int[] {20, 20}, p.patchSize());

        // Without --ignore-label, 255 would make 256 classes: refused with the voxels per value
        Result implicit = run("plan", "--images", imgs.toString(), "--labels", labs.toString());
        assertEquals(Cli.FAILED, implicit.exitCode(), implicit.err());
        assertTrue(implicit.err().startsWith("maskseg: the label images: label value 255 lies far above the others "
                + "(voxels per value: 0: 266, 1: 134, 255: 400)"), implicit.err());
        assertTrue(implicit.err().contains("--ignore-label 255"), implicit.err());
        assertEquals(1, implicit.err().strip().lines().count(), implicit.err());
        assertTrue(!r.err().contains("warning"), r.err());
    }
}
