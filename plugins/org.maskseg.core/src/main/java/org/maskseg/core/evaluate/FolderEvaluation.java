package org.maskseg.core.evaluate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.io.ImageFormat;
import org.maskseg.core.io.PartialLabelFiles;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.LabelValues;
import org.maskseg.core.labels.RegionSet;
import org.maskseg.core.metrics.CaseMetrics;
import org.maskseg.core.metrics.DatasetMetrics;
import org.maskseg.core.metrics.PairCounts;
import org.maskseg.core.metrics.RegionMetrics;
import org.maskseg.core.metrics.SegmentationMetrics;

/**
 * Scores a folder of predicted label images against a folder of references, paired by file name: per class
 * (where the reference is annotated, and for partial references only where it knows the class) or per region.
 * What the command line's {@code evaluate} and any other front end call.
 */
public final class FolderEvaluation {

    /** Name suffix of the class-probability maps that prediction writes next to the labels. */
    public static final String PROBABILITIES_SUFFIX = "_probabilities";
    /** Name suffix of the uncertainty maps that prediction writes next to the labels. */
    public static final String UNCERTAINTY_SUFFIX = "_uncertainty";

    private FolderEvaluation() {
    }

    /** The pair counts of every case, the largest values seen, and the files by case name. */
    private record Counts(List<PairCounts> cases, int maxValue, int maxPredicted, Map<String, Path> references,
            Map<String, Path> predictions, Map<Integer, Long> values) {

        /** Without a declared class count, values far above the others are refused (see LabelValues). */
        void checkNoFarValues(Integer ignoreLabel) {
            LabelValues.checkNoFarValues(values, ignoreLabel, null, "the reference and predicted labels",
                    "--num-classes");
        }
    }

    private static Counts count(Path referenceFolder, Path predictionFolder, Integer ignoreLabel) {
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
        List<PairCounts> counts = new ArrayList<>();
        Map<Integer, Long> values = new TreeMap<>();
        int maxValue = 1;
        int maxPredicted = 0;
        for (Map.Entry<String, Path> e : predictions.entrySet()) {
            String name = e.getKey();
            LabelVolume ref = ImageFiles.readLabels(references.get(name), name);
            LabelVolume pred = ImageFiles.readLabels(e.getValue(), name);
            // Without a declared ignore label every value is a class, so no value may be left out.
            PairCounts c = PairCounts.count(name, ref, pred, ignoreLabel == null ? Integer.MIN_VALUE : ignoreLabel);
            counts.add(c);
            LabelValues.add(values, pred);
            int[] annotated = java.util.Arrays.stream(ref.data()).filter(v -> ignoreLabel == null || v != ignoreLabel)
                    .toArray();
            LabelValues.add(values, annotated);
            maxValue = Math.max(maxValue, c.maxValue());
            for (int v : pred.data()) {
                maxPredicted = Math.max(maxPredicted, v);
            }
        }
        return new Counts(counts, maxValue, maxPredicted, references, predictions, values);
    }

    /**
     * Reads every prediction and its reference and scores them per region.
     *
     * @param ignoreLabel reference value to leave out, or null
     * @param numClasses  class count, or null for the largest value found (or class named by a region) + 1
     * @param regionText  the regions in text form
     * @param classNames  classes whose names the regions may use, or null (classes by number only)
     */
    public static RegionMetrics regions(Path referenceFolder, Path predictionFolder, Integer ignoreLabel,
            Integer numClasses, String regionText, LabelSpec classNames) {
        Counts counts = count(referenceFolder, predictionFolder, ignoreLabel);
        int k;
        if (numClasses != null) {
            k = numClasses;
        } else if (classNames != null) {
            k = classNames.numClasses();
        } else {
            counts.checkNoFarValues(ignoreLabel);
            k = Math.max(Math.max(counts.maxValue(), counts.maxPredicted()), largestNumber(regionText)) + 1;
        }
        LabelSpec spec = new LabelSpec(k, ignoreLabel == null ? k : ignoreLabel,
                classNames != null && classNames.numClasses() == k ? classNames.classNames() : null);
        RegionSet parsed = RegionSet.parse(regionText, spec);
        List<CaseMetrics> cases = new ArrayList<>();
        for (PairCounts c : counts.cases()) {
            cases.add(c.toRegionMetrics(parsed));
        }
        return new RegionMetrics(parsed, spec.ignoreValue(), cases);
    }

