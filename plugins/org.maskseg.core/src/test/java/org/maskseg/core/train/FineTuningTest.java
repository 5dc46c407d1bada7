package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.model.Checkpoint;
import org.maskseg.core.model.HostTensor;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.preprocess.TrainingCase;

/** Warm starts with a frozen encoder, another learning rate and changed classes, through trainer and job. */
class FineTuningTest {

    @TempDir
    Path dir;

    private static List<TrainingCase> cases;
    private static TrainedModel initial;

    private static TrainingSettings.Builder cpu() {
        return TrainingSettings.builder().device("cpu").seed(5).loaderThreads(1).threads(1);
    }

    @BeforeAll
    static void trainInitialModel() {
        cases = TinyProblem.cases(3, 9);
        initial = new Trainer(TinyProblem.plan(2, 3), cases, cpu().build()).train().finalModel();
    }

    private static boolean isEncoder(String name) {
        return name.startsWith("encoder.");
    }

    @Test
    void encoderStaysFixedForTheFirstEpochsAndResumeKeepsTheSchedule() {
        TrainingSettings warm = cpu().epochs(3).iterationsPerEpoch(2).initialModel(initial).freezeEncoderEpochs(2)
                .build();
        TrainedModel afterTwo = new Trainer(initial.plan(), cases,
                warm.toBuilder().epochLimit(2).build()).train().finalModel();
        int encoderTensors = 0;
        for (var e : initial.weights().entrySet()) {
            float[] now = afterTwo.weights().get(e.getKey()).data();
            if (isEncoder(e.getKey())) {
                encoderTensors++;
                assertArrayEquals(e.getValue().data(), now, 0f, e.getKey());
            } else if (!e.getKey().startsWith("decoder.1.head.")) { // weight 0 in deep supervision: never trained
                assertFalse(Arrays.equals(e.getValue().data(), now), e.getKey());
            }
        }
        assertEquals(24, encoderTensors);

        TrainerTest.Losses whole = new TrainerTest.Losses();
        TrainedModel full = new Trainer(initial.plan(), cases, warm).listener(whole).train()
                .finalModel();
        for (var e : initial.weights().entrySet()) {
            if (isEncoder(e.getKey())) {
                assertFalse(Arrays.equals(e.getValue().data(), full.weights().get(e.getKey()).data()),
                        "trained in epoch 3: " + e.getKey());
            }
        }

        // interrupted after epoch 1 and resumed without repeating the setting: epoch 2 is still frozen
        TrainerTest.Losses first = new TrainerTest.Losses();
        new Trainer(initial.plan(), cases,
                warm.toBuilder().epochLimit(1).workFolder(dir).build()).listener(first).train();
        Path checkpoint = dir.resolve(Trainer.CHECKPOINT);
        assertEquals(2, Checkpoint.load(checkpoint).trainerState().get("freezeEncoderEpochs").asInt());
        TrainerTest.Losses second = new TrainerTest.Losses();
        TrainedModel resumed = new Trainer(initial.plan(), cases,
                cpu().epochs(3).iterationsPerEpoch(2).resumeFrom(checkpoint).build()).listener(second).train()
                .finalModel();
        List<Double> joined = new ArrayList<>(first.steps);
        joined.addAll(second.steps);
        assertEquals(whole.steps.size(), joined.size());
        for (int i = 0; i < joined.size(); i++) {
            assertEquals(whole.steps.get(i), joined.get(i), 1e-4, "loss of step " + (i + 1));
        }
        for (var e : full.weights().entrySet()) {
            assertArrayEquals(e.getValue().data(), resumed.weights().get(e.getKey()).data(), 1e-4f, e.getKey());
        }
    }

    @Test
    void learningRateSettingReplacesThePlansAndIsRecorded() {
        TrainerTest.Losses losses = new TrainerTest.Losses();
        TrainingResult r = new Trainer(initial.plan(), cases,
                cpu().epochs(2).iterationsPerEpoch(1).initialModel(initial).learningRate(1e-3).build())
                .listener(losses).train();
        assertEquals(1e-3, r.finalModel().plan().training().initialLearningRate(), 0);
        assertEquals(1e-3, r.history().get(0).learningRate(), 0);
        assertEquals(1e-3 * Math.pow(0.5, 0.9), r.history().get(1).learningRate(), 1e-15);

        List<ImageVolume> images = cases.stream().map(TrainingCase::image).toList();
        List<LabelVolume> labels = cases.stream().map(TrainingCase::labels).toList();
        TrainingResult job = TrainingJob.run(TrainingRequest.volumes(images, labels).settings(cpu().epochs(1)
                .iterationsPerEpoch(1).initialModel(initial).learningRate(2e-3).build()).build(), null, null);
        assertEquals(2e-3, job.finalModel().plan().training().initialLearningRate(), 0);

        assertThrows(InvalidInputException.class, () -> cpu().learningRate(0.0).build());
        assertThrows(InvalidInputException.class, () -> cpu().learningRate(Double.NaN).build());
        assertThrows(InvalidInputException.class, () -> cpu().freezeEncoderEpochs(-1).build());
    }

