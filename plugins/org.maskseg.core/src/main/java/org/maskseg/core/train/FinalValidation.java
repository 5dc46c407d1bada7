package org.maskseg.core.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.maskseg.core.CancellationToken;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.evaluate.Scores;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.AtomicFiles;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.predict.ModelPredictor;
import org.maskseg.core.predict.Prediction;
import org.maskseg.core.predict.PredictionMonitor;
import org.maskseg.core.predict.PredictionSettings;

/**
 * nnU-Net's validation at the end of a training: the held-out validation cases are predicted whole, with the
 * sliding window of {@code maskseg predict}, and scored where their references are annotated (each class of a
 * partial reference only where the reference knows it). Unlike the pseudo-Dice of the epochs, which pools
 * random patches, these are the scores the model reaches on whole images.
 */
public final class FinalValidation {

    /** Sub-folder of the work folder holding the predicted validation cases and {@link #SUMMARY}. */
    public static final String FOLDER = "validation";
    /** Name of the scores file. */
    public static final String SUMMARY = "summary.json";

    private FinalValidation() {
    }

    /**
     * Predicts and scores the validation cases.
     *
     * @param images    the validation images, raw
     * @param labels    their references, in the model's label convention
     * @param knowledge the class knowledge of each reference, or null when all are fully annotated
     * @param device    "auto", "cpu" or "gpu:N"
     * @param folder    where the predicted labels ({@code <case>.png} for 2D, {@code <case>.nii.gz} for 3D) and
     *                  {@link #SUMMARY} go, each written atomically; null to keep nothing
     */
    public static Scores run(TrainedModel model, List<ImageVolume> images, List<LabelVolume> labels,
            List<ClassKnowledge> knowledge, String device, Path folder, TrainingListener listener,
            CancellationToken token) {
        TrainingListener l = listener == null ? TrainingListener.NONE : listener;
        CancellationToken t = token == null ? CancellationToken.create() : token;
        List<String> names = new ArrayList<>();
        List<LabelVolume> predictions = new ArrayList<>();
        try (ModelPredictor predictor = ModelPredictor.open(model, TorchRuntime.device(device),
                PredictionSettings.DEFAULTS)) {
            for (int i = 0; i < images.size(); i++) {
                t.throwIfCancelled();
                ImageVolume image = images.get(i);
                l.phase(String.format(Locale.ROOT, "final validation: predicting case %d of %d (%s)", i + 1,
                        images.size(), image.name()));
                Prediction p = predictor.predict(image, Prediction.Outputs.LABELS_ONLY, PredictionMonitor.of(t));
                names.add(image.name());
                predictions.add(p.labels());
                if (folder != null) {
                    Files.createDirectories(folder);
                    ImageFiles.writeLabels(p.labels(), folder.resolve(image.name()
                            + (image.spatialDims() == 3 ? ".nii.gz" : ".png")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the validation predictions to '" + folder + "': "
                    + e.getMessage(), e);
        }
        Scores scores = Scores.score(names, labels, predictions, model.labels(), model.regions(), knowledge);
        if (folder != null) {
            writeSummary(scores, folder.resolve(SUMMARY));
        }
        l.message(String.format(Locale.ROOT, "final validation on %d whole case(s): mean Dice %.4f %s",
                names.size(), scores.meanDice(), describe(scores)));
        return scores;
    }

    /** Writes the scores' JSON atomically. */
    public static void writeSummary(Scores scores, Path file) {
        String json = scores.toJson();
        try {
            AtomicFiles.write(file, temp -> Files.writeString(temp, json));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the validation scores '" + file + "': " + e.getMessage(), e);
        }
    }

    private static String describe(Scores s) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < s.names().size(); i++) {
            parts.add(s.names().get(i) + " " + (Double.isNaN(s.dice(i)) ? "n/a"
                    : String.format(Locale.ROOT, "%.4f", s.dice(i))));
        }
        return "(" + String.join(", ", parts) + ")";
    }
}
