package org.maskseg.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.evaluate.FolderEvaluation;
import org.maskseg.core.evaluate.Scores;
import org.maskseg.core.io.AtomicFiles;
import org.maskseg.core.io.NnUnetDataset;
import org.maskseg.core.io.OutputPaths;
import org.maskseg.core.io.PartialLabelFiles;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.train.FinalValidation;

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
                "Probability and uncertainty maps written by 'maskseg predict' next to the labels are skipped.",
                "A cross-validation's work folder (<model>-training, holding fold_<k>/validation/) as --prediction is "
                        + "scored per fold and over all folds pooled; the JSON then holds {\"folds\": {...}, "
                        + "\"pooled\": {...}}." })
public final class EvaluateCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--reference", paramLabel = "DIR",
            description = "folder of reference labels (may hold more cases than were predicted; with --dataset: "
                    + "default its labelsTs)")
    Path reference;

    @Option(names = "--dataset", paramLabel = "DIR",
            description = "an nnU-Net v2 raw dataset: classes (with names), ignore value and regions come from its "
                    + "dataset.json")
    Path dataset;

    @Option(names = "--prediction", required = true, paramLabel = "DIR",
            description = "folder of predicted labels, same file names (any supported format), or the work folder "
                    + "of a cross-validation (scored per fold and pooled)")
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
            if (reference == null && dataset == null) {
                throw new InvalidInputException("give the reference labels: --reference DIR, or --dataset DIR (an "
                        + "nnU-Net raw dataset, whose labelsTs then holds them)");
            }
            NnUnetInput.refuseWithDataset(dataset, "--ignore-label", ignoreLabel, "--num-classes", numClasses,
                    "--regions", regions, "--model", model);
            Path reference = this.reference != null ? this.reference : dataset.resolve("labelsTs");
            OutputPaths.check().input(this.reference != null ? "--reference" : "--dataset", reference)
                    .input("--prediction", prediction).input("--dataset", dataset)
                    .input("--model", model).input("--annotated-classes", annotatedClasses)
                    .input("--unknown-masks", unknownMasks).outputFile("--json", json).verify();
            Integer ignore = ignoreLabel;
            Integer classes = numClasses;
            String regionText = regions;
            LabelSpec modelLabels = null;
            if (dataset != null) {
                NnUnetDataset ds = NnUnetInput.open(dataset);
                modelLabels = ds.labels();
                ignore = ds.declaresIgnore() ? ds.labels().ignoreValue() : null;
                classes = ds.labels().numClasses();
                regionText = ds.regionsText();
            }
            if (model != null) {
                TrainedModel m = TrainedModel.load(model);
                modelLabels = m.labels();
                ignore = ignore != null ? ignore : m.labels().ignoreValue();
                classes = classes != null ? classes : m.numClasses();
                if (regionText == null && !m.regions().isEmpty()) {
                    regionText = m.regions().format();
                }
            }
            String text;
            SortedMap<Integer, Path> folds = foldFolders(prediction);
            if (folds.isEmpty()) {
                Scores s = score(reference, prediction, ignore, classes, regionText, modelLabels);
                System.out.print(s.formatTable());
                System.out.printf(Locale.ROOT, "%d case(s); mean Dice over the %s: %s%n", s.cases().size(),
                        s.byRegion() ? "regions" : "foreground classes", format(s.meanDice()));
                text = s.toJson();
            } else {
                SortedMap<Integer, Scores> byFold = new TreeMap<>();
                for (Map.Entry<Integer, Path> f : folds.entrySet()) {
                    Scores s = score(reference, f.getValue(), ignore, classes, regionText, modelLabels);
                    byFold.put(f.getKey(), s);
                    System.out.printf(Locale.ROOT, "fold %d: %d case(s); mean Dice %s%n", f.getKey(),
                            s.cases().size(), format(s.meanDice()));
                }
                Scores pooled = Scores.pooled(new ArrayList<>(byFold.values()));
                System.out.println("all folds pooled:");
                System.out.print(pooled.formatTable());
                System.out.printf(Locale.ROOT, "%d case(s) in %d fold(s); pooled mean Dice over the %s: %s%n",
                        pooled.cases().size(), byFold.size(), pooled.byRegion() ? "regions" : "foreground classes",
                        format(pooled.meanDice()));
                text = Scores.foldsJson(byFold);
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

    /** One folder of predictions scored per class or, with regions, per region. */
    private Scores score(Path reference, Path predictions, Integer ignore, Integer classes, String regionText,
            LabelSpec modelLabels) {
        if (regionText != null && !regionText.isBlank()) {
            if (PartialLabelFiles.given(annotatedClasses, unknownMasks)) {
                throw new InvalidInputException("--annotated-classes and --unknown-masks score classes; they "
                        + "cannot be combined with region scores (--regions or a region-based --model)");
            }
            return Scores.of(FolderEvaluation.regions(reference, predictions, ignore, classes, regionText,
                    modelLabels));
        }
        return Scores.of(FolderEvaluation.classes(reference, predictions, ignore, classes, annotatedClasses,
                unknownMasks, modelLabels, System.err::println));
    }

    /** The validation folders of a cross-validation's work folder by fold; empty for a plain folder. */
    static SortedMap<Integer, Path> foldFolders(Path folder) {
        SortedMap<Integer, Path> out = new TreeMap<>();
        if (!Files.isDirectory(folder)) {
            return out;
        }
        try (java.util.stream.Stream<Path> s = Files.list(folder)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("fold_(\\d{1,6})")
                        .matcher(p.getFileName().toString());
                Path validation = p.resolve(FinalValidation.FOLDER);
                if (m.matches() && Files.isDirectory(validation)) {
                    out.put(Integer.parseInt(m.group(1)), validation);
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot list the prediction folder '" + folder + "': " + e.getMessage(), e);
        }
        return out;
    }

    private static String format(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    static int fail(String reason) {
        return Cli.fail(reason);
    }
}
