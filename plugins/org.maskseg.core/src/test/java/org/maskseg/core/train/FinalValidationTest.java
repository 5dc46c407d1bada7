package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.evaluate.Scores;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.postprocess.Postprocessing;
import org.maskseg.core.predict.ModelPredictor;
import org.maskseg.core.predict.Prediction;
import org.maskseg.core.predict.PredictionSettings;
import org.maskseg.core.preprocess.TrainingCase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.djl.Device;

class FinalValidationTest {

    @TempDir
    Path tmp;

    private static TrainingSettings.Builder cpu() {
        return TrainingSettings.builder().device("cpu").seed(3).loaderThreads(1).threads(1).epochs(2)
                .iterationsPerEpoch(2).validationIterations(1).patchSize(32, 32).batchSize(2);
    }

    @Test
    void theWindowsOfAFinalValidationAreCountedAsTheSlidingWindowPlacesThem() {
        // step 0.5: 256 with a 56 patch gives ⌈200 / 28⌉ + 1 = 9 windows per axis; 300 with 128 gives ⌈172 / 64⌉ + 1
        // = 4; an axis not longer than the patch (it is padded) one
        assertEquals(81, FinalValidation.windows(List.of(new long[] {256, 256}), new int[] {56, 56}));
        // with a 56 × 128 patch: 256² gives 9 × (⌈128 / 64⌉ + 1) = 27, 40 × 300 gives 1 × 4, 56² gives 1 × 1
        assertEquals(27 + 4 + 1, FinalValidation.windows(List.of(new long[] {256, 256}, new long[] {40, 300},
                new long[] {56, 56}), new int[] {56, 128}));
        // 3D: ⌈16 / 24⌉ + 1 = 2 per axis
        assertEquals(8, FinalValidation.windows(List.of(new long[] {64, 64, 64}), new int[] {48, 48, 48}));
    }

    @Test
    void validationCasesArePredictedWholeAndScoredOnlyWhereAnnotated() throws Exception {
        List<TrainingCase> train = TinyProblem.cases(3, 5);
        List<ImageVolume> valImages = new ArrayList<>();
        List<LabelVolume> valLabels = new ArrayList<>();
        for (TrainingCase c : TinyProblem.cases(2, 6)) {
            String name = "val-" + c.name();
            int[] lab = c.labels().data().clone();
            // the left quarter unannotated: its voxels must not count
            for (int y = 0; y < TinyProblem.SIZE; y++) {
                for (int x = 0; x < TinyProblem.SIZE / 4; x++) {
                    lab[y * TinyProblem.SIZE + x] = 2;
                }
            }
            valImages.add(c.image().withName(name));
            valLabels.add(LabelVolume.wrap(name, lab, c.labels().size(), new double[] {1, 1}));
        }
        Path work = tmp.resolve("work");
        TrainingResult r = TrainingJob.run(TrainingRequest.volumes(train.stream().map(TrainingCase::image).toList(),
                train.stream().map(TrainingCase::labels).toList()).validation(valImages, valLabels).ignoreValue(2)
                .settings(cpu().workFolder(work).build()).build(), null, null);
        Scores s = r.finalValidation();
        assertEquals(List.of("val-case00", "val-case01"), s.cases().stream().map(c -> c.name()).toList());
        assertEquals(List.of("class 1"), s.names());

        // independently: the final network through the predictor (the validation scores it before any
        // postprocessing), Dice by its formula over the annotated voxels
        double sum = 0;
        List<LabelVolume> predictions = new ArrayList<>();
        TrainedModel network = r.finalModel().withPostprocessing(Postprocessing.NONE);
        try (ModelPredictor p = ModelPredictor.open(network, Device.cpu(), PredictionSettings.DEFAULTS)) {
            for (int i = 0; i < 2; i++) {
                Prediction pr = p.predict(valImages.get(i), Prediction.Outputs.LABELS_ONLY, null);
                int[] pred = pr.labels().data();
                predictions.add(pr.labels());
                int[] ref = valLabels.get(i).data();
                long tp = 0;
                long fp = 0;
                long fn = 0;
                for (int v = 0; v < pred.length; v++) {
                    if (ref[v] == 2) {
                        continue;
                    }
                    tp += pred[v] == 1 && ref[v] == 1 ? 1 : 0;
                    fp += pred[v] == 1 && ref[v] == 0 ? 1 : 0;
                    fn += pred[v] == 0 && ref[v] == 1 ? 1 : 0;
                }
                double dice = 2.0 * tp / (2.0 * tp + fp + fn);
                assertEquals(dice, s.cases().get(i).dice(1), 1e-12);
                assertEquals(tp + fp + fn + countTrueNegatives(pred, ref), annotated(ref));
                sum += dice;
                // the kept prediction is the one scored
                LabelVolume kept = ImageFiles.readLabels(work.resolve("validation").resolve(
                        valImages.get(i).name() + ".png"));
                assertArrayEquals(pred, kept.data());
            }
        }
        assertEquals(sum / 2, s.dice(0), 1e-12);
        assertEquals(sum / 2, s.meanDice(), 1e-12);
        JsonNode json = new ObjectMapper().readTree(work.resolve("validation").resolve("summary.json").toFile());
        assertEquals(sum / 2, json.get("mean_dice").asDouble(), 1e-12);
        assertEquals(2, json.get("cases").size());
        // the model keeps the postprocessing that these predictions call for
        assertEquals(Postprocessing.decide(List.of("val-case00", "val-case01"), valLabels, predictions,
                r.finalModel().labels(), null).choice(), r.finalModel().postprocessing());
    }

    @Test
    void turnedOffOrWithoutHeldOutCasesThereIsNoFinalValidation() {
        List<TrainingCase> train = TinyProblem.cases(3, 5);
        Path work = tmp.resolve("off");
        TrainingResult off = TrainingJob.run(TrainingRequest.volumes(train.stream().map(TrainingCase::image).toList(),
                train.stream().map(TrainingCase::labels).toList()).finalValidation(false)
                .settings(cpu().workFolder(work).build()).build(), null, null);
        assertNull(off.finalValidation());
        assertFalse(Files.exists(work.resolve("validation")));
        // one case: it is validated on its own training data, which is no validation
        List<String> messages = new ArrayList<>();
        TrainingResult single = TrainingJob.run(TrainingRequest.volumes(List.of(train.get(0).image()),
                List.of(train.get(0).labels())).settings(cpu().build()).build(), new TrainingListener() {
                    @Override
                    public void message(String text) {
                        messages.add(text);
                    }
                }, null);
        assertNull(single.finalValidation());
        assertTrue(messages.contains("no final validation: no case was held out from training"), messages.toString());
    }

    private static long countTrueNegatives(int[] pred, int[] ref) {
        long n = 0;
        for (int v = 0; v < pred.length; v++) {
            n += ref[v] == 0 && pred[v] == 0 ? 1 : 0;
        }
        return n;
    }

    private static long annotated(int[] ref) {
        long n = 0;
        for (int v : ref) {
            n += v != 2 ? 1 : 0;
        }
        return n;
    }
}
