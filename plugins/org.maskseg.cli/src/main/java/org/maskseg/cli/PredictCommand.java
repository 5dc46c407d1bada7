package org.maskseg.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.maskseg.core.CancellationToken;
import org.maskseg.core.CancelledException;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.evaluate.FolderEvaluation;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.io.CaseData;
import org.maskseg.core.io.DatasetCase;
import org.maskseg.core.io.DatasetFolder;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.io.ImageFormat;
import org.maskseg.core.io.NnUnetDataset;
import org.maskseg.core.io.OutputPaths;
import org.maskseg.core.metrics.CaseMetrics;
import org.maskseg.core.metrics.DatasetMetrics;
import org.maskseg.core.metrics.SegmentationMetrics;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.postprocess.Postprocessing;
import org.maskseg.core.predict.CasePart;
import org.maskseg.core.predict.ModelPredictor;
import org.maskseg.core.predict.Prediction;
import org.maskseg.core.predict.PredictionMonitor;
import org.maskseg.core.predict.PredictionSettings;
import org.maskseg.core.predict.Segmenter;

import ai.djl.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code maskseg predict}: segments every image of a folder with a trained model. Outputs have the input's
 * file name and format; each file is written atomically, so an interrupted run leaves only complete files.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Segments every image of a folder with a trained model (sliding window, Gaussian blending).",
                "Label images get the name and format of their input (nnU-Net channel files case_0000.nii.gz "
                        + "give case.nii.gz). With --probabilities, <case>_probabilities and with --uncertainty "
                        + "<case>_uncertainty are written next to them as 32-bit float images: NIfTI for NIfTI "
                        + "inputs, TIFF otherwise; probabilities have one channel per class, the uncertainty is "
                        + "the entropy of the probabilities divided by log(classes), 0 = certain, 1 = all classes "
                        + "equally likely.",
                "Region-based models write their regions' export labels (later regions overwrite earlier ones "
                        + "where their sigmoid exceeds 0.5), one probability channel per region, and as uncertainty "
                        + "the mean binary entropy of the regions divided by log 2." })
public final class PredictCommand implements Callable<Integer> {


    @Option(names = "--model", required = true, paramLabel = "MODEL.zip", split = ",",
            description = "trained model file; several, separated by commas, are ensembled: the folds of one "
                    + "configuration (models of the same plan) in their logits, as are the folds one file holds, "
                    + "and configurations of different plans (e.g. 2D and 3D) of the same classes in their "
                    + "probabilities on the image's grid")
    List<Path> model;

    @Option(names = "--images", paramLabel = "DIR",
            description = "folder of images to segment (with --dataset: default its imagesTs)")
    Path images;

    @Option(names = "--dataset", paramLabel = "DIR",
            description = "an nnU-Net v2 raw dataset: segments its imagesTs (or --images) read by its dataset.json "
                    + "(channel files CASE_0000<file_ending>, ...) and writes CASE<file_ending> as nnU-Net does")
    Path dataset;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (created if missing)")
    Path out;

    @Option(names = "--probabilities", description = "also write the class probabilities")
    boolean probabilities;

    @Option(names = "--uncertainty", description = "also write a per-voxel uncertainty map (normalised entropy)")
    boolean uncertainty;

    @Option(names = "--tta", description = "test-time augmentation: average over all mirrored copies (2^d times slower)")
    boolean tta;

    @Option(names = "--no-postprocessing", negatable = false, description = "leave out the model's postprocessing "
            + "(keeping the largest component where its validation chose it)")
    boolean noPostprocessing;

    @Option(names = "--batch-windows", paramLabel = "N", defaultValue = "" + PredictionSettings.DEFAULT_BATCH_WINDOWS,
            description = "windows per forward pass; lower it if the device runs out of memory (default: ${DEFAULT-VALUE})")
    int batchWindows;

    @Option(names = "--step", paramLabel = "F", defaultValue = "" + PredictionSettings.DEFAULT_STEP,
            description = "window step as a fraction of the patch size, in (0, 1] (default: ${DEFAULT-VALUE})")
    double step;

