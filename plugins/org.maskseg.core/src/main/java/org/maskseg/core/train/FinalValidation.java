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
import org.maskseg.core.evaluate.FolderEvaluation;
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
import org.maskseg.core.predict.SlidingWindow;

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
     * Where the final validation keeps the probabilities of a validation case: {@code <case>_probabilities.nii.gz},
     * NIfTI (gzip) of 16-bit steps of 1/65535 ({@link ImageFiles#writeUnitInterval}), one channel per class (softmax)
     * or per region (sigmoid), on the case's own grid.
     */
    public static Path probabilitiesFile(Path folder, String caseName) {
        return folder.resolve(caseName + FolderEvaluation.PROBABILITIES_SUFFIX + ".nii.gz");
    }

    /**
     * The sliding windows a final validation predicts on cases of these sizes (on the plan's grid), with
     * {@link PredictionSettings#DEFAULTS}: per axis the windows of {@link SlidingWindow#windowStarts}, one where the
     * case is smaller than the patch (it is padded).
     *
     * @param sizes spatial sizes, x first
     * @param patch the patch size, x first
     */
    public static long windows(List<long[]> sizes, int[] patch) {
        long total = 0;
        for (long[] size : sizes) {
            long n = 1;
            for (int a = 0; a < patch.length; a++) {
                n *= size[a] <= patch[a] ? 1
                        : SlidingWindow.windowStarts(size[a], patch[a], PredictionSettings.DEFAULTS.step()).length;
            }
            total += n;
        }
        return total;
    }

    /**
     * Predicts and scores the validation cases.
     *
     * @param images    the validation images, raw
     * @param labels    their references, in the model's label convention
     * @param knowledge the class knowledge of each reference, or null when all are fully annotated
     * @param device    "auto", "cpu" or "gpu:N"
     * @param folder    where the predicted labels ({@code <case>.png} for 2D, {@code <case>.nii.gz} for 3D), their
     *                  probabilities ({@link #probabilitiesFile}) and {@link #SUMMARY} go, each written atomically;
     *                  null to keep nothing
     */
    public static Outcome run(TrainedModel model, List<ImageVolume> images, List<LabelVolume> labels,
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
                // the probabilities are kept for comparing ensembles of configurations (maskseg choose)
                Prediction p = predictor.predict(image, folder == null ? Prediction.Outputs.LABELS_ONLY
                        : new Prediction.Outputs(true, false), PredictionMonitor.of(t));
                names.add(image.name());
                predictions.add(p.labels());
                if (folder != null) {
                    Files.createDirectories(folder);
                    ImageFiles.writeLabels(p.labels(), folder.resolve(image.name()
                            + (image.spatialDims() == 3 ? ".nii.gz" : ".png")));
                    ImageFiles.writeUnitInterval(p.probabilities(), probabilitiesFile(folder, image.name()));
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
        return new Outcome(scores, names, labels, predictions, knowledge);
    }

    /**
     * The scores of a final validation and what they were computed from, e.g. to choose the postprocessing.
     *
     * @param knowledge the class knowledge of each reference, or null when all are fully annotated
     */
    public record Outcome(Scores scores, List<String> names, List<LabelVolume> references,
            List<LabelVolume> predictions, List<ClassKnowledge> knowledge) {

        /** The cases of several outcomes together (the folds of a cross-validation). */
        public static Outcome pooled(List<Outcome> parts) {
            List<String> names = new ArrayList<>();
            List<LabelVolume> references = new ArrayList<>();
            List<LabelVolume> predictions = new ArrayList<>();
            List<ClassKnowledge> knowledge = new ArrayList<>();
            boolean known = true;
            for (Outcome o : parts) {
                names.addAll(o.names());
                references.addAll(o.references());
                predictions.addAll(o.predictions());
                if (o.knowledge() == null) {
                    known = false;
                } else {
                    knowledge.addAll(o.knowledge());
                }
            }
            Scores all = Scores.pooled(parts.stream().map(Outcome::scores).toList());
            return new Outcome(all, names, references, predictions, known ? knowledge : null);
        }
    }

    /**
     * Writes a training's final validation atomically: its scores, or for a cross-validation the scores of every
     * fold and of all folds pooled (the JSON of {@code maskseg evaluate} on a cross-validation's work folder).
     *
     * @param result a training with a final validation ({@link TrainingResult#finalValidation()} not null)
     */
    public static void writeSummary(TrainingResult result, Path file) {
        if (result.folds().isEmpty()) {
            writeSummary(result.finalValidation(), file);
            return;
        }
        java.util.SortedMap<Integer, Scores> byFold = new java.util.TreeMap<>();
        for (TrainingResult f : result.folds()) {
            byFold.put(f.fold(), f.finalValidation());
        }
        write(Scores.foldsJson(byFold), file);
    }

    /** Writes the scores' JSON atomically. */
    public static void writeSummary(Scores scores, Path file) {
        write(scores.toJson(), file);
    }

    private static void write(String json, Path file) {
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
