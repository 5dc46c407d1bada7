package org.maskseg.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.RegionSet;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.PlanJson;

/**
 * Plan, model and checkpoint files written by MaskSeg 0.1.0 (a region model and a class model with ignore value
 * 255, trained for two steps on the sample nuclei; a 3D region plan with partial labels in which every field differs
 * from its default) still load with the same meaning, and are written back in the same layout.
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
    void everyPlanFieldIsWrittenAsBeforeAndReadBack(@TempDir Path dir) throws Exception {
        Path f = file("plan-3d-every-field.json");
        LabelSpec spec = new LabelSpec(3, 7, List.of("background", "rim", "core"));
        Plan built = Plan.builder()
                .configuration("3d")
                .inputChannels(2)
                .targets(Targets.of(spec, RegionSet.parse("whole=1,2;core=2", spec), true))
                .targetSpacing(0.75, 0.75, 2.5)
                .imageInterpolation("linear")
                .patchSize(96, 80, 24)
                .batchSize(3)
                .batchDice(true)
                .network(n -> n.numStages(4)
                        .features(16, 32, 64, 128)
                        .strides(new int[][] {{1, 1, 1}, {2, 2, 1}, {2, 2, 2}, {2, 2, 2}})
                        .kernelSizes(new int[][] {{3, 3, 1}, {3, 3, 3}, {3, 3, 3}, {3, 3, 3}})
                        .convsPerStage(3)
                        .deepSupervision(false))
                .normalization(n -> n.schemes("ct", "rescale_to_0_1")
                        .useMask(false, true)
                        .clipLow(-1024.5, 0)
                        .clipHigh(3071.25, 0)
                        .mean(42.123456789, 0)
                        .std(1e-3, 1))
                .training(t -> t.epochs(300)
                        .iterationsPerEpoch(120)
                        .validationIterations(0)
                        .initialLearningRate(0.003)
                        .momentum(0.9)
                        .weightDecay(0)
                        .gradientClip(1.5)
                        .foregroundOversampling(1))
                .build();
        String stored = lines(Files.readString(f, StandardCharsets.UTF_8));
        Path written = dir.resolve("built.json");
        PlanJson.write(built, written);
        assertEquals(stored, lines(Files.readString(written, StandardCharsets.UTF_8)));

        Plan read = PlanJson.read(f);
        PlanJson.write(read, written);
        assertEquals(stored, lines(Files.readString(written, StandardCharsets.UTF_8)));
        assertEquals(built.targets(), read.targets());
        assertArrayEquals(new int[][] {{1, 1, 1}, {2, 2, 1}, {2, 2, 2}, {2, 2, 2}}, read.network().strides());
        assertArrayEquals(new double[] {42.123456789, 0}, read.normalization().mean());
        assertEquals(1.5, read.training().gradientClip());
    }

    /** The text with Windows line ends as Unix ones: the writer ends lines as the platform does. */
    private static String lines(String text) {
        return text.replace("\r\n", "\n");
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