    @Option(names = "--precision", paramLabel = "auto|fp32|fp16", defaultValue = "auto",
            description = "arithmetic of the network passes: fp16 = half-precision convolutions (blending and "
                    + "softmax stay fp32); auto = fp16 on a CUDA GPU, fp32 on the CPU (default: ${DEFAULT-VALUE})")
    String precision;

    @Option(names = "--part", paramLabel = "K/N",
            description = "predict only part K of N (numbered from 0) of the cases sorted by name: every N-th case "
                    + "starting at the K-th, so that N jobs with K = 0..N-1 together predict every case once")
    String part;

    @Mixin
    ComputeOptions compute;

    /** Labels in the integer type nnU-Net writes: with --dataset or a model imported from nnU-Net. */
    private boolean nnUNetTypes;

    @Override
    public Integer call() {
        CancellationToken token = CancellationToken.create();
        // Ctrl-C stops between forward passes; the error is reported before the hook lets the JVM end
        try (InterruptCancellation interrupt = new InterruptCancellation(token)) {
            try {
                return run(token);
            } catch (InvalidInputException e) {
                return Cli.fail(e.getMessage());
            } catch (UncheckedIOException e) {
                return Cli.fail(e.getCause().getMessage());
            } catch (IOException e) {
                return Cli.fail(e.getMessage());
            }
        }
    }

    private int run(CancellationToken token) throws IOException {
        if (images == null && dataset == null) {
            throw new InvalidInputException("give the images to segment: --images DIR, or --dataset DIR (an nnU-Net "
                    + "raw dataset, whose imagesTs is then segmented)");
        }
        Path source = images != null ? images : dataset.resolve(NnUnetDataset.IMAGES_TS);
        OutputPaths paths = OutputPaths.check();
        for (Path m : model) {
            paths.input("--model", m);
        }
        paths.input(images != null ? "--images" : "--dataset", source).input("--dataset", dataset)
                .input("--pytorch-library", compute.pytorchLibrary).outputFolder("--out", out).verify();
        PredictionSettings settings = new PredictionSettings(step, tta, batchWindows, precision);
        CasePart share = part == null ? CasePart.ALL : CasePart.parse(part, "--part");
        NnUnetDataset nnunet = dataset == null ? null : NnUnetInput.open(dataset);
        // the device before any data: a wrong --device is refused at once
        Device dev = compute.start();
        DatasetFolder folder = nnunet != null ? nnunet.images(source) : DatasetFolder.imagesOnly(source);
        Path images = source;
        List<TrainedModel> loaded = new ArrayList<>();
        for (Path m : model) {
            loaded.add(TrainedModel.load(m));
        }
        // models of one plan are the folds of one configuration; several plans are ensembled in their probabilities
        List<TrainedModel> configurations = new ArrayList<>(TrainedModel.configurations(loaded));
        nnUNetTypes = nnunet != null || configurations.stream().anyMatch(c -> "nnU-Net v2".equals(
                c.metadata().dataset().get("importedFrom")));
        if (noPostprocessing) {
            configurations.replaceAll(c -> c.withPostprocessing(Postprocessing.NONE));
        }
        TrainedModel trained = configurations.get(0);
        Postprocessing post = configurations.stream().allMatch(c -> c.postprocessing().equals(
                configurations.get(0).postprocessing())) ? trained.postprocessing() : Postprocessing.NONE;
        if (!post.isNone()) {
            System.out.println("postprocessing: " + post.describe(trained.labels().classNames()));
        } else if (!noPostprocessing && configurations.stream().anyMatch(c -> !c.postprocessing().isNone())) {
            System.out.println("postprocessing: none (the configurations chose different ones)");
        }
        int dims = configurations.stream().mapToInt(TrainedModel::spatialDims).max().getAsInt();
        if (folder.channels() != trained.inputChannels()) {
            throw new InvalidInputException("the images in '" + images + "' have " + folder.channels()
                    + " channel(s) but model '" + modelNames() + "' was trained on " + trained.inputChannels());
        }
        if (folder.spatialDims() < dims) {
            throw new InvalidInputException("the images in '" + images + "' are 2D but model '" + modelNames()
                    + "' is a 3D model");
        }
        List<DatasetCase> cases = share.select(folder.cases(), DatasetCase::name);
        if (!share.isAll()) {
            System.out.printf(Locale.ROOT, "part %s: %d of %d case(s)%n", share, cases.size(), folder.size());
            if (cases.isEmpty()) {
                System.out.println("nothing to predict in this part");
                return 0;
            }
        }
        // folders created for the output are removed again if no case gets written
        List<Path> created = new ArrayList<>();
        for (Path p = out.toAbsolutePath().normalize(); p != null && !Files.exists(p); p = p.getParent()) {
            created.add(p);
        }
        Files.createDirectories(out);
        try {
            return predictAll(cases, configurations, dev, settings, token);
        } finally {
            for (Path p : created) {
                if (!deleteIfEmpty(p)) {
                    break;
                }
            }
        }
    }

