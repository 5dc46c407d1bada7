package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.plan.DeviceSizing;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.PlanJson;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.preprocess.TrainingCase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** When a job sizes its plan to the device, and what a sized job writes and returns. */
class PlanSizingTest {

    private static final Budget MINUTES = Budget.ofTime(Duration.ofMinutes(3));

    @Test
    void onlyANewlyPlannedJobWithATimeBudgetAndNoFixedPatchOrBatchIsSized() {
        TrainingSettings time = TrainingSettings.builder().budget(MINUTES).build();
        assertEquals("", PlanSizing.notSized(time, null, true));
        assertEquals("", PlanSizing.notSized(time, PlannerOptions.defaults()
                .withOverrides("{\"training\": {\"initialLearningRate\": 0.001}}"), true));
        // no question of sizing: no budget, a step budget, sizing turned off
        assertNull(PlanSizing.notSized(TrainingSettings.builder().build(), null, true));
        assertNull(PlanSizing.notSized(TrainingSettings.builder().budget(Budget.ofSteps(5000)).build(), null, true));
        assertNull(PlanSizing.notSized(TrainingSettings.builder().budget(MINUTES).deviceSizing(false).build(), null,
                true));
        // the user's choices win
        assertEquals("the patch or batch size is given", PlanSizing.notSized(TrainingSettings.builder()
                .budget(MINUTES).patchSize(64, 64).build(), null, true));
        assertEquals("the patch or batch size is given", PlanSizing.notSized(TrainingSettings.builder()
                .budget(MINUTES).batchSize(4).build(), null, true));
        assertEquals("the plan overrides set the patch size, batch size or network", PlanSizing.notSized(time,
                PlannerOptions.defaults().withOverrides("{\"patchSize\": [64, 64]}"), true));
        // a warm start keeps its model's network
        assertEquals("a warm start keeps the network of its initial model", PlanSizing.notSized(time, null, false));
    }

    @Test
    void deviceSizingIsOnByDefaultAndKeptByTheBuilder() {
        TrainingSettings s = TrainingSettings.builder().budget(MINUTES).build();
        assertTrue(s.schedule().deviceSizing());
        assertTrue(s.schedule().sizesToDevice());
        TrainingSettings off = s.toBuilder().deviceSizing(false).build();
        assertTrue(!off.toBuilder().build().schedule().deviceSizing());
    }

    @Test
    void aStepBudgetTrainsThePlanExactlyAndIsNotSized(@TempDir Path work) {
        List<TrainingCase> cases = TinyProblem.cases(4, 2);
        List<ImageVolume> images = cases.stream().map(TrainingCase::image).toList();
        List<LabelVolume> labels = cases.stream().map(TrainingCase::labels).toList();
        TrainingSettings settings = TrainingSettings.builder().device("cpu").threads(1).loaderThreads(1).seed(1)
                .budget(Budget.ofSteps(2)).workFolder(work).build();
        Plan planned = TrainingJob.plan(images, labels, null, settings, null);
        List<String> messages = new ArrayList<>();
        TrainingResult result = TrainingJob.run(TrainingRequest.volumes(images, labels).settings(settings)
                .finalValidation(false).build(), new TrainingListener() {
                    @Override
                    public void message(String text) {
                        messages.add(text);
                    }
                }, null);
        assertNull(result.sizing());
        assertEquals(PlanJson.toJson(planned), PlanJson.toJson(result.finalModel().plan()));
        assertTrue(messages.stream().noneMatch(m -> m.contains("device sizing")), messages.toString());
        assertTrue(Files.notExists(work.resolve(PlanSizing.FILE)));
    }

    /** The job's part of sizing, with an injected timer: the plan kept bit for bit, or made smaller; the record. */
    @Test
    void aSizedJobGetsThePlanTheDecisionAndTheBudgetLeft(@TempDir Path work) throws Exception {
        List<TrainingCase> cases = TinyProblem.cases(6, 2);
        List<ImageVolume> images = cases.stream().map(TrainingCase::image).toList();
        List<LabelVolume> labels = cases.stream().map(TrainingCase::labels).toList();
        TrainingSettings settings = TrainingSettings.builder().budget(Budget.ofTime(Duration.ofSeconds(20)))
                .workFolder(work).build();
        // 32² images: patch 32², batch 2, 4 stages of 32 to 256 features; the disks (at most 13 wide) give the
        // minimum patch 32², so only the batch and the width can give
        Plan planned = TrainingJob.plan(images, labels, null, settings, null);
        assertArrayEquals(new int[] {32, 32}, planned.patchSize());
        assertEquals(2, planned.batchSize());
        assertArrayEquals(new int[] {32, 64, 128, 256}, planned.network().features());

        // 1e-5 s per voxel: 0.02048 s per step, ⌊0.85 × 20 / 0.02048⌋ = 830 steps: kept exactly
        DeviceSizing.StepTimer timer = (c, estimate) -> 1e-5 * c.voxelsPerStep() / c.featureDivisor();
        List<String> lines = new ArrayList<>();
        PlanSizing.Outcome kept = PlanSizing.size(planned, cases, settings, message(lines), timer, () -> 1.5,
                "test device");
        assertEquals(PlanJson.toJson(planned), PlanJson.toJson(kept.plan()));
        assertEquals(830, kept.report().decision().steps());
        assertEquals(Duration.ofMillis(18_500), kept.settings().schedule().budget().time(), "20 s less 1.5 s");
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith("device sizing kept the plan"), lines.toString());
        JsonNode json = new ObjectMapper().readTree(work.resolve(PlanSizing.FILE).toFile());
        assertEquals("test device", json.get("device").asText());
        assertEquals(false, json.get("changed").asBoolean());
        assertEquals(1.5, json.get("measurementSeconds").asDouble());

