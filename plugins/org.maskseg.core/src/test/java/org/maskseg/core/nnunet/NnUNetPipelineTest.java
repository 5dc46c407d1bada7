package org.maskseg.core.nnunet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.io.DatasetFolder;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.predict.ModelPredictor;
import org.maskseg.core.predict.Prediction;
import org.maskseg.core.predict.PredictionMonitor;
import org.maskseg.core.predict.PredictionSettings;
import org.maskseg.core.testing.TestData;

import com.fasterxml.jackson.databind.JsonNode;

import ai.djl.Device;

/**
 * The whole prediction of an imported two-fold nnU-Net model on real nuclei images against nnU-Net's inference step
 * by step in PyTorch ({@code nnunet_inference_reference.py}: crop to non-zero, z-score, padding, sliding window with
 * nnU-Net's steps and float16 Gaussian accumulation, fold averaging, softmax, argmax, uncrop). nnU-Net accumulates
 * in float16 and MaskSeg in float32, so probabilities differ by float16 rounding and a label may differ only where
 * two classes tie within that. Skipped where Python with PyTorch is missing (see {@link TorchModels}).
 */
class NnUNetPipelineTest {

    /** Probability difference float16 accumulation can explain (measured at most 1.6e-3, see the printed lines). */
    private static final double TOLERANCE = 5e-3;

    @TempDir
    Path tmp;

    @Test
    void importedModelPredictsRealImagesAsNnUNetsPipelineDoes() throws Exception {
        Path results = TorchModels.write(tmp, "2d", "new", 1, 2);
        TrainedModel model = NnUNetImport.importModel(results, List.of(), NnUNetImport.Checkpoint.FINAL);
        ImageVolume nucleus = DatasetFolder.open(TestData.nuclei().resolve("images"), TestData.nuclei()
                .resolve("labels")).cases().get(0).read().image();
        // a 96 x 80 crop with a zero border (above: 5 rows; right: 6 columns), which nnU-Net crops away before
        // normalising; and a 60 x 14 crop, lower than the 16 x 24 patch, which is padded
        ImageVolume bordered = crop(nucleus, 40, 30, 96, 80);
        float[] b = bordered.data();
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 96; x++) {
                if (y < 5 || x >= 90) {
                    b[y * 96 + x] = 0;
                }
            }
        }
        ImageVolume low = crop(nucleus, 100, 200, 60, 14);
        try (ModelPredictor predictor = ModelPredictor.open(model, Device.cpu(), PredictionSettings.DEFAULTS)) {
            for (ImageVolume image : List.of(bordered, low)) {
                compare(predictor, image, results);
            }
        }
    }

    private void compare(ModelPredictor predictor, ImageVolume image, Path results) throws Exception {
        long[] size = image.spatialSize();
        long[] shape = {1, size[1], size[0]};
        Path input = tmp.resolve(image.name() + ".bin");
        ByteBuffer buf = ByteBuffer.allocate(4 * image.data().length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(image.data());
        Files.write(input, buf.array());
        Path out = tmp.resolve(image.name() + "-nnunet");
        JsonNode facts = NnUNetPlans.JSON.readTree(TorchModels.nnUNetInference(tmp, results, "0,1", input, shape,
                out));
        int[] expectedLabels = TorchModels.ints(Path.of(out + "_labels.bin"));
        float[] expected = TorchModels.floats(Path.of(out + "_probabilities.bin"));

        Prediction p = predictor.predict(image, Prediction.Outputs.ALL, PredictionMonitor.NONE);
        int[] labels = p.labels().data();
        float[] probabilities = p.probabilities().data();
        assertEquals(expected.length, probabilities.length);
        int pixels = labels.length;
        int classes = expected.length / pixels;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - probabilities[i]));
        }
        int differing = 0;
        for (int i = 0; i < pixels; i++) {
            if (labels[i] != expectedLabels[i]) {
                differing++;
                // only a tie within the rounding may go either way
                double gap = Math.abs(expected[labels[i] * pixels + i] - expected[expectedLabels[i] * pixels + i]);
                assertTrue(gap < 2 * TOLERANCE, image.name() + ": pixel " + i + " is " + labels[i] + ", nnU-Net's "
                        + expectedLabels[i] + ", whose probabilities differ by " + gap);
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d tiles, box %s; largest probability difference to nnU-Net's pipeline "
                + "%.2g, %d of %d labels differ (%d classes)%n", image.name(), facts.get("tiles").asInt(),
                facts.get("box"), worst, differing, pixels, classes);
        assertTrue(worst < TOLERANCE, image.name() + ": largest probability difference " + worst);
        assertTrue(differing <= pixels / 1000, image.name() + ": " + differing + " labels differ");
    }

    private static ImageVolume crop(ImageVolume image, int x0, int y0, int width, int height) throws IOException {
        long w = image.spatialSize()[0];
        float[] src = image.data();
        float[] dst = new float[width * height];
        for (int y = 0; y < height; y++) {
            System.arraycopy(src, (int) ((y0 + y) * w + x0), dst, y * width, width);
        }
        return ImageVolume.wrap(image.name() + "-" + width + "x" + height, dst, new long[] {width, height}, 1,
                new double[] {1, 1});
    }
}
