package org.maskseg.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.AtomicFiles;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.io.ImageFormat;
import org.maskseg.core.io.PartialLabelFiles;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.metrics.CaseMetrics;
import org.maskseg.core.metrics.DatasetMetrics;
import org.maskseg.core.metrics.PairCounts;
import org.maskseg.core.metrics.SegmentationMetrics;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code maskseg evaluate}: Dice and IoU of predicted label images against reference labels, counted only
 * where the reference is annotated.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Scores every predicted label image against the reference label image of the same name "
                + "(references without a prediction are left out).",
                "Per class: Dice = 2tp/(2tp+fp+fn) and IoU = tp/(tp+fp+fn), counted only where the reference is "
                        + "not the ignore label. A class absent from both reference and prediction of a case has "
                        + "no score (n/a in the table, null in the JSON); means skip such values. The mean Dice "
                        + "averages the foreground classes (all but 0).",
                "With partial references (--annotated-classes, --unknown-masks) each class is scored only where the "
                        + "reference knows it.",
                "Probability and uncertainty maps written by 'maskseg predict' next to the labels are skipped." })
public final class EvaluateCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--reference", required = true, paramLabel = "DIR",
            description = "folder of reference labels (may hold more cases than were predicted)")
    Path reference;

    @Option(names = "--prediction", required = true, paramLabel = "DIR",
            description = "folder of predicted labels, same file names (any supported format)")
    Path prediction;

    @Option(names = "--ignore-label", paramLabel = "K",
            description = "reference value meaning 'not annotated' (default: none, every voxel counts)")
    Integer ignoreLabel;

    @Option(names = "--num-classes", paramLabel = "K",
            description = "number of classes including background (default: largest value found + 1)")
    Integer numClasses;

    @Option(names = "--annotated-classes", paramLabel = "FILE",
            description = "partial references: CSV (case,annotated_classes; classes separated by ';') or JSON "
                    + "({\"case\": [1, 2]}) naming the classes annotated in each listed case; the others are "
                    + "unknown there and not scored")
    Path annotatedClasses;

    @Option(names = "--unknown-masks", paramLabel = "DIR",
            description = "partial references: DIR/<class>/<reference file name>, non-zero where that class is "
                    + "unknown; the class is not scored there")
    Path unknownMasks;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the scores, per class and per case, as JSON")
    Path json;

    @Override
    public Integer call() {
        try {
            DatasetMetrics metrics = evaluate(reference, prediction, ignoreLabel, numClasses, annotatedClasses,
                    unknownMasks, System.err);
            System.out.print(metrics.formatTable());
            System.out.printf(Locale.ROOT, "%d case(s); mean Dice over the foreground classes: %s%n",
                    metrics.cases().size(), Double.isNaN(metrics.meanDice()) ? "n/a"
                            : String.format(Locale.ROOT, "%.4f", metrics.meanDice()));
            if (json != null) {
                String text = metrics.toJson();
                AtomicFiles.write(json, temp -> Files.writeString(temp, text, StandardCharsets.UTF_8));
                System.out.println("scores written to " + json);
            }
            return 0;
        } catch (InvalidInputException e) {
            return fail(e.getMessage());
        } catch (IOException e) {
            return fail("cannot write '" + json + "': " + e.getMessage());
        } catch (UncheckedIOException e) {
            return fail(e.getCause().getMessage());
        }
    }

    /**
     * Reads every prediction and its reference and scores them.
     *
     * @param ignoreLabel reference value to leave out, or null
     * @param numClasses  class count, or null to use the largest value found + 1
     * @param notes       where hints about suspicious data go
     */
    static DatasetMetrics evaluate(Path referenceFolder, Path predictionFolder, Integer ignoreLabel,
            Integer numClasses, java.io.PrintStream notes) {
        return evaluate(referenceFolder, predictionFolder, ignoreLabel, numClasses, null, null, notes);
    }

    /**
     * Like {@link #evaluate(Path, Path, Integer, Integer, java.io.PrintStream)} for partial references: each class
     * is scored only where the reference knows it (see {@link PartialLabelFiles}; classes by value).
     *
     * @param classSetFile      annotated classes per reference case, or null
     * @param unknownMaskFolder unknown-region masks named like the reference files, or null
     */
    static DatasetMetrics evaluate(Path referenceFolder, Path predictionFolder, Integer ignoreLabel,
            Integer numClasses, Path classSetFile, Path unknownMaskFolder, java.io.PrintStream notes) {
        Map<String, Path> references = labelFiles(referenceFolder, "reference");
        Map<String, Path> predictions = labelFiles(predictionFolder, "prediction");
        // Probability and uncertainty maps written by 'maskseg predict' next to the labels are not cases.
        predictions.keySet().removeIf(name -> isMapOf(name, predictions));
        List<String> missing = new ArrayList<>();
        for (String name : predictions.keySet()) {
            if (!references.containsKey(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidInputException(missing.size() + " of " + predictions.size()
                    + " prediction(s) have no reference of the same name in '" + referenceFolder + "': "
                    + listed(missing));
        }
        int ignore = ignoreLabel == null ? -1 : ignoreLabel;
        List<PairCounts> counts = new ArrayList<>();
        int maxValue = 1;
        int maxPredicted = 0;
        for (Map.Entry<String, Path> e : predictions.entrySet()) {
            String name = e.getKey();
            LabelVolume ref = ImageFiles.readLabels(references.get(name), name);
            LabelVolume pred = ImageFiles.readLabels(e.getValue(), name);
            // Without a declared ignore label every value is a class, so no value may be left out.
            PairCounts c = PairCounts.count(name, ref, pred, ignoreLabel == null ? Integer.MIN_VALUE : ignore);
            counts.add(c);
            maxValue = Math.max(maxValue, c.maxValue());
            for (int v : pred.data()) {
                maxPredicted = Math.max(maxPredicted, v);
            }
        }
        int k = numClasses != null ? numClasses : Math.max(maxValue, maxPredicted) + 1;
        if (ignoreLabel == null && maxValue > maxPredicted + 1) {
            notes.println("note: reference value " + maxValue + " never occurs in the predictions; if it marks "
                    + "unannotated voxels, pass --ignore-label " + maxValue);
        }
        LabelSpec spec = new LabelSpec(k, ignoreLabel == null ? k : ignoreLabel, null);
        Map<String, ClassKnowledge> knowledge = knowledge(classSetFile, unknownMaskFolder, references, spec);
        List<CaseMetrics> cases = new ArrayList<>();
        for (PairCounts c : counts) {
            CaseMetrics m = c.toMetrics(k);
            ClassKnowledge known = knowledge.get(c.name());
            if (known != null && !known.isComplete()) {
                // partial reference: score again, each class only where the reference knows it
                m = SegmentationMetrics.evaluate(c.name(), ImageFiles.readLabels(references.get(c.name()), c.name()),
                        ImageFiles.readLabels(predictions.get(c.name()), c.name()), spec, known);
            }
            cases.add(m);
        }
        return new DatasetMetrics(spec, cases);
    }

    /** The class knowledge of every reference case, or an empty map without partial-label inputs. */
    private static Map<String, ClassKnowledge> knowledge(Path classSetFile, Path unknownMaskFolder,
            Map<String, Path> references, LabelSpec spec) {
        if (!PartialLabelFiles.given(classSetFile, unknownMaskFolder)) {
            return Map.of();
        }
        List<String> names = new ArrayList<>(references.keySet());
        List<String> fileNames = new ArrayList<>();
        for (String n : names) {
            fileNames.add(references.get(n).getFileName().toString());
        }
        List<ClassKnowledge> list = PartialLabelFiles.read(classSetFile, unknownMaskFolder, names, fileNames, spec);
        Map<String, ClassKnowledge> out = new TreeMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), list.get(i));
        }
        return out;
    }

    /** Supported image files of a folder by base name (hidden files skipped). */
    private static Map<String, Path> labelFiles(Path folder, String what) {
        if (!Files.isDirectory(folder)) {
            throw new InvalidInputException(what + " folder '" + folder + "' does not exist or is not a folder");
        }
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                String fileName = p.getFileName().toString();
                if (fileName.startsWith(".") || !Files.isRegularFile(p) || !ImageFormat.isSupported(p)) {
                    continue;
                }
                Path previous = files.put(ImageFormat.baseName(p), p);
                if (previous != null) {
                    throw new InvalidInputException(what + " folder '" + folder + "' holds two files for case '"
                            + ImageFormat.baseName(p) + "': " + previous.getFileName() + " and " + fileName);
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot list " + what + " folder '" + folder + "': " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new InvalidInputException(what + " folder '" + folder + "' contains no label images ("
                    + ImageFormat.supportedExtensions() + ")");
        }
        return files;
    }

    private static boolean isMapOf(String name, Map<String, Path> predictions) {
        for (String suffix : List.of(PredictCommand.PROBABILITIES_SUFFIX, PredictCommand.UNCERTAINTY_SUFFIX)) {
            if (name.endsWith(suffix) && predictions.containsKey(name.substring(0, name.length() - suffix.length()))) {
                return true;
            }
        }
        return false;
    }

    private static String listed(List<String> names) {
        int shown = Math.min(10, names.size());
        return String.join(", ", names.subList(0, shown)) + (names.size() > shown ? ", ..." : "");
    }

    /** Prints {@code maskseg: <reason>} on stderr and returns the failure exit code. */
    static int fail(String reason) {
        System.err.println("maskseg: " + (reason == null ? "failed" : reason.replace('\n', ' ')));
        return 2;
    }
}
