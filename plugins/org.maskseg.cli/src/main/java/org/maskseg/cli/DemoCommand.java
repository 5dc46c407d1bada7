package org.maskseg.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.maskseg.core.CancellationToken;
import org.maskseg.core.CancelledException;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.annotate.Annotator;
import org.maskseg.core.annotate.ScribbleOptions;
import org.maskseg.core.annotate.Scribbles;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.CaseData;
import org.maskseg.core.io.DatasetCase;
import org.maskseg.core.io.DatasetFolder;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.io.OutputPaths;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.model.TrainingMetadata;
import org.maskseg.core.plan.NetworkTopology;
import org.maskseg.core.plan.Planner;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.train.TrainingJob;
import org.maskseg.core.train.TrainingRequest;
import org.maskseg.core.train.TrainingResult;
import org.maskseg.core.train.TrainingSettings;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code maskseg demo}: the method in a few minutes on the bundled nuclei images. The dense labels of the
 * training images are reduced to simulated scribbles (everything else becomes the ignore label), and a
 * network is trained briefly on the CPU from those scribbles alone; the held-out images are then segmented
 * and scored against their dense labels.
 * <p>
 * With {@code --partial} it runs the per-class partial-label example of {@link PartialLabelDemo} instead.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Trains on the bundled nuclei sample from simulated scribbles (a few minutes on a CPU).",
                "Then segments the held-out images and scores them against their dense labels.",
                "The model, curves, predictions and scores (scores.json) are written to the output folder.",
                "With --partial: per-class partial labels instead. Nuclei are split into dim (1) and bright (2) by "
                        + "their mean intensity against the median of their image's nuclei; lab A annotates only "
                        + "bright nuclei (annotated_classes.csv), lab B dim nuclei only in the left half of each "
                        + "image (unknown/dim nucleus/). Trained with --annotated-classes and --unknown-masks, "
                        + "scored on both classes; --compare also trains the naive reading (unannotated = "
                        + "background)." })
public final class DemoCommand implements Callable<Integer> {

    /** Images kept out of training, for evaluating the model on unseen data. */
    static final int HELD_OUT = 8;

    @Option(names = "--out", paramLabel = "DIR",
            description = "output folder (default: maskseg-demo, with --partial maskseg-demo-partial)")
    Path out;

    @Option(names = "--partial", description = "the per-class partial-label example (three classes, two labs)")
    boolean partial;