    /** The largest whole number in a region text (its class and label numbers), 1 if there is none. */
    private static int largestNumber(String text) {
        int max = 1;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?<![A-Za-z_])\\d+(?![A-Za-z_])").matcher(text);
        while (m.find()) {
            try {
                max = Math.max(max, Integer.parseInt(m.group()));
            } catch (NumberFormatException e) {
                // a number too large for a class: RegionSet.parse names it
            }
        }
        return Math.min(max, PairCounts.MAX_CLASS_VALUE);
    }

    /**
     * Reads every prediction and its reference and scores them.
     *
     * @param ignoreLabel reference value to leave out, or null
     * @param numClasses  class count, or null to use the largest value found + 1
     * @param notes       where hints about suspicious data go
     */
    public static DatasetMetrics classes(Path referenceFolder, Path predictionFolder, Integer ignoreLabel,
            Integer numClasses, Consumer<String> notes) {
        return classes(referenceFolder, predictionFolder, ignoreLabel, numClasses, null, null, null, notes);
    }

    /**
     * Like {@link #classes(Path, Path, Integer, Integer, Consumer)} for partial references: each class
     * is scored only where the reference knows it (see {@link PartialLabelFiles}).
     *
     * @param classSetFile      annotated classes per reference case, or null
     * @param unknownMaskFolder unknown-region masks named like the reference files, or null
     * @param classNames        classes whose names the class-set file and mask folders may use (those of a model),
     *                          or null (classes by value)
     */
    public static DatasetMetrics classes(Path referenceFolder, Path predictionFolder, Integer ignoreLabel,
            Integer numClasses, Path classSetFile, Path unknownMaskFolder, LabelSpec classNames,
            Consumer<String> notes) {
        Counts all = count(referenceFolder, predictionFolder, ignoreLabel);
        List<PairCounts> counts = all.cases();
        int maxValue = all.maxValue();
        int maxPredicted = all.maxPredicted();
        if (numClasses == null) {
            all.checkNoFarValues(ignoreLabel);
        }
        int k = numClasses != null ? numClasses : Math.max(maxValue, maxPredicted) + 1;
        if (ignoreLabel == null && maxValue > maxPredicted + 1) {
            notes.accept("note: reference value " + maxValue + " never occurs in the predictions; if it marks "
                    + "unannotated voxels, pass --ignore-label " + maxValue);
        }
        LabelSpec spec = new LabelSpec(k, ignoreLabel == null ? k : ignoreLabel,
                classNames != null && classNames.numClasses() == k ? classNames.classNames() : null);
        Map<String, ClassKnowledge> knowledge = knowledge(classSetFile, unknownMaskFolder, all.references(), spec);
        List<CaseMetrics> cases = new ArrayList<>();
        for (PairCounts c : counts) {
            CaseMetrics m = c.toMetrics(k);
            ClassKnowledge known = knowledge.get(c.name());
            if (known != null && !known.isComplete()) {
                // partial reference: score again, each class only where the reference knows it
                m = SegmentationMetrics.evaluate(c.name(),
                        ImageFiles.readLabels(all.references().get(c.name()), c.name()),
                        ImageFiles.readLabels(all.predictions().get(c.name()), c.name()), spec, known);
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
        for (String suffix : List.of(PROBABILITIES_SUFFIX, UNCERTAINTY_SUFFIX)) {
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

}
