package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.PlanJson;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.preprocess.TrainingCase;

/** {@link TrainingJob#plan}: the plan a job would train with, computed without training. */
class TrainingJobPlanTest {

    private static final List<TrainingCase> CASES = TinyProblem.cases(6, 11);

    private static final List<ImageVolume> IMAGES = CASES.stream().map(TrainingCase::image).toList();

    private static final List<LabelVolume> LABELS = CASES.stream().map(TrainingCase::labels).toList();

    @Test
    void planIsThePlanTheJobTrainsWith() {
        TrainingSettings settings = TrainingSettings.builder().device("cpu").seed(5).loaderThreads(1).threads(1)
                .epochs(1).iterationsPerEpoch(1).validationIterations(1).batchSize(2).patchSize(16, 16).build();
        Plan planned = TrainingJob.plan(IMAGES, LABELS, null, settings, PlannerOptions.defaults());
        TrainingResult trained = TrainingJob.run(TrainingRequest.volumes(IMAGES, LABELS).settings(settings)
                .planner(PlannerOptions.defaults()).build(), null, null);
        assertEquals(PlanJson.toJson(trained.finalModel().plan()), PlanJson.toJson(planned));
    }

    @Test
    void settingsOverrideThePlannedValues() {
        TrainingSettings none = TrainingSettings.builder().build();
        Plan base = TrainingJob.plan(IMAGES, LABELS, null, none, null);
        // 32 x 32 images of spacing 1: the whole image is one patch, pooled 32 -> 16 -> 8 -> 4 (4 stages)
        assertEquals("2d", base.configuration());
        assertArrayEquals(new int[] {32, 32}, base.patchSize());
        assertEquals(4, base.network().numStages());
        assertArrayEquals(new double[] {1, 1}, base.targetSpacing());
        assertEquals(1000, base.training().epochs());
        assertEquals(250, base.training().iterationsPerEpoch());
        assertEquals(2, base.targets().numClasses());
        assertEquals(2, base.targets().ignoreValue());

        TrainingSettings set = TrainingSettings.builder().batchSize(3).patchSize(16, 16).epochs(7)
                .iterationsPerEpoch(5).validationIterations(2).build();
        Plan p = TrainingJob.plan(IMAGES, LABELS, null, set, null);
        assertEquals(3, p.batchSize());
        // 16 -> 8 -> 4: two poolings, three stages of 32, 64, 128 features
        assertArrayEquals(new int[] {16, 16}, p.patchSize());
        assertEquals(3, p.network().numStages());
        assertArrayEquals(new int[] {32, 64, 128}, p.network().features());
        assertArrayEquals(new int[][] {{1, 1}, {2, 2}, {2, 2}}, p.network().strides());
        assertEquals(7, p.training().epochs());
        assertEquals(5, p.training().iterationsPerEpoch());
        assertEquals(2, p.training().validationIterations());
        // what the settings do not name stays as planned
        assertEquals(base.normalization().schemes(), p.normalization().schemes());
        assertArrayEquals(base.normalization().mean(), p.normalization().mean());
        assertArrayEquals(base.normalization().std(), p.normalization().std());
        assertArrayEquals(base.targetSpacing(), p.targetSpacing());
    }

    @Test
    void userIgnoreValueBecomesThePlansIgnoreValue() {
        Plan p = TrainingJob.plan(IMAGES, LABELS, 255, TrainingSettings.builder().build(), null);
        assertEquals(255, p.targets().ignoreValue());
        assertEquals(2, p.targets().numClasses());
    }

    @Test
    void mismatchedInputsAreRefused() {
        TrainingSettings s = TrainingSettings.builder().build();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainingJob.plan(IMAGES, LABELS.subList(0, 2), null, s, null));
        assertEquals("6 images but 2 label images", e.getMessage());
        assertTrue(assertThrows(InvalidInputException.class,
                () -> TrainingJob.plan(List.of(), List.of(), null, s, null)).getMessage().contains("no images"));
    }

    @Test
    void classNamesNameTheClassesOfANewModel() {
        TrainingSettings named = TrainingSettings.builder().classNames(List.of("background", " nucleus ")).build();
        Plan plan = TrainingJob.plan(IMAGES, LABELS, null, named, PlannerOptions.defaults());
        assertEquals(List.of("background", "nucleus"), plan.targets().classNames());
        assertEquals(List.of("background", "nucleus"), TrainingJob.newLabels(LABELS, null, named).classNames());

        InvalidInputException count = assertThrows(InvalidInputException.class, () -> TrainingJob.plan(IMAGES,
                LABELS, null, TrainingSettings.builder().classNames(List.of("background")).build(),
                PlannerOptions.defaults()));
        assertEquals("1 class names given (background), but the labels have 2 classes (values 0..1), background "
                + "first", count.getMessage());
        InvalidInputException twice = assertThrows(InvalidInputException.class, () -> TrainingJob.newLabels(LABELS,
                null, TrainingSettings.builder().classNames(List.of("cell", "Cell")).build()));
        assertEquals("class name 'Cell' is given twice", twice.getMessage());
    }
}
