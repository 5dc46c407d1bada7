package org.maskseg.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.model.TrainingMetadata;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.preprocess.Preprocessor;

import com.fasterxml.jackson.databind.JsonNode;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

class EnsemblePredictionTest {

    @TempDir
    Path tmp;

    private static Plan plan(int classes) {
        Plan p = new Plan();
        p.configuration = "2d";
        p.inputChannels = 1;
        p.targets = Targets.classes(LabelSpec.withDefaultIgnore(classes));
        p.patchSize = new int[] {32, 32};
        p.targetSpacing = new double[] {1, 1};
        p.network.numStages = 3;
        p.network.features = new int[] {4, 8, 16};
        p.network.strides = new int[][] {{1, 1}, {2, 2}, {2, 2}};
        p.network.kernelSizes = new int[][] {{3, 3}, {3, 3}, {3, 3}};
        p.normalization.schemes = new ArrayList<>(Collections.nCopies(1, "zscore"));
        p.normalization.useMask = new boolean[1];
        p.normalization.clipLow = new double[1];
        p.normalization.clipHigh = new double[1];
        p.normalization.mean = new double[1];
        p.normalization.std = new double[] {1};
        return p;
    }

    private static TrainedModel model(Plan plan, long seed, int fold) {
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            PlainConvUNet net = PlainConvUNet.fromPlan(m, plan, seed);
            TrainingMetadata meta = new TrainingMetadata((int) seed, 0, 0, null, 0, 0, 0, "last", "test", seed, 0,
                    "2026-01-01T00:00:00Z", "cpu()", 0, 0, null);
            return TrainedModel.of(plan, meta, net).withFold(fold);
        }
    }

    private static ImageVolume image(long seed) {
        ImageVolume img = ImageVolume.create("case", new long[] {48, 40}, 1, new double[] {1, 1});
        Random r = new Random(seed);
        float[] d = img.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (10 + 3 * r.nextGaussian());
        }
        return img;
    }

    @Test
    void foldsAreAveragedInLogitsAndSurviveTheFile() throws Exception {
        Plan plan = plan(3);
        List<TrainedModel> folds = List.of(model(plan, 1, 0), model(plan, 2, 1), model(plan, 3, 2));
        TrainedModel ensemble = TrainedModel.ensemble(folds);
        assertEquals(List.of(0, 1, 2), ensemble.folds());
        Path file = tmp.resolve("ensemble.zip");
        ensemble.save(file);
        TrainedModel loaded = TrainedModel.load(file);
        assertEquals(List.of(0, 1, 2), loaded.folds());
        assertEquals(3, loaded.members().size());
        assertTrue(loaded.sameWeightsAs(ensemble));
        // each member keeps its fold, so the loaded file ensembled again (as the command line does) keeps them
        assertEquals(List.of(List.of(0), List.of(1), List.of(2)),
                loaded.members().stream().map(TrainedModel::folds).toList());
        assertEquals(List.of(0, 1, 2), TrainedModel.ensemble(List.of(loaded)).folds());
        for (int k = 0; k < 3; k++) {
            assertTrue(loaded.members().get(k).sameWeightsAs(folds.get(k)));
            assertEquals(k + 1, loaded.members().get(k).metadata().epochsDone());
        }
        JsonNode manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                TrainedModel.describeFile(file));
        assertEquals(2, manifest.get("formatVersion").asInt());
        // a single network keeps the first format version
        Path single = tmp.resolve("single.zip");
        folds.get(0).save(single);
        JsonNode one = new com.fasterxml.jackson.databind.ObjectMapper().readTree(TrainedModel.describeFile(single));
        assertEquals(1, one.get("formatVersion").asInt());
        assertFalse(one.has("members"));

        // the ensemble's probabilities: softmax of the mean of the members' logits, computed here member by member
        ImageVolume image = image(5);
        ImageVolume pre = Preprocessor.preprocessImage(image, plan).image();
        int n = (int) (pre.data().length);
        float[] mean = new float[3 * n];
        for (TrainedModel f : folds) {
            try (ModelPredictor p = ModelPredictor.open(f, Device.cpu(), PredictionSettings.DEFAULTS)) {
                float[] l = p.windows().predictLogits(pre, null).data();
                for (int i = 0; i < l.length; i++) {
                    mean[i] += l[i] / 3;
                }
            }
        }
        Prediction ens;
        try (ModelPredictor p = ModelPredictor.open(loaded, Device.cpu(), PredictionSettings.DEFAULTS)) {
            ens = p.predict(image, Prediction.Outputs.ALL, null);
        }
        float[] prob = ens.probabilities().data();
        for (int v = 0; v < n; v++) {
            double max = Math.max(mean[v], Math.max(mean[n + v], mean[2 * n + v]));
            double z = 0;
            for (int c = 0; c < 3; c++) {
                z += Math.exp(mean[c * n + v] - max);
            }
            int arg = 0;
            for (int c = 0; c < 3; c++) {
                assertEquals(Math.exp(mean[c * n + v] - max) / z, prob[c * n + v], 1e-4);
                if (mean[c * n + v] > mean[arg * n + v]) {
                    arg = c;
                }
            }
            double second = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 3; c++) {
                if (c != arg) {
                    second = Math.max(second, mean[c * n + v]);
                }
            }
            if (mean[arg * n + v] - second > 1e-4) {
                assertEquals(arg, ens.labels().data()[v]);
            }
        }
    }

    @Test
    void onlyModelsOfOnePlanEnsembleAndNoFoldTwice() {
        Plan plan = plan(2);
        InvalidInputException other = assertThrows(InvalidInputException.class,
                () -> TrainedModel.ensemble(List.of(model(plan, 1, 0), model(plan(3), 2, 1))));
        assertTrue(other.getMessage().contains("another plan or other classes"), other.getMessage());
        InvalidInputException twice = assertThrows(InvalidInputException.class,
                () -> TrainedModel.ensemble(List.of(model(plan, 1, 0), model(plan, 2, 0))));
        assertEquals("fold 0 is given twice; each fold may take part in an ensemble once", twice.getMessage());
        // ensembles of ensembles flatten
        TrainedModel ab = TrainedModel.ensemble(List.of(model(plan, 1, 0), model(plan, 2, 1)));
        TrainedModel abc = TrainedModel.ensemble(List.of(ab, model(plan, 3, 4)));
        assertEquals(List.of(0, 1, 4), abc.folds());
        assertEquals(3, abc.members().size());
    }
}