    @Option(names = "--compare", description = "with --partial: also train with unannotated pixels read as background")
    boolean compare;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "10", description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "15",
            description = "training steps per epoch (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "0", description = "CPU threads (default: all)")
    int threads;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "random seed (default: 0)")
    long seed;

    @Override
    public Integer call() {
        try (ConsoleProgress progress = new ConsoleProgress(System.out)) {
            if (compare && !partial) {
                throw new InvalidInputException("--compare belongs to the partial-label example; add --partial");
            }
            if (out == null) {
                out = Path.of(partial ? "maskseg-demo-partial" : "maskseg-demo");
            }
            OutputPaths.check().input("sample data", sampleData()).outputFolder("--out", out).verify();
            if (partial) {
                runPartial(progress);
            } else {
                run(progress);
            }
            return 0;
        } catch (InvalidInputException | IOException | java.io.UncheckedIOException e) {
            return Cli.failure(e);
        } catch (CancelledException e) {
            return Cli.cancelled("demo cancelled");
        }
    }

    /**
     * Plan overrides for a network with half nnU-Net's features per stage (16, 32, ... at most 256): on
     * these small images it learns as well and trains about three times faster on a CPU.
     */
    static String narrowNetwork(int[] patch) {
        int stages = NetworkTopology.of(new double[] {1, 1}, patch, Planner.MAX_POOLS_2D).numStages();
        StringBuilder features = new StringBuilder();
        for (int i = 0; i < stages; i++) {
            features.append(i == 0 ? "" : ",").append(Math.min(16 << i, 256));
        }
        return "{\"network\":{\"features\":[" + features + "]}}";
    }

    /** The sample data: {@code sample-data/nuclei} under {@code maskseg.home} or the working folder. */
    static Path sampleData() {
        Path home = Path.of(System.getProperty("maskseg.home", "."));
        Path nuclei = home.resolve("sample-data").resolve("nuclei");
        if (!Files.isDirectory(nuclei.resolve("images")) || !Files.isDirectory(nuclei.resolve("labels"))) {
            throw new InvalidInputException("the sample data was not found at '" + nuclei.toAbsolutePath()
                    + "' (expected images/ and labels/); run the demo through the maskseg launcher of the "
                    + "repository or set -Dmaskseg.home");
        }
        return nuclei;
    }

    /** The demo's short CPU training budget, with curves and checkpoint in {@code work}. */
    private TrainingSettings settings(Path work) {
        return TrainingSettings.builder().device("cpu").epochs(epochs).iterationsPerEpoch(iterations)
                .validationIterations(5).patchSize(128, 128).batchSize(4).seed(seed).threads(threads)
                .workFolder(work).checkpointEvery(Math.max(1, epochs)).build();
    }

    private static PlannerOptions planner(TrainingSettings settings) {
        return PlannerOptions.defaults().withOverrides(narrowNetwork(settings.data().patchSize()));
    }

    /** The sample cases, checked to leave some for training. */
    private static List<DatasetCase> sampleCases(Path nuclei) {
        List<DatasetCase> all = DatasetFolder.open(nuclei.resolve("images"), nuclei.resolve("labels")).cases();
        if (all.size() <= HELD_OUT) {
            throw new InvalidInputException("the sample data has only " + all.size() + " images");
        }
        return all;
    }

    private void runPartial(ConsoleProgress progress) throws IOException {
        Path nuclei = sampleData();
        progress.phase("preparing the partial-label example from " + nuclei);
        PartialLabelDemo.Layout layout = new PartialLabelDemo.Layout(out);
        PartialLabelDemo.Summary summary = PartialLabelDemo.prepare(sampleCases(nuclei), HELD_OUT, layout);
        PartialLabelDemo.describe(summary, layout, progress::message);
        CancellationToken token = CancellationToken.create();
        List<PartialLabelDemo.Outcome> outcomes = new ArrayList<>();
        progress.phase("training with the partial labels (--annotated-classes, --unknown-masks)");
        TrainingSettings settings = settings(out.resolve("training"));
        outcomes.add(PartialLabelDemo.trainAndScore(layout, true, out, settings, planner(settings), progress, token));
        if (compare) {
            progress.phase("training on the same labels read naively: unannotated = background");
            Path naive = out.resolve("naive");
            TrainingSettings naiveSettings = settings(naive.resolve("training"));
            outcomes.add(PartialLabelDemo.trainAndScore(layout, false, naive, naiveSettings, planner(naiveSettings),
                    progress, token));
        }
        progress.phase("held-out Dice against the dense three-class labels");
        for (String line : PartialLabelDemo.table(outcomes).split("\\R")) {
            progress.message(line);
        }
    }

    private void run(ConsoleProgress progress) throws IOException {
        Path nuclei = sampleData();
        progress.phase("reading the nuclei sample from " + nuclei);
        List<DatasetCase> all = sampleCases(nuclei);
        List<DatasetCase> training = all.subList(0, all.size() - HELD_OUT);
        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> dense = new ArrayList<>();
        for (DatasetCase c : training) {
            CaseData d = c.read();
            images.add(d.image());
            dense.add(d.labels());
        }
        LabelSpec spec = LabelSpec.infer(dense, null);

        progress.phase("simulating scribble annotation on " + training.size() + " training images");
        List<LabelVolume> scribbles = new ArrayList<>();
        long annotated = 0;
        long total = 0;
        for (LabelVolume l : dense) {
            LabelVolume s = Scribbles.scribbles(l, spec, ScribbleOptions.DEFAULT, Annotator.caseSeed(seed, l.name()));
            for (int v : s.data()) {
                annotated += v != spec.ignoreValue() ? 1 : 0;
            }
            total += s.voxels();
            scribbles.add(s);
        }
        progress.message(String.format(Locale.ROOT,
                "scribbles annotate %.1f %% of the pixels; the other %.1f %% carry the ignore label %d",
                100.0 * annotated / total, 100.0 * (total - annotated) / total, spec.ignoreValue()));

        Files.createDirectories(out);
        // the simulated annotation as a user would draw it: 0 and 1 where scribbled, the ignore value elsewhere
        Path scribbleFolder = out.resolve("scribbles");
        Files.createDirectories(scribbleFolder);
        for (int i = 0; i < scribbles.size(); i++) {
            Path labelFile = training.get(i).labelFile().orElseThrow();
            ImageFiles.writeLabels(scribbles.get(i), scribbleFolder.resolve(labelFile.getFileName().toString()));
        }
        TrainingSettings settings = settings(out.resolve("training")).toBuilder()
                .classNames(List.of("background", "nucleus")).build();
        TrainingResult result = TrainingJob.run(TrainingRequest.volumes(images, scribbles)
                .ignoreValue(spec.ignoreValue()).settings(settings).planner(planner(settings)).build(), progress,
                CancellationToken.create());
        Path model = out.resolve("model.zip");
        result.finalModel().save(model);
        TrainingMetadata m = result.finalModel().metadata();
        progress.message(String.format(Locale.ROOT,
                "trained %d epochs in %.0f s (%.0f ms per step) on scribbles only; pseudo-Dice of the nuclei on "
                        + "the validation cases (scribbled pixels): %s, moving average %.3f",
                m.epochsDone(), m.trainingSeconds(), result.msPerStep(), Arrays.toString(m.finalPseudoDice()),
                m.finalEmaPseudoDice()));
        progress.message("model: " + model.toAbsolutePath());
        progress.message("curves: " + out.resolve("training").toAbsolutePath());
        progress.phase("segmenting the " + HELD_OUT + " held-out images and scoring them against their dense labels");
        PredictCommand.evaluateHeldOut(result.finalModel(), all.subList(all.size() - HELD_OUT, all.size()), out,
                CancellationToken.create(), progress::message);
    }
}
