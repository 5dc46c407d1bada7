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
import org.maskseg.core.io.OutputPaths;
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
import org.maskseg.core.model.TrainedModel;

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
                "With --regions (or --model of a region-based model) the scores are per region instead: reference "
                        + "and prediction are turned into region memberships (a voxel is in a region where its "
                        + "class is one of the region's classes), and the mean Dice averages the regions.",
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

    @Option(names = "--regions", paramLabel = "NAME=C,C...[:L];...",
            description = "score regions of classes instead of classes, e.g. \"whole=1,2,3;core=2,3;enhancing=3\" "
                    + "(default: the regions of --model, if it has any)")
    String regions;

    @Option(names = "--model", paramLabel = "MODEL.zip",
            description = "take the number of classes, the ignore label and the regions from this trained model "
                    + "(options given explicitly win)")
    Path model;

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
            OutputPaths.check().input("--reference", reference).input("--prediction", prediction)
                    .input("--model", model).input("--annotated-classes", annotatedClasses)
                    .input("--unknown-masks", unknownMasks).outputFile("--json", json).verify();
            Integer ignore = ignoreLabel;
            Integer classes = numClasses;
            String regionText = regions;
            LabelSpec modelLabels = null;
            if (model != null) {
                TrainedModel m = TrainedModel.load(model);
                modelLabels = m.labels();
                ignore = ignore != null ? ignore : m.labels().ignoreValue();
                classes = classes != null ? classes : m.numClasses();
                regionText = regionText != null ? regionText : m.plan().regionBased() ? m.regions().format() : null;
            }
            String text;
            if (regionText != null && !regionText.isBlank()) {
                if (PartialLabelFiles.given(annotatedClasses, unknownMasks)) {
                    throw new InvalidInputException("--annotated-classes and --unknown-masks score classes; they "
                            + "cannot be combined with region scores (--regions or a region-based --model)");
                }
                RegionMetrics metrics = evaluateRegions(reference, prediction, ignore, classes, regionText,
                        modelLabels);
                System.out.print(metrics.formatTable());
                System.out.printf(Locale.ROOT, "%d case(s); mean Dice over the regions: %s%n",
                        metrics.cases().size(), format(metrics.meanDice()));
                text = json == null ? null : metrics.toJson();
            } else {
                DatasetMetrics metrics = evaluate(reference, prediction, ignore, classes, annotatedClasses,
                        unknownMasks, modelLabels, System.err);
                System.out.print(metrics.formatTable());
                System.out.printf(Locale.ROOT, "%d case(s); mean Dice over the foreground classes: %s%n",
                        metrics.cases().size(), format(metrics.meanDice()));
                text = json == null ? null : metrics.toJson();
            }
            if (json != null) {
                String report = text;
                AtomicFiles.write(json, temp -> Files.writeString(temp, report, StandardCharsets.UTF_8));
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

    private static String format(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
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
    static RegionMetrics evaluateRegions(Path referenceFolder, Path predictionFolder, Integer ignoreLabel,
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
    static DatasetMetrics evaluate(Path referenceFolder, Path predictionFolder, Integer ignoreLabel,
            Integer numClasses, java.io.PrintStream notes) {
        return evaluate(referenceFolder, predictionFolder, ignoreLabel, numClasses, null, null, null, notes);
    }

    /**
     * Like {@link #evaluate(Path, Path, Integer, Integer, java.io.PrintStream)} for partial references: each class
     * is scored only where the reference knows it (see {@link PartialLabelFiles}).
     *
     * @param classSetFile      annotated classes per reference case, or null
     * @param unknownMaskFolder unknown-region masks named like the reference files, or null
     * @param classNames        classes whose names the class-set file and mask folders may use (those of a model),
     *                          or null (classes by value)
     */
    static DatasetMetrics evaluate(Path referenceFolder, Path predictionFolder, Integer ignoreLabel,
            Integer numClasses, Path classSetFile, Path unknownMaskFolder, LabelSpec classNames,
            java.io.PrintStream notes) {
        Counts all = count(referenceFolder, predictionFolder, ignoreLabel);
        List<PairCounts> counts = all.cases();
        int maxValue = all.maxValue();
        int maxPredicted = all.maxPredicted();
        if (numClasses == null) {
            all.checkNoFarValues(ignoreLabel);
        }
        int k = numClasses != null ? numClasses : Math.max(maxValue, maxPredicted) + 1;
        if (ignoreLabel == null && maxValue > maxPredicted + 1) {
            notes.println("note: reference value " + maxValue + " never occurs in the predictions; if it marks "
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

    static int fail(String reason) {
        return Cli.fail(reason);
    }
}
