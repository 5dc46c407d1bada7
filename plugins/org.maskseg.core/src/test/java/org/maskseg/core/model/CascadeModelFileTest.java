package org.maskseg.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.PlanJson;
import org.maskseg.core.plan.Planner;
import org.maskseg.core.plan.PlannerOptions;

/** The model file of a cascade keeps both stages, their plans and weights, and its image channels. */
class CascadeModelFileTest {

    @TempDir
    Path dir;

    static Plan cascadePlan() {
        return Planner.plan(org.maskseg.core.plan.CascadePlannerTestData.cubes(10, 256),
                org.maskseg.core.labels.LabelSpec.withDefaultIgnore(3), PlannerOptions.defaults()
                        .withMemoryBudgetGiB(org.maskseg.core.plan.CascadePlannerTestData.budgetFor(64))
                        .withConfiguration(Planner.CASCADE));
    }

    private static Map<String, HostTensor> weights(float v) {
        return Map.of("w", new HostTensor(new long[] {2}, new float[] {v, -v}));
    }

    @Test
    void bothStagesAreSavedAndLoaded() throws Exception {
        Plan plan = cascadePlan();
        TrainedModel low = TrainedModel.ensemble(List.of(
                new TrainedModel(plan.previousStage, TrainedModelTest.meta(), weights(1)).withFold(0),
                new TrainedModel(plan.previousStage, TrainedModelTest.meta(), weights(2)).withFold(1)));
        TrainedModel full = new TrainedModel(plan, TrainedModelTest.meta(), weights(3)).withPreviousStage(low);
        assertEquals(1, full.inputChannels(), "images have one channel; the network has three");
        assertEquals(3, full.plan().inputChannels);
        full.checkCompatible(ImageVolume.wrap("x", new float[8], new long[] {2, 2, 2}, 1, new double[] {1, 1, 1}));

        Path file = dir.resolve("cascade.zip");
        full.save(file);
        TrainedModel back = TrainedModel.load(file);
        assertTrue(back.sameWeightsAs(full));
        assertEquals(List.of(0, 1), back.previousStage().folds());
        assertArrayEquals(new float[] {2, -2}, back.previousStage().members().get(1).weights().get("w").data());
        assertEquals(PlanJson.toJson(plan), PlanJson.toJson(back.plan()));
        assertEquals(PlanJson.toJson(plan.previousStage), PlanJson.toJson(back.previousStage().plan()));
        assertNull(back.previousStage().previousStage());
        // the stage alone (as its training's best model is saved) loads, and says it has no previous stage
        Path alone = dir.resolve("alone.zip");
        new TrainedModel(plan, TrainedModelTest.meta(), weights(3)).save(alone);
        assertNull(TrainedModel.load(alone).previousStage());
    }

    @Test
    void aLowResolutionModelOfAnotherPlanIsRefused() {
        Plan plan = cascadePlan();
        Plan other = plan.previousStage.copy();
        other.batchSize = plan.previousStage.batchSize + 1;
        TrainedModel full = new TrainedModel(plan, TrainedModelTest.meta(), weights(3));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> full.withPreviousStage(new TrainedModel(other, TrainedModelTest.meta(), weights(1))));
        assertTrue(e.getMessage().contains("not the previous stage"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TrainedModel(plan.previousStage, TrainedModelTest.meta(),
                weights(1)).withPreviousStage(full));
    }
}
