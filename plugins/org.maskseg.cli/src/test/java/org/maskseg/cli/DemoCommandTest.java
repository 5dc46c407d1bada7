package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.model.TrainedModel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code maskseg demo} with a tiny budget: scribbles, model, predictions and scores are all written. */
@Tag("learning")
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void runsTheWholeJobAndWritesEveryOutput() throws IOException {
        Path out = dir.resolve("demo");
        String home = System.getProperty("maskseg.home");
        System.setProperty("maskseg.home", CommandLineRun.nuclei().getParent().getParent().toString());
        CommandLineRun.Result r;
        try {
            r = CommandLineRun.run("demo", "--out", out.toString(), "--epochs", "1", "--iterations", "2",
                    "--threads", "1");
        } finally {
            if (home == null) {
                System.clearProperty("maskseg.home");
            } else {
                System.setProperty("maskseg.home", home);
            }
        }
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("scribbles annotate"), r.out());

        TrainedModel model = TrainedModel.load(out.resolve("model.zip"));
        assertEquals(List.of("background", "nucleus"), model.labels().classNames());
        JsonNode scores = new ObjectMapper().readTree(out.resolve("scores.json").toFile());
        assertEquals("nucleus", scores.get("classes").get("1").get("name").asText());
        assertEquals(8, scores.get("cases").size());
        double dice = scores.get("classes").get("1").get("dice").asDouble();
        assertTrue(dice >= 0 && dice <= 1, "Dice " + dice);
        try (var predictions = Files.list(out.resolve("predictions"))) {
            assertEquals(8, predictions.count());
        }
        try (var scribbles = Files.list(out.resolve("scribbles"))) {
            assertEquals(32, scribbles.count());
        }
    }
}
