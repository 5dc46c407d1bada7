package org.maskseg.core.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.InvalidInputException;

class PlanJsonTest {

    private static Plan validPlan() {
        Plan p = new Plan();
        p.targets = Targets.classes(new LabelSpec(2, 2, List.of("background", "nucleus")));
        return p;
    }

    private static String message(Runnable r) {
        return assertThrows(InvalidInputException.class, r::run).getMessage();
    }

    @Test
    void roundTripKeepsEveryField(@TempDir Path dir) throws Exception {
        Plan p = validPlan();
        p.batchSize = 7;
        p.patchSize = new int[] {64, 96};
        p.network.numStages = 3;
        p.network.features = new int[] {32, 64, 128};
        p.network.strides = new int[][] {{1, 1}, {2, 2}, {2, 2}};
        p.network.kernelSizes = new int[][] {{3, 3}, {3, 3}, {3, 3}};
        p.training.epochs = 12;
        p.normalization.schemes = List.of("ct");
        p.normalization.clipLow = new double[] {-100};
        p.normalization.clipHigh = new double[] {300};
        p.normalization.mean = new double[] {40};
        p.normalization.std = new double[] {55.5};

        Path file = dir.resolve("plan.json");
        PlanJson.write(p, file);
        Plan back = PlanJson.read(file);
        assertEquals(PlanJson.toJson(p), PlanJson.toJson(back));
        assertEquals(7, back.batchSize);
        assertArrayEquals(new int[] {64, 96}, back.patchSize);
        assertEquals(12, back.training.epochs);
        assertEquals(55.5, back.normalization.std[0]);
        assertTrue(Files.readString(file).contains("\n  \"configuration\" : \"2d\""), "pretty printed");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void partialLabelsFlagDefaultsToFalseForOlderPlans() {
        Plan p = validPlan();
        String withoutFlag = PlanJson.toJson(p).replace("\"partialLabels\" : false,", "")
                .replace(",\n    \"partialLabels\" : false", "");
        assertFalse(withoutFlag.contains("partialLabels"), withoutFlag);
        assertFalse(PlanJson.fromJson(withoutFlag, "old.json").targets.partialLabels());
        p.targets = p.targets.withPartialLabels(true);
        assertTrue(PlanJson.fromJson(PlanJson.toJson(p), "new.json").targets.partialLabels());
        p.targets = Targets.classes(new LabelSpec(18, 18, java.util.Collections.nCopies(18, "c")));
        String tooMany = PlanJson.toJson(p).replace("\"partialLabels\" : false", "\"partialLabels\" : true");
        String m = message(() -> PlanJson.fromJson(tooMany, "many.json"));
        assertTrue(m.contains("training.partialLabels needs at most 16 foreground classes"), m);
    }

    @Test
    void newerFormatIsRefused() {
        String json = PlanJson.toJson(validPlan()).replace("\"formatVersion\" : 1", "\"formatVersion\" : 3");
        String m = message(() -> PlanJson.fromJson(json, "x.json"));
        assertTrue(m.contains("format version 3") && m.contains("update MaskSeg"), m);
        String missing = message(() -> PlanJson.fromJson("{\"batchSize\": 2}", "x.json"));
        assertTrue(missing.contains("formatVersion"), missing);
    }

    @Test
    void unknownFieldsAreNamed() {
        String top = PlanJson.toJson(validPlan()).replace("\"batchSize\"", "\"batchSise\"");
        String m = message(() -> PlanJson.fromJson(top, "x.json"));
        assertTrue(m.contains("unknown field 'batchSise'") && m.contains("batchSize"), m);

        String nested = message(() -> PlanJson.applyOverrides(validPlan(), "{\"network\": {\"depth\": 4}}"));
        assertTrue(nested.contains("unknown field 'depth' in 'network'"), nested);
    }

    @Test
    void wrongTypesAndBrokenJsonAreRefused() {
        String m = message(() -> PlanJson.applyOverrides(validPlan(), "{\"batchSize\": 2.5}"));
        assertTrue(m.contains("'batchSize'"), m);
        m = message(() -> PlanJson.applyOverrides(validPlan(), "{\"batchSize\": null}"));
        assertTrue(m.contains("'batchSize'"), m);
        m = message(() -> PlanJson.applyOverrides(validPlan(), "{\"batchSize\": 2"));
        assertTrue(m.contains("not valid JSON"), m);
        m = message(() -> PlanJson.applyOverrides(validPlan(), "[1, 2]"));
        assertTrue(m.contains("JSON object"), m);
    }

    @Test
    void overridesMergeNestedObjects() {
        Plan p = validPlan();
        Plan o = PlanJson.applyOverrides(p, """
                {"patchSize": [128, 64], "batchSize": 4,
                 "training": {"epochs": 50},
                 "network": {"numStages": 3, "features": [16, 32, 64],
                             "strides": [[1, 1], [2, 2], [2, 2]], "kernelSizes": [[3, 3], [3, 3], [3, 3]]}}""");
        assertArrayEquals(new int[] {128, 64}, o.patchSize);
        assertEquals(4, o.batchSize);
        assertEquals(50, o.training.epochs);
        assertEquals(250, o.training.iterationsPerEpoch, "sibling fields are kept");
        assertEquals(3, o.network.numStages);
        assertEquals(2, o.network.convsPerStage);
        assertEquals(2, p.batchSize, "input plan unchanged");
    }

    @Test
    void validationNamesEachProblem() {
        String m = message(() -> PlanJson.applyOverrides(validPlan(), "{\"patchSize\": [100, 128]}"));
        assertTrue(m.contains("patchSize[0] = 100 is not divisible by 16") && m.contains("use 96 or 112"), m);

        m = message(() -> PlanJson.applyOverrides(validPlan(), "{\"network\": {\"numStages\": 4}}"));
        assertTrue(m.contains("network.features must have numStages = 4 entries, got 5"), m);
        assertTrue(m.contains("network.strides must have numStages = 4 entries"), m);

        m = message(() -> PlanJson.applyOverrides(validPlan(), "{\"configuration\": \"3d_fullres\"}"));
        assertTrue(m.contains("configuration must be \"2d\" or \"3d\""), m);

        m = message(() -> PlanJson.applyOverrides(validPlan(), "{\"configuration\": \"3d\"}"));
        assertTrue(m.contains("patchSize must have 3 entries"), m);

        m = message(() -> PlanJson.applyOverrides(validPlan(), "{\"batchSize\": 0, \"patchSize\": [0, 16]}"));
        assertTrue(m.contains("batchSize must be at least 1") && m.contains("patchSize entries must be positive"), m);

        m = message(() -> PlanJson.applyOverrides(validPlan(), "{\"ignoreValue\": 1}"));
        assertTrue(m.contains("ignoreValue 1 collides"), m);

        m = message(() -> PlanJson.applyOverrides(validPlan(), "{\"normalization\": {\"schemes\": [\"minmax\"]}}"));
        assertTrue(m.contains("normalization.schemes[0]"), m);

        m = message(() -> PlanJson.applyOverrides(validPlan(), "{\"imageInterpolation\": \"spline5\"}"));
        assertTrue(m.contains("imageInterpolation must be \"cubic\" or \"linear\""), m);

        m = message(() -> PlanJson.applyOverrides(validPlan(), "{\"training\": {\"momentum\": 1.5}}"));
        assertTrue(m.contains("training.momentum"), m);

        m = message(() -> PlanJson.applyOverrides(validPlan(),
                "{\"network\": {\"strides\": [[2, 2], [2, 2], [2, 2], [2, 2], [2, 2]]}}"));
        assertTrue(m.contains("network.strides[0] must be all 1"), m);
    }

    @Test
    void missingFileIsReported(@TempDir Path dir) {
        String m = message(() -> {
            try {
                PlanJson.read(dir.resolve("nope.json"));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(m.contains("nope.json") && m.contains("does not exist"), m);
    }
}