    /** The cases' labels with a third class: the disk pixels in the image's top rows become class 2. */
    private static List<LabelVolume> withNewClass() {
        List<LabelVolume> out = new ArrayList<>();
        for (TrainingCase c : cases) {
            int[] v = c.labels().data().clone();
            for (int i = 0; i < 12 * TinyProblem.SIZE; i++) {
                v[i] = v[i] == 1 ? 2 : v[i];
            }
            out.add(LabelVolume.wrap(c.name(), v, c.labels().size(), c.labels().spacing()));
        }
        return out;
    }

    @Test
    void jobTrainsTheMappedClassesAndStoresThem() throws IOException {
        List<ImageVolume> images = cases.stream().map(TrainingCase::image).toList();
        List<LabelVolume> labels = withNewClass();
        ClassMapping mapping = ClassMapping.byNames(initial.labels().classNames(), "background,class 1,mitosis");
        TrainingResult r = TrainingJob.run(TrainingRequest.volumes(images, labels).settings(cpu().epochs(1)
                .iterationsPerEpoch(1).initialModel(initial).classMapping(mapping).build()).build(), null, null);
        TrainedModel m = r.finalModel();
        Plan plan = m.plan();
        assertEquals(3, plan.targets().numClasses());
        assertEquals(List.of("background", "class 1", "mitosis"), plan.targets().classNames());
        assertEquals(List.of("background", "class 1", "mitosis"), m.labels().classNames());
        // the model's ignore value 2 is now a class, so the default moves to the highest class + 1
        assertEquals(3, m.labels().ignoreValue());
        assertEquals(3, plan.targets().ignoreValue());
        // the relation to the initial model is kept in the training record, also through a save and load
        Path file = Files.createTempDirectory("maskseg-warm").resolve("tuned.zip");
        m.save(file);
        TrainedModel loaded = TrainedModel.load(file);
        Files.delete(file);
        Files.delete(file.getParent());
        Map<?, ?> warm = (Map<?, ?>) loaded.metadata().dataset().get("warmStart");
        assertEquals(List.of("background", "class 1"), warm.get("initialModelClasses"));
        assertEquals(mapping.describe(), warm.get("classMapping"));
        assertEquals(0, ((Number) warm.get("freezeEncoderEpochs")).intValue());
        assertEquals(false, loaded.metadata().dataset().get("partialLabels"));
        for (var e : m.weights().entrySet()) {
            HostTensor before = initial.weights().get(e.getKey());
            if (PlainConvUNet.isHeadParameter(e.getKey())) {
                assertEquals(3, e.getValue().shape()[0], e.getKey());
            } else {
                assertArrayEquals(before.shape(), e.getValue().shape(), e.getKey());
            }
        }

        // labels beyond the mapped classes
        int[] four = labels.get(0).data().clone();
        four[5] = 3;
        List<LabelVolume> tooMany = new ArrayList<>(labels);
        tooMany.set(0, LabelVolume.wrap("case00", four, labels.get(0).size(), labels.get(0).spacing()));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TrainingJob.run(TrainingRequest
                .volumes(images, tooMany).ignoreValue(9).settings(cpu().initialModel(initial).classMapping(mapping)
                        .build()).build(), null, null));
        assertEquals("the training labels hold the value 3 (besides the ignore value 9), the class mapping defines "
                + "classes 0..2 [background, class 1, mitosis]; map every label value to a class", e.getMessage());

        // a mapping made for another model
        ClassMapping forThree = ClassMapping.byNames(List.of("background", "a", "b"), "background,a");
        InvalidInputException other = assertThrows(InvalidInputException.class,
                () -> cpu().initialModel(initial).classMapping(forThree).build());
        assertEquals("the class mapping is made for a model of 3 classes, the initial model has 2",
                other.getMessage());

        // an ignore value that is one of the mapped classes
        InvalidInputException ignore = assertThrows(InvalidInputException.class, () -> TrainingJob.run(TrainingRequest
                .volumes(images, labels).ignoreValue(2).settings(cpu().initialModel(initial).classMapping(mapping)
                        .build()).build(), null, null));
        assertTrue(ignore.getMessage().startsWith("ignore value 2 is one of the mapped classes 0..2"),
                ignore.getMessage());
    }
}
