package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.model.Checkpoint;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.predict.ModelPredictor;
import org.maskseg.core.predict.Prediction;
import org.maskseg.core.predict.PredictionSettings;
import org.maskseg.core.preprocess.TrainingCase;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.Device;

/** fp16 training through the trainer: scaler state in checkpoints, scaler skips kept apart from failures. */
class MixedPrecisionTrainingTest {

    @TempDir
    Path dir;

    private static TrainingSettings.Builder fp16() {
        return TrainingSettings.builder().device("cpu").precision("fp16").seed(11).loaderThreads(1).threads(1);
    }

    static final class Recorder implements TrainingListener {
        final List<EpochStats> epochs = new ArrayList<>();
        final List<String> messages = new ArrayList<>();

        @Override
        public void epochFinished(EpochStats stats) {
            epochs.add(stats);
        }

        @Override
        public void message(String text) {
            messages.add(text);
        }
    }

    /** An fp16 run resumed from its checkpoint takes the same steps as the uninterrupted run. */
    @Test
    void resumedHalfPrecisionRunContinuesLikeAnUninterruptedOne() {
        List<TrainingCase> cases = TinyProblem.cases(3, 2);
        TrainerTest.Losses whole = new TrainerTest.Losses();
        new Trainer(TinyProblem.plan(4, 3), cases, fp16().workFolder(dir.resolve("a")).build()).listener(whole)
                .train();
        TrainerTest.Losses first = new TrainerTest.Losses();
        new Trainer(TinyProblem.plan(4, 3), cases, fp16().workFolder(dir.resolve("b")).epochLimit(2).build())
                .listener(first).train();
        TrainerTest.Losses second = new TrainerTest.Losses();
        new Trainer(TinyProblem.plan(4, 3), cases, fp16().workFolder(dir.resolve("b"))
                .resumeFrom(dir.resolve("b").resolve(Trainer.CHECKPOINT)).build()).listener(second).train();
        List<Double> joined = new ArrayList<>(first.steps);
        joined.addAll(second.steps);
        assertEquals(12, whole.steps.size());
        assertEquals(12, joined.size());
        for (int i = 0; i < 12; i++) {
            assertEquals(whole.steps.get(i), joined.get(i), 1e-4, "loss of step " + (i + 1));
        }
        assertEquals(whole.epochs.get(3).lossScale(), second.epochs.get(1).lossScale());
    }

    @Test
    void resumeRestoresTheScalerAndScalerSkipsAreNoFailures() throws IOException {
        List<TrainingCase> cases = TinyProblem.cases(3, 2);
        Recorder first = new Recorder();
        new Trainer(TinyProblem.plan(4, 3), cases,
                fp16().workFolder(dir).epochLimit(2).build()).listener(first).train();
        assertTrue(first.messages.stream().anyMatch(m -> m.startsWith("warning: fp16 on the CPU")), first.messages.toString());
        Path ckpt = dir.resolve(Trainer.CHECKPOINT);
        Checkpoint saved = Checkpoint.load(ckpt);
        ObjectNode state = (ObjectNode) saved.trainerState();
        // a fresh scaler starts at 2^16; the tiny problem's gradients do not overflow there
        assertEquals(65536.0, state.get("lossScale").asDouble());
        assertEquals(6, state.get("scalerCleanSteps").asInt());
        assertEquals(65536.0, first.epochs.get(1).lossScale());

        // a scale of 2^40 overflows every fp16 gradient: each step of the resumed run is skipped by the scaler and
        // halves it, and training goes on although every step is skipped (scaler skips are not failures)
        state.put("lossScale", Math.pow(2, 40));
        state.put("scalerCleanSteps", 3);
        new Checkpoint(saved.model(), saved.optimizerState(), state).save(ckpt);
        Recorder second = new Recorder();
        TrainingResult resumed = new Trainer(TinyProblem.plan(4, 3), cases,
                fp16().workFolder(dir).resumeFrom(ckpt).build()).listener(second).train();
        assertTrue(second.messages.contains("loss scale 1099511627776 restored from the checkpoint"),
                second.messages.toString());
        assertEquals(4, resumed.history().size());
        EpochStats e3 = resumed.history().get(2);
        EpochStats e4 = resumed.history().get(3);
        assertEquals(3, e3.scalerSkips());
        assertEquals(0, e3.skippedSteps());
        assertEquals(Math.pow(2, 37), e3.lossScale());
        assertEquals(Math.pow(2, 34), e4.lossScale());
        assertEquals(0, Checkpoint.load(ckpt).trainerState().get("scalerCleanSteps").asInt());
    }

    /**
     * Sliding-window prediction with half-precision network passes labels almost every voxel like fp32 (the window
     * blending and softmax are fp32 in both), and its probabilities differ by at most 0.02.
     */
    @Test
    void halfPrecisionPredictionAgreesWithSinglePrecision() {
        List<TrainingCase> cases = TinyProblem.cases(4, 5);
        TrainingResult r = new Trainer(TinyProblem.plan(3, 10), cases,
                TrainingSettings.builder().device("cpu").precision("fp32").seed(3).loaderThreads(1).threads(1).build())
                .train();
        long voxels = 0;
        long differ = 0;
        double maxProbabilityDiff = 0;
        PredictionSettings fp32 = PredictionSettings.DEFAULTS.withPrecision("fp32");
        try (ModelPredictor p32 = ModelPredictor.open(r.finalModel(), Device.cpu(), fp32);
                ModelPredictor p16 = ModelPredictor.open(r.finalModel(), Device.cpu(), fp32.withPrecision("fp16"))) {
            assertEquals(Precision.FP32, p32.precision());
            assertEquals(Precision.FP16, p16.precision());
            for (TrainingCase c : cases) {
                Prediction a = p32.predict(c.image(), Prediction.Outputs.ALL, null);
                Prediction b = p16.predict(c.image(), Prediction.Outputs.ALL, null);
                int[] la = a.labels().data();
                int[] lb = b.labels().data();
                for (int i = 0; i < la.length; i++) {
                    differ += la[i] != lb[i] ? 1 : 0;
                }
                voxels += la.length;
                float[] pa = a.probabilities().data();
                float[] pb = b.probabilities().data();
                for (int i = 0; i < pa.length; i++) {
                    maxProbabilityDiff = Math.max(maxProbabilityDiff, Math.abs(pa[i] - pb[i]));
                }
            }
        }
        System.out.printf("fp16 vs fp32 prediction: %d of %d labels differ, largest probability difference %.2e%n",
                differ, voxels, maxProbabilityDiff);
        assertTrue(differ <= voxels / 200, differ + " of " + voxels + " labels differ");
        assertTrue(maxProbabilityDiff < 0.02, "probabilities differ by up to " + maxProbabilityDiff);
        assertTrue(maxProbabilityDiff > 0, "the fp16 passes compute in half precision");
    }

    @Test
    void fp32RunsKeepNoScalerState() {
        List<TrainingCase> cases = TinyProblem.cases(3, 2);
        TrainingResult r = new Trainer(TinyProblem.plan(1, 2), cases,
                fp16().precision("auto").workFolder(dir).build()).train();
        assertTrue(Double.isNaN(r.history().get(0).lossScale()), "auto is fp32 on the CPU");
        assertTrue(Checkpoint.load(dir.resolve(Trainer.CHECKPOINT)).trainerState().get("lossScale").isNull());
    }
}
