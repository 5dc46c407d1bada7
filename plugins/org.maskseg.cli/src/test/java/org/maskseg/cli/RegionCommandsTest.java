package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.maskseg.cli.CommandLineRun.nuclei;
import static org.maskseg.cli.CommandLineRun.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.cli.CommandLineRun.Result;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.train.Trainer;
import org.maskseg.core.train.TrainingCurves;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Region-based training, prediction and evaluation from the command line. */
class RegionCommandsTest {

    @TempDir
    Path dir;

    /**
     * Three sample images with nested labels: nucleus pixels next to the background become class 1 (rim),
     * the others class 2 (core).
     */
    private Path[] nestedDataset() throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path labels = Files.createDirectories(dir.resolve("labels"));
        try (Stream<Path> files = Files.list(nuclei().resolve("images"))) {
            for (Path f : files.sorted().limit(3).toList()) {
                Files.copy(f, images.resolve(f.getFileName()));
                LabelVolume dense = ImageFiles.readLabels(nuclei().resolve("labels").resolve(f.getFileName()), "l");
                ImageFiles.writeLabels(rimAndCore(dense), labels.resolve(f.getFileName()));
            }
        }
        return new Path[] {images, labels};
    }

    private static LabelVolume rimAndCore(LabelVolume dense) {
        int w = (int) dense.size()[0];
        int h = (int) dense.size()[1];
        int[] d = dense.data();
        int[] out = new int[d.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (d[i] == 0) {
                    continue;
                }
                boolean inner = x > 0 && y > 0 && x < w - 1 && y < h - 1 && d[i - 1] != 0 && d[i + 1] != 0
                        && d[i - w] != 0 && d[i + w] != 0;
                out[i] = inner ? 2 : 1;
            }
        }
        return LabelVolume.wrap(dense.name(), out, dense.size(), dense.spacing());
    }

    @Test
    void trainPredictAndEvaluateRegions() throws IOException {
        Path[] data = nestedDataset();
        Path model = dir.resolve("regions.zip");
        Result r = run("train", "--images", data[0].toString(), "--labels", data[1].toString(), "--out",
                model.toString(), "--regions", "whole=1,2;core=2", "--epochs", "1", "--iterations", "2",
                "--validation-iterations", "1", "--patch", "64,64", "--batch-size", "2", "--device", "cpu",
                "--threads", "1", "--plan-overrides", "{\"network\":{\"features\":[8,16,32,32,32]}}");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("regions whole=1,2:1;core=2:2"), r.out());
        assertTrue(r.out().contains("pseudo-Dice per region in the order whole, core"), r.out());
        TrainedModel m = TrainedModel.load(model);
        assertEquals(List.of("whole", "core"), m.scoreNames());
        assertEquals(2, m.plan().targets().outputChannels());
        assertEquals(2, m.metadata().finalPseudoDice().length);
        Path work = dir.resolve("regions-training");
        assertTrue(Files.isRegularFile(work.resolve(Trainer.CHECKPOINT)));
        String header = Files.readAllLines(work.resolve(TrainingCurves.CSV)).get(0);
        assertEquals("epoch,train_loss,val_loss,pseudo_dice_whole,pseudo_dice_core,ema_pseudo_dice,lr,skipped_steps,seconds,scaler_skips,loss_scale",
                header);

        Path out = dir.resolve("predicted");
        Result p = run("predict", "--model", model.toString(), "--images", data[0].toString(), "--out",
                out.toString(), "--probabilities", "--uncertainty", "--device", "cpu", "--threads", "1");
        assertEquals(0, p.exitCode(), p.out() + p.err());
        assertTrue(p.out().contains("regions whole=1,2:1;core=2:2"), p.out());
        try (Stream<Path> files = Files.list(data[0])) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString().replaceFirst("\\.png$", "");
                LabelVolume labels = ImageFiles.readLabels(out.resolve(f.getFileName()), name);
                for (int v : labels.data()) {
                    assertTrue(v >= 0 && v <= 2, "label " + v);
                }
                ImageVolume prob = ImageFiles.readImage(out.resolve(name + "_probabilities.tif"), name);
                assertEquals(2, prob.channels());
                assertArrayEquals(labels.size(), prob.spatialSize());
                assertTrue(Files.isRegularFile(out.resolve(name + "_uncertainty.tif")));
            }
        }

        Path json = dir.resolve("scores.json");
        Result e = run("evaluate", "--reference", data[1].toString(), "--prediction", out.toString(), "--model",
                model.toString(), "--json", json.toString());
        assertEquals(0, e.exitCode(), e.out() + e.err());
        assertTrue(e.out().contains("mean Dice over the regions"), e.out());
        JsonNode scores = new ObjectMapper().readTree(json.toFile());
        assertTrue(scores.get("regions").has("whole") && scores.get("regions").has("core"), scores.toString());
        assertEquals(3, scores.get("cases").size());

        Result byText = run("evaluate", "--reference", data[1].toString(), "--prediction", out.toString(),
                "--regions", "all=1,2");
        assertEquals(0, byText.exitCode(), byText.out() + byText.err());
        assertTrue(byText.out().contains("all "), byText.out());
        assertFalse(byText.out().contains("core"), byText.out());
    }

    @Test
    void planShowsTheRegions() throws IOException {
        Path[] data = nestedDataset();
        Result r = run("plan", "--images", data[0].toString(), "--labels", data[1].toString(), "--regions",
                "whole=1,2;core=2");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        JsonNode plan = new ObjectMapper().readTree(r.out());
        assertEquals(2, plan.get("regions").size());
        assertEquals("core", plan.get("regions").get(1).get("name").asText());
        assertEquals(2, plan.get("regions").get(1).get("exportLabel").asInt());
        assertEquals(1, plan.get("regions").get(0).get("exportLabel").asInt());
    }

    @Test
    void badRegionsAreRefusedBeforeTraining() throws IOException {
        Path[] data = nestedDataset();
        Path model = dir.resolve("bad.zip");
        Result r = run("train", "--images", data[0].toString(), "--labels", data[1].toString(), "--out",
                model.toString(), "--regions", "whole=1,2;core=2,3", "--device", "cpu");
        assertEquals(Cli.FAILED, r.exitCode());
        assertTrue(r.err().startsWith("maskseg: region 'core': class 3 is not a foreground class (1..2)"), r.err());
        assertFalse(Files.exists(model));

        Result e = run("evaluate", "--reference", data[1].toString(), "--prediction", data[1].toString(),
                "--regions", "whole=0,1");
        assertEquals(Cli.FAILED, e.exitCode());
        assertTrue(e.err().contains("background (class 0) cannot be part of a region"), e.err());
    }
}