        // 7 s: ⌊5.95 / 0.02048⌋ = 290 steps; half width 0.01024 s gives ⌊5.95 / 0.01024⌋ = 581
        TrainingSettings shorter = settings.toBuilder().budget(Budget.ofTime(Duration.ofSeconds(7))).build();
        lines.clear();
        PlanSizing.Outcome sized = PlanSizing.size(planned, cases, shorter, message(lines), timer, () -> 0.25,
                "test device");
        assertEquals(new DeviceSizing.Candidate(new int[] {32, 32}, 2, 2), sized.report().decision().chosen());
        assertEquals(581, sized.report().decision().steps());
        assertArrayEquals(new int[] {16, 32, 64, 128}, sized.plan().network().features());
        assertEquals(Duration.ofMillis(6_750), sized.settings().schedule().budget().time());
        assertEquals(3, lines.size(), "the decision and the plan trained: " + lines);
        assertTrue(lines.get(2).startsWith("plan: 2d, patch [32, 32], batch 2, 4 stages, features [16, 32, 64, 128]"),
                lines.get(2));
        json = new ObjectMapper().readTree(work.resolve(PlanSizing.FILE).toFile());
        assertEquals(2, json.get("chosen").get("featureDivisor").asInt());
        assertEquals(581, json.get("chosen").get("estimatedSteps").asInt());
    }

    private static TrainingListener message(List<String> lines) {
        return new TrainingListener() {
            @Override
            public void message(String text) {
                lines.add(text);
            }
        };
    }

    /**
     * A 6 s budget on 128² images: nnU-Net's 128² patch with batch 2 takes far longer than 6 s / 500 steps on a CPU,
     * so the plan is made smaller, which the work folder, the model and the result record.
     */
    @Test
    @Tag("slow")
    void aShortTimeBudgetSizesThePlanAndRecordsWhy(@TempDir Path work) throws Exception {
        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> labels = new ArrayList<>();
        Random r = new Random(3);
        int n = 128;
        for (int c = 0; c < 4; c++) {
            float[] img = new float[n * n];
            int[] lab = new int[n * n];
            for (int d = 0; d < 6; d++) {
                int cx = 10 + r.nextInt(n - 20);
                int cy = 10 + r.nextInt(n - 20);
                for (int y = cy - 5; y <= cy + 5; y++) {
                    for (int x = cx - 5; x <= cx + 5; x++) {
                        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= 25) {
                            lab[y * n + x] = 1;
                        }
                    }
                }
            }
            for (int i = 0; i < img.length; i++) {
                img[i] = lab[i] + (float) r.nextGaussian() * 0.3f;
            }
            images.add(ImageVolume.wrap("c" + c, img, new long[] {n, n}, 1, new double[] {1, 1}));
            labels.add(LabelVolume.wrap("c" + c, lab, new long[] {n, n}, new double[] {1, 1}));
        }
        TrainingSettings settings = TrainingSettings.builder().device("cpu").threads(1).loaderThreads(1).seed(1)
                .budget(Budget.ofTime(Duration.ofSeconds(6))).workFolder(work).build();
        Plan planned = TrainingJob.plan(images, labels, null, settings, null);
        assertArrayEquals(new int[] {128, 128}, planned.patchSize());
        List<String> messages = new ArrayList<>();
        TrainingResult result = TrainingJob.run(TrainingRequest.volumes(images, labels).settings(settings)
                .finalValidation(false).build(), new TrainingListener() {
                    @Override
                    public void message(String text) {
                        messages.add(text);
                    }
                }, null);

        SizingReport report = result.sizing();
        assertNotNull(report);
        assertTrue(report.decision().changed(), report.lines().toString());
        Plan trained = result.finalModel().plan();
        assertArrayEquals(report.decision().chosen().patchSize(), trained.patchSize());
        assertEquals(report.decision().chosen().batchSize(), trained.batchSize());
        assertTrue(trained.patchSize()[0] * trained.patchSize()[1] * trained.batchSize()
                < planned.patchSize()[0] * planned.patchSize()[1] * planned.batchSize());
        // the disks are 11 pixels wide: the minimum patch is the absolute floor of 32
        assertArrayEquals(new int[] {32, 32}, report.decision().minimumPatch());
        assertTrue(trained.patchSize()[0] >= 32 && trained.patchSize()[1] >= 32);
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("device sizing on cpu() in fp32 (measured in")),
                messages.toString());
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("device sizing chose patch")), messages.toString());

        JsonNode json = new ObjectMapper().readTree(work.resolve(PlanSizing.FILE).toFile());
        assertEquals("cpu() in fp32", json.get("device").asText());
        assertEquals(6.0, json.get("budgetSeconds").asDouble());
        assertEquals(trained.batchSize(), json.get("chosen").get("batchSize").asInt());
        assertTrue(json.get("measurementSeconds").asDouble() > 0);
        Map<String, Object> record = result.finalModel().metadata().dataset();
        assertTrue(record.containsKey("deviceSizing"), record.keySet().toString());
    }
}
