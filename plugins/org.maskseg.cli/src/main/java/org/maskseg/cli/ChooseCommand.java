package org.maskseg.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.maskseg.core.CancellationToken;
import org.maskseg.core.CancelledException;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.choose.ConfigurationChoice;
import org.maskseg.core.choose.CrossValidatedConfiguration;
import org.maskseg.core.io.AtomicFiles;
import org.maskseg.core.io.ImageFormat;
import org.maskseg.core.io.NnUnetDataset;
import org.maskseg.core.io.OutputPaths;
import org.maskseg.core.model.TrainedModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code maskseg choose}: nnU-Net's choice of the best configuration among cross-validated models and the
 * ensembles of every two of them, on the validation predictions their trainings kept.
 */
@Command(name = "choose", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Chooses the best of several cross-validated configurations (e.g. a 2D and a 3D model trained "
                + "with --folds 5 on the same cases) and of every pair of them ensembled, as nnU-Net's "
                + "find_best_configuration: each is scored by the mean foreground Dice of the validation predictions "
                + "of all its folds pooled, a pair by averaging the two configurations' validation probabilities. "
                + "Scores count only where the training labels are annotated, as 'maskseg evaluate' does. Writes "
                + "the choice as JSON and prints the 'maskseg predict' command that uses it." })
public final class ChooseCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "MODEL.zip[,MODEL.zip...]",
            description = "a cross-validated configuration: its model file, or the model files of its folds trained "
                    + "as separate jobs separated by commas; give --model once per configuration (two or more)")
    List<String> models;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "the work folder of each configuration's training, once per --model in the same order "
                    + "(default: <first model file without .zip>-training next to it)")
    List<Path> workDirs;

    @Option(names = "--labels", paramLabel = "DIR", description = "the training labels the models were trained on")
    Path labels;

    @Option(names = "--dataset", paramLabel = "DIR",
            description = "an nnU-Net v2 raw dataset the models were trained on: its labelsTr are the references")
    Path dataset;

    @Option(names = "--annotated-classes", paramLabel = "FILE",
            description = "partial labels: the class-set file given to training (classes not annotated in a case "
                    + "are not scored there)")
    Path annotatedClasses;

    @Option(names = "--unknown-masks", paramLabel = "DIR",
            description = "partial labels: the unknown-region masks given to training")
    Path unknownMasks;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "where the choice is written (JSON)")
    Path out;

    @Override
    public Integer call() {
        CancellationToken token = CancellationToken.create();
        try (InterruptCancellation interrupt = new InterruptCancellation(token)) {
            return run(token);
        } catch (InvalidInputException | UncheckedIOException e) {
            return Cli.failure(e);
        } catch (CancelledException e) {
            return Cli.cancelled("choice cancelled; nothing written");
        }
    }

    private int run(CancellationToken token) {
        if (labels != null && dataset != null) {
            throw new InvalidInputException("give either --labels or --dataset, not both");
        }
        if (labels == null && dataset == null) {
            throw new InvalidInputException("give the training labels the models were trained on: --labels DIR, or "
                    + "--dataset DIR (an nnU-Net raw dataset, whose labelsTr then holds them)");
        }
        if (models.size() < 2) {
            throw new InvalidInputException("give at least two cross-validated configurations to choose from (--model "
                    + "once per configuration), got " + models.size());
        }
        if (workDirs != null && workDirs.size() != models.size()) {
            throw new InvalidInputException("give --work-dir once per --model (" + models.size() + " --model, "
                    + workDirs.size() + " --work-dir)");
        }
        Path references = labels != null ? labels : dataset.resolve(NnUnetDataset.LABELS_TR);
        List<List<Path>> files = new ArrayList<>();
        OutputPaths paths = OutputPaths.check();
        for (String m : models) {
            List<Path> group = new ArrayList<>();
            for (String f : m.split(",")) {
                if (f.isBlank()) {
                    throw new InvalidInputException("--model '" + m + "': an empty file name between commas");
                }
                group.add(Path.of(f.strip()));
                paths.input("--model", group.get(group.size() - 1));
            }
            files.add(group);
        }
        List<Path> work = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path first = files.get(i).get(0).toAbsolutePath();
            work.add(workDirs != null ? workDirs.get(i) : first.resolveSibling(first.getFileName().toString()
                    .replaceFirst("(?i)\\.zip$", "") + "-training"));
            paths.input("--work-dir", work.get(i));
        }
        paths.input(labels != null ? "--labels" : "--dataset", references).input("--dataset", dataset)
                .input("--annotated-classes", annotatedClasses).input("--unknown-masks", unknownMasks)
                .outputFile("--out", out).verify();

        List<CrossValidatedConfiguration> configurations = new ArrayList<>();
        java.util.Set<com.fasterxml.jackson.databind.JsonNode> plans = new java.util.HashSet<>();
        TrainedModel firstModel = null;
        for (int i = 0; i < files.size(); i++) {
            List<TrainedModel> loaded = new ArrayList<>();
            for (Path f : files.get(i)) {
                loaded.add(TrainedModel.load(f));
            }
            TrainedModel model = TrainedModel.ensemble(loaded);
            plans.add(org.maskseg.core.plan.PlanJson.toTree(model.plan()));
            firstModel = firstModel == null ? model : firstModel;
            configurations.add(CrossValidatedConfiguration.find(models.get(i), files.get(i), model, work.get(i)));
        }
        ConfigurationChoice.Result result = ConfigurationChoice.choose(configurations, firstModel.labels(),
                labelFiles(references), annotatedClasses, unknownMasks, System.out::println, token);
        if (plans.size() < files.size()) {
            System.out.println("note: some configurations share a plan; 'maskseg predict' treats models of one plan as "
                    + "folds of one configuration and averages their logits, where this comparison averaged their "
                    + "probabilities");
        }

        System.out.printf(Locale.ROOT, "%d validation case(s) of all folds pooled; mean foreground Dice:%n",
                result.cases().size());
        for (int i = 0; i < result.candidates().size(); i++) {
            ConfigurationChoice.Candidate c = result.candidates().get(i);
            System.out.printf(Locale.ROOT, "  %s %-40s %s%n", i == result.best() ? "*" : " ", c.name(),
                    Double.isNaN(c.scores().meanDice()) ? "n/a" : String.format(Locale.ROOT, "%.4f",
                            c.scores().meanDice()));
        }
        ConfigurationChoice.Candidate best = result.chosen();
        System.out.println("best: " + best.name() + (best.isEnsemble() ? " (an ensemble of configurations)" : ""));
        String json = result.toJson();
        try {
            AtomicFiles.write(out, temp -> Files.writeString(temp, json));
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot write the choice to '" + out + "': "
                    + e.getMessage(), e));
        }
        System.out.println("choice written to " + out);
        System.out.println("predict with:");
        System.out.println("  " + result.predictCommand("INPUT_FOLDER", "OUTPUT_FOLDER"));
        return 0;
    }

    /** Label images of a folder by case name (file name without extension). */
    private static Map<String, Path> labelFiles(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new InvalidInputException("label folder '" + folder + "' does not exist or is not a folder");
        }
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                if (!p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)
                        && ImageFormat.isSupported(p)) {
                    files.put(ImageFormat.baseName(p), p);
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot list label folder '" + folder + "': " + e.getMessage(), e);
        }
        return files;
    }
}