    /** Deletes a folder if it is empty; false if it holds something or cannot be deleted. */
    private static boolean deleteIfEmpty(Path folder) {
        try (java.util.stream.Stream<Path> entries = Files.list(folder)) {
            if (entries.findAny().isPresent()) {
                return false;
            }
            Files.delete(folder);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private int predictAll(List<DatasetCase> cases, List<TrainedModel> configurations, Device dev,
            PredictionSettings settings, CancellationToken token) throws IOException {
        Prediction.Outputs outputs = new Prediction.Outputs(probabilities, uncertainty);
        int done = 0;
        try (Segmenter predictor = Segmenter.open(configurations, dev, settings)) {
            String warning = Precision.cpuWarning(predictor.precision(), dev);
            if (warning != null) {
                System.err.println(warning);
            }
            List<String> described = new ArrayList<>();
            for (TrainedModel trained : configurations) {
                described.add(trained.plan().configuration + ", patch "
                        + java.util.Arrays.toString(trained.plan().patchSize) + (trained.members().size() > 1
                                ? ", an ensemble of " + trained.members().size() + " networks"
                                        + (trained.folds().isEmpty() ? "" : " (folds " + trained.folds() + ")")
                                : ""));
            }
            System.out.printf(Locale.ROOT, "segmenting %d image(s) with %s (%s; %s) on %s in %s%n", cases.size(),
                    modelNames() + (configurations.size() > 1 ? ", an ensemble of " + configurations.size()
                            + " configurations averaged in their probabilities" : ""),
                    configurations.get(0).plan().targets.describe(), String.join("; ", described), dev,
                    predictor.precision().label());
            for (DatasetCase c : cases) {
                long t0 = System.nanoTime();
                try {
                    ImageVolume image = c.readImage();
                    Prediction p = predictor.predict(image, outputs, PredictionMonitor.of(token));
                    writeCase(c, p);
                } catch (CancelledException e) {
                    return Cli.cancelled("prediction cancelled at case '" + c.name() + "'; " + written(done));
                } catch (InvalidInputException | UncheckedIOException e) {
                    String reason = e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
                    return Cli.fail("case '" + c.name() + "' (" + (done + 1) + " of " + cases.size() + ") failed: "
                            + reason + "; " + written(done));
                }
                done++;
                System.out.printf(Locale.ROOT, "[%d/%d] %s (%.1f s)%n", done, cases.size(),
                        DatasetFolder.outputFile(c, out).getFileName(), (System.nanoTime() - t0) / 1e9);
            }
        }
        System.out.println("labels written to " + out);
        return 0;
    }

    private String modelNames() {
        return String.join(", ", model.stream().map(m -> String.valueOf(m.getFileName())).toList());
    }

    private String written(int done) {
        return done == 0 ? "nothing was written" : done + " case(s) before it were written to '" + out + "'";
    }

    /**
     * Segments cases that have reference labels, writes the predicted labels to a folder and scores them:
     * the last step of the demo (train, then predict and evaluate held-out images).
     *
     * @param model     the trained model
     * @param cases     cases with label files (their references)
     * @param outFolder where the predicted labels go, with the input file names
     * @param log       receives one line per case
     */
    static DatasetMetrics segmentAndScore(TrainedModel model, List<DatasetCase> cases, Path outFolder, Device device,
            CancellationToken token, java.util.function.Consumer<String> log) {
        List<CaseMetrics> scores = new ArrayList<>();
        try (ModelPredictor predictor = ModelPredictor.open(model, device, PredictionSettings.DEFAULTS)) {
            for (DatasetCase c : cases) {
                CaseData data = c.read();
                if (data.labels() == null) {
                    throw new InvalidInputException("case '" + c.name() + "' has no reference labels to score against");
                }
                Prediction p = predictor.predict(data.image(), Prediction.Outputs.LABELS_ONLY, PredictionMonitor.of(token));
                ImageFiles.writeLabels(p.labels(), DatasetFolder.outputFile(c, outFolder));
                CaseMetrics m = SegmentationMetrics.evaluate(c.name(), data.labels(), p.labels(), model.labels());
                scores.add(m);
                log.accept(String.format(Locale.ROOT, "%s: Dice %s", c.name(), java.util.stream.IntStream
                        .range(1, model.numClasses()).mapToObj(k -> String.format(Locale.ROOT, "%.3f", m.dice(k)))
                        .toList()));
            }
        }
        return new DatasetMetrics(model.labels(), scores);
    }

    /**
     * Segments held-out cases into {@code <folder>/predictions}, scores them against their labels, writes
     * {@code <folder>/scores.json} and logs the per-class table.
     */
    static DatasetMetrics evaluateHeldOut(TrainedModel model, List<DatasetCase> cases, Path folder,
            CancellationToken token, java.util.function.Consumer<String> log) throws IOException {
        Path predictions = folder.resolve("predictions");
        DatasetMetrics scores = segmentAndScore(model, cases, predictions, Device.cpu(), token, log);
        Path json = folder.resolve("scores.json");
        String text = scores.toJson();
        org.maskseg.core.io.AtomicFiles.write(json, temp -> Files.writeString(temp, text));
        for (String line : scores.formatTable().split("\\R")) {
            log.accept(line);
        }
        log.accept("predicted labels: " + predictions.toAbsolutePath() + ", scores: " + json.toAbsolutePath());
        return scores;
    }

    /** Writes the files of one case; if one write fails, the ones already written for this case are removed. */
    private void writeCase(DatasetCase c, Prediction p) throws IOException {
        List<Path> written = new ArrayList<>();
        boolean ok = false;
        try {
            // the input's geometry (NIfTI orientation); with an nnU-Net dataset or model, nnU-Net's integer type
            Path labels = c.writeLabels(p.labels(), out, nnUNetTypes);
            written.add(labels);
            if (p.probabilities() != null) {
                Path f = out.resolve(c.name() + FolderEvaluation.PROBABILITIES_SUFFIX + floatExtension(c));
                ImageFiles.writeImage(p.probabilities(), f);
                written.add(f);
            }
            if (p.uncertainty() != null) {
                Path f = out.resolve(c.name() + FolderEvaluation.UNCERTAINTY_SUFFIX + floatExtension(c));
                ImageFiles.writeImage(p.uncertainty(), f);
                written.add(f);
            }
            ok = true;
        } finally {
            if (!ok) {
                for (Path f : written) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** Extension for float maps: the input's own for NIfTI and TIFF, TIFF for PNG (which holds no floats). */
    static String floatExtension(DatasetCase c) {
        Path first = c.imageFiles().get(0);
        ImageFormat format = ImageFormat.of(first);
        return format == ImageFormat.PNG ? ".tif" : ImageFormat.extension(first);
    }
}
