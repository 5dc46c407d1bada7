package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.labels.RegionSet;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.preprocess.TrainingCase;

/** Training plumbing of region-based plans: a single region (one output), and warm starts keep their outputs. */
class RegionTrainingTest {

    @TempDir
    Path dir;

    private static TrainingSettings.Builder cpu() {
        return TrainingSettings.builder().device("cpu").seed(5).loaderThreads(1).threads(1);
    }

    private static Plan regionPlan() {
        Plan p = TinyProblem.plan(1, 2);
        return p.toBuilder()
                .targets(Targets.of(p.targets().spec(), RegionSet.parse("disk=1", TinyProblem.LABELS), false))
                .build();
    }

    @Test
    void singleRegionModelTrainsWithOneOutputAndWarmStartsKeepTheOutputs() {
        List<TrainingCase> cases = TinyProblem.cases(3, 7);
        TrainingResult r = new Trainer(regionPlan(), cases, cpu().build()).train();
        TrainedModel regions = r.finalModel();
        assertEquals(1, regions.plan().targets().outputChannels());
        assertEquals(1, regions.weights().get(regions.weights().keySet().stream()
                .filter(k -> k.endsWith("head.bias")).findFirst().orElseThrow()).data().length);
        assertEquals(List.of("disk"), regions.scoreNames());
        assertEquals(1, r.history().get(0).pseudoDice().length);
        assertTrue(Double.isFinite(r.history().get(0).trainLoss()));

        // a class plan cannot start from a region model, nor the other way round
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new Trainer(TinyProblem.plan(1, 1), cases,
                        cpu().initialModel(regions).build()));
        assertTrue(e.getMessage().contains("a warm start needs the same outputs"), e.getMessage());
        // regions given for a job that continues a model must be the model's
        PlannerOptions other = PlannerOptions.defaults().withRegions("disk=1:1;again=1");
        InvalidInputException f = assertThrows(InvalidInputException.class,
                () -> TrainingJob.checkSameRegions(other, TinyProblem.LABELS, regions.plan(), "the initial model"));
        assertTrue(f.getMessage().startsWith("regions disk=1:1;again=1:1 differ from those of the initial model "
                + "(disk=1:1)"), f.getMessage());
        TrainingJob.checkSameRegions(PlannerOptions.defaults().withRegions("disk=1"), TinyProblem.LABELS,
                regions.plan(), "the initial model");
    }

    @Test
    void modelFileCarriesTheRegionsAndRefusesInvalidOnes() throws IOException {
        TrainedModel model = new Trainer(regionPlan(), TinyProblem.cases(2, 3),
                cpu().iterationsPerEpoch(1).validationIterations(1).build()).train().finalModel();
        Path file = dir.resolve("regions.zip");
        model.save(file);
        TrainedModel back = TrainedModel.load(file);
        assertEquals(model.regions(), back.regions());
        assertTrue(back.sameWeightsAs(model));

        // the same file with a region whose export label is background
        Path bad = dir.resolve("bad.zip");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(file));
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bad))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] data = in.readAllBytes();
                if (e.getName().endsWith(".json")) {
                    String json = new String(data, StandardCharsets.UTF_8);
                    assertTrue(json.contains("\"exportLabel\" : 1"), json);
                    data = json.replace("\"exportLabel\" : 1", "\"exportLabel\" : 0").getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(data);
                out.closeEntry();
            }
        }
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TrainedModel.load(bad));
        assertTrue(e.getMessage().contains("bad.zip' is corrupt: its plan is invalid: regions: region 'disk' has "
                + "export label 0"), e.getMessage());
    }
}
