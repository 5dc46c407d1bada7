package org.maskseg.core.choose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.evaluate.FolderEvaluation;
import org.maskseg.core.io.ImageFormat;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.train.CrossValidation;
import org.maskseg.core.train.FinalValidation;

/**
 * One cross-validated configuration as {@code maskseg choose} sees it: its model files (one file holding every fold,
 * or one file per fold), what it predicts, and the final validation every fold kept in the work folder
 * ({@code fold_<k>/validation/}): the predicted labels of each validation case and, from this version on, their
 * probabilities ({@link FinalValidation#probabilitiesFile}). Files are only listed here; they are read when scored.
 */
public final class CrossValidatedConfiguration {

    private final String name;
    private final List<Path> modelFiles;
    private final Targets targets;
    private final Map<String, Path> labelFiles;
    private final Map<String, Path> probabilityFiles;

    /**
     * @param name             how the configuration is named in reports (e.g. its model file)
     * @param modelFiles       its model files, as {@code maskseg predict --model} takes them
     * @param targets          what it predicts
     * @param labelFiles       the predicted labels of every validation case, by case name
     * @param probabilityFiles the probabilities of every validation case by case name, or empty when not kept
     */
    public CrossValidatedConfiguration(String name, List<Path> modelFiles, Targets targets,
            Map<String, Path> labelFiles, Map<String, Path> probabilityFiles) {
        this.name = name;
        this.modelFiles = List.copyOf(modelFiles);
        this.targets = targets;
        this.labelFiles = new TreeMap<>(labelFiles);
        this.probabilityFiles = new TreeMap<>(probabilityFiles);
    }

    /**
     * Finds the final validation of every fold of a cross-validated model in its work folder.
     *
     * @param name       how the configuration is named in reports and messages
     * @param modelFiles the model files it was loaded from
     * @param model      the model (all its folds, e.g. {@link TrainedModel#ensemble} of the files)
     * @param workFolder the work folder of its training ({@code <model>-training} unless {@code --work-dir} said)
     * @throws InvalidInputException when the model is not cross-validated or a fold kept no final validation
     */
    public static CrossValidatedConfiguration find(String name, List<Path> modelFiles, TrainedModel model,
            Path workFolder) {
        List<Integer> folds = model.folds();
        if (folds.isEmpty()) {
            throw new InvalidInputException("model '" + name + "' is not cross-validated (it was trained without "
                    + "--folds or --fold); train each configuration with --folds N on the same cases");
        }
        Map<String, Path> labels = new TreeMap<>();
        Map<String, Path> probabilities = new TreeMap<>();
        boolean allProbabilities = true;
        for (int k : folds) {
            Path folder = workFolder.resolve(CrossValidation.folderName(k)).resolve(FinalValidation.FOLDER);
            if (!Files.isDirectory(folder)) {
                throw new InvalidInputException("model '" + name + "': fold " + k + " has no final validation in '"
                        + folder + "' (trained with --no-final-validation or a --time-limit, or another work "
                        + "folder: give it with --work-dir)");
            }
            for (Path f : labelFiles(folder)) {
                String c = ImageFormat.baseName(f);
                if (labels.put(c, f) != null) {
                    throw new InvalidInputException("model '" + name + "': case '" + c + "' is a validation case of "
                            + "two folds; the folds of a cross-validation must not overlap");
                }
                Path p = FinalValidation.probabilitiesFile(folder, c);
                if (Files.isRegularFile(p)) {
                    probabilities.put(c, p);
                } else {
                    allProbabilities = false;
                }
            }
        }
        if (labels.isEmpty()) {
            throw new InvalidInputException("model '" + name + "': its final validation in '" + workFolder
                    + "' holds no predicted labels");
        }
        return new CrossValidatedConfiguration(name, modelFiles, model.plan().targets, labels,
                allProbabilities ? probabilities : Map.of());
    }

    /** Predicted label images of a validation folder, without the probability maps and the summary. */
    private static List<Path> labelFiles(Path folder) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                String file = p.getFileName().toString();
                if (!file.startsWith(".") && Files.isRegularFile(p) && ImageFormat.isSupported(p)
                        && !ImageFormat.baseName(p).endsWith(FolderEvaluation.PROBABILITIES_SUFFIX)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot list the validation folder '" + folder + "': " + e.getMessage(),
                    e);
        }
        return out;
    }

    public String name() {
        return name;
    }

    public List<Path> modelFiles() {
        return modelFiles;
    }

    public Targets targets() {
        return targets;
    }

    /** The validation cases of all folds, sorted. */
    public List<String> cases() {
        return new ArrayList<>(labelFiles.keySet());
    }

    /** The predicted labels of a validation case. */
    public Path labelFile(String caseName) {
        return labelFiles.get(caseName);
    }

    /** True when every validation case kept its probabilities, so that the configuration can join ensembles. */
    public boolean hasProbabilities() {
        return !probabilityFiles.isEmpty();
    }

    /** The probabilities of a validation case, or null when not kept. */
    public Path probabilityFile(String caseName) {
        return probabilityFiles.get(caseName);
    }
}
