package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.TestPlans;
import org.maskseg.core.preprocess.TrainingCase;

class WarmStartTest {

    private static List<TrainingCase> cases;
    private static TrainedModel initial;

    private static TrainingSettings.Builder cpu() {
        return TrainingSettings.builder().device("cpu").seed(5).loaderThreads(1).threads(1);
    }

    @BeforeAll
    static void trainInitialModel() {
        cases = TinyProblem.cases(3, 7);
        initial = new Trainer(TinyProblem.plan(2, 3), cases, cpu().build()).train().finalModel();
    }

    @Test
    void networkStartsFromTheInitialModelsWeights() {
        // a plan's learning rate is positive; at 1e-30 every update is far below the float precision of the trained
        // weights, so the steps leave them as they were initialised
        Plan frozen = initial.plan().toBuilder().training(t -> t.initialLearningRate(1e-30)).build();
        TrainingSettings warm = cpu().seed(99).epochs(1).iterationsPerEpoch(2).initialModel(initial).build();
        TrainedModel after = new Trainer(frozen, cases, warm).train().finalModel();
        assertTrue(after.sameWeightsAs(initial));
        for (var e : initial.weights().entrySet()) {
            assertArrayEquals(e.getValue().data(), after.weights().get(e.getKey()).data(), 0f, e.getKey());
        }

        // the same run without an initial model starts from random weights
        TrainedModel fresh = new Trainer(frozen, cases, warm.toBuilder().initialModel(null).build())
                .train().finalModel();
        assertFalse(fresh.sameWeightsAs(initial));
    }

    @Test
    void warmStartedTrainingContinuesFromTheModel() {
        TrainerTest.Losses fromScratch = new TrainerTest.Losses();
        new Trainer(initial.plan(), cases, cpu().epochs(1).iterationsPerEpoch(1).build())
                .listener(fromScratch).train();
        TrainerTest.Losses warm = new TrainerTest.Losses();
        TrainingResult r = new Trainer(initial.plan(), cases,
                cpu().epochs(1).iterationsPerEpoch(1).initialModel(initial).build()).listener(warm).train();
        // same seed, so the same batch: the trained weights fit it better than random ones
        assertTrue(warm.steps.get(0) < fromScratch.steps.get(0), warm.steps + " vs " + fromScratch.steps);
        assertFalse(r.finalModel().sameWeightsAs(initial));
    }

    @Test
    void trainingJobUsesTheModelsPlan() {
        List<ImageVolume> images = cases.stream().map(TrainingCase::image).toList();
        List<LabelVolume> labels = cases.stream().map(TrainingCase::labels).toList();
        TrainingResult r = TrainingJob.run(TrainingRequest.volumes(images, labels)
                .settings(cpu().epochs(1).iterationsPerEpoch(1).batchSize(1).initialModel(initial).build()).build(),
                null, null);
        Plan used = r.finalModel().plan();
        Plan model = initial.plan();
        assertArrayEquals(model.patchSize(), used.patchSize());
        assertArrayEquals(model.network().features(), used.network().features());
        assertArrayEquals(model.normalization().mean(), used.normalization().mean());
        assertEquals(1, used.batchSize());
        assertEquals(initial.weights().keySet(), r.finalModel().weights().keySet());

        InvalidInputException patch = assertThrows(InvalidInputException.class, () -> TrainingJob.run(TrainingRequest
                .volumes(images, labels).settings(cpu().patchSize(16, 16).initialModel(initial).build()).build(), null,
                null));
        assertTrue(patch.getMessage().contains("patch size [16, 16] differs"), patch.getMessage());
    }

    @Test
    void mismatchedClassesAreRefusedNamingBothCounts() {
        Plan threeClasses = initial.plan().toBuilder()
                .targets(Targets.classes(new LabelSpec(3, 3, List.of("a", "b", "c"))))
                .build();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new Trainer(threeClasses, cases,
                        cpu().initialModel(initial).build()));
        assertEquals("the initial model has 2 classes, the training labels have 3; a warm start needs the same "
                + "classes unless a class mapping says which model class each label class continues (command line: "
                + "--classes or --class-map)", e.getMessage());

        List<ImageVolume> images = cases.stream().map(TrainingCase::image).toList();
        int[] values = cases.get(0).labels().data().clone();
        values[0] = 3;
        LabelVolume fourClasses = LabelVolume.wrap("many", values, new long[] {TinyProblem.SIZE, TinyProblem.SIZE},
                new double[] {1, 1});
        List<LabelVolume> labels = List.of(fourClasses, cases.get(1).labels(), cases.get(2).labels());
        InvalidInputException job = assertThrows(InvalidInputException.class,
                () -> TrainingJob.run(TrainingRequest.volumes(images, labels)
                        .settings(cpu().initialModel(initial).build()).build(), null, null));
        assertTrue(job.getMessage().startsWith("the training labels have 4 classes"), job.getMessage());
        assertTrue(job.getMessage().contains("the initial model has 2 [background, class 1]"), job.getMessage());
        assertTrue(job.getMessage().endsWith("(command line: --classes or --class-map)"), job.getMessage());
    }

    @Test
    void mismatchedChannelsAreRefused() {
        int n = TinyProblem.SIZE * TinyProblem.SIZE;
        ImageVolume twoChannels = ImageVolume.wrap("rgb", new float[2 * n],
                new long[] {TinyProblem.SIZE, TinyProblem.SIZE}, 2, new double[] {1, 1});
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainingJob.run(TrainingRequest.volumes(List.of(twoChannels),
                        List.of(cases.get(0).labels())).settings(cpu().initialModel(initial).build()).build(), null,
                        null));
        assertTrue(e.getMessage().contains("expects 1 channel, the image 'rgb' has 2"), e.getMessage());

        Plan twoChannelPlan = initial.plan().toBuilder()
                .inputChannels(2)
                .normalization(TestPlans.zscore(2))
                .build();
        List<TrainingCase> twoChannelCases = List.of(new TrainingCase("rgb", twoChannels, cases.get(0).labels()));
        InvalidInputException t = assertThrows(InvalidInputException.class,
                () -> new Trainer(twoChannelPlan, twoChannelCases,
                        cpu().initialModel(initial).build()));
        assertTrue(t.getMessage().startsWith("the initial model expects 1 channel(s), the training images have 2"),
                t.getMessage());
    }

    @Test
    void resumingAndWarmStartingAtOnceIsRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> cpu().initialModel(initial).resumeFrom(Path.of("checkpoint.zip")).build());
        assertTrue(e.getMessage().contains("not both"), e.getMessage());
    }
}
