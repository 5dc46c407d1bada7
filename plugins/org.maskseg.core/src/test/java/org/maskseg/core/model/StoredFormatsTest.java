package org.maskseg.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.PlanJson;

/**
 * Plan, model and checkpoint files written by MaskSeg 0.1.0 (a region model and a class model with ignore value
 * 255, trained for two steps on the sample nuclei) still load with the same meaning, and are written back in
 * the same layout.
 */
class StoredFormatsTest {

    private static Path file(String name) throws URISyntaxException {
        return Path.of(StoredFormatsTest.class.getResource("/formats/0.1.0/" + name).toURI());
    }

    @Test
    void planFileLoadsAndIsWrittenBackUnchanged() throws Exception {
        Path f = file("plan-regions.json");
        Plan plan = PlanJson.read(f);
        Targets t = plan.targets();
        assertEquals(List.of("background", "nucleus"), t.classNames());
        assertEquals(255, t.ignoreValue());
        assertEquals("nucleus=1:1", t.regions().format());
        assertFalse(t.partialLabels());
        assertEquals(Files.readString(f, StandardCharsets.UTF_8).strip(), PlanJson.toJson(plan).strip());
    }

    @Test
    void regionModelLoadsWithItsTargets(@TempDir Path dir) throws Exception {
        TrainedModel m = TrainedModel.load(file("model-regions.zip"));
        assertTrue(m.plan().targets().regionBased());
        assertEquals(List.of("nucleus"), m.scoreNames());
        assertEquals(1, m.plan().targets().outputChannels());
        assertEquals(255, m.labels().ignoreValue());
        assertSavedAgainUnchanged(m, dir);
    }

    @Test
    void classModelAndItsCheckpointLoad(@TempDir Path dir) throws Exception {
        TrainedModel m = TrainedModel.load(file("model-classes.zip"));
        assertFalse(m.plan().targets().regionBased());
        assertEquals(List.of("background", "nucleus"), m.labels().classNames());
        assertEquals(List.of("nucleus"), m.scoreNames());
        assertEquals(2, m.plan().targets().outputChannels());
        assertSavedAgainUnchanged(m, dir);

        Checkpoint c = Checkpoint.load(file("checkpoint-classes.zip"));
        assertEquals(m.plan().targets(), c.model().plan().targets());
        assertEquals(1, c.model().metadata().epochsDone());
    }

    private static void assertSavedAgainUnchanged(TrainedModel m, Path dir) throws IOException {
        Path again = dir.resolve("again.zip");
        m.save(again);
        TrainedModel back = TrainedModel.load(again);
        assertTrue(back.sameWeightsAs(m));
        assertEquals(PlanJson.toJson(m.plan()), PlanJson.toJson(back.plan()));
        assertEquals(m.plan().targets(), back.plan().targets());
    }
}
