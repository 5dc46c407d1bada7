package org.maskseg.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.maskseg.core.CancellationToken;
import org.maskseg.core.CancelledException;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.io.NnUnetDataset;
import org.maskseg.core.io.OutputPaths;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.model.TrainingMetadata;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.plan.Preset;
import org.maskseg.core.train.Budget;
import org.maskseg.core.train.ClassMapping;
import org.maskseg.core.train.CrossValidation;
import org.maskseg.core.train.FinalValidation;
import org.maskseg.core.train.TrainingJob;
import org.maskseg.core.train.TrainingRequest;
import org.maskseg.core.train.TrainingResult;
import org.maskseg.core.train.TrainingSettings;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code maskseg train}: plans, preprocesses and trains on an image folder and a label folder. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Trains a segmentation network on images and (partial) label images paired by file name.",
                "Voxels with the ignore label take part neither in the loss nor in patch sampling.",
                "Partial labels (--annotated-classes, --unknown-masks): where a class is unknown, the loss lets the "
                        + "network choose between background and the unknown classes.",
                "Writes the final model to --out; curves (CSV, PNG), the best model and a checkpoint go to the "
                        + "work folder." })
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--images", paramLabel = "DIR", description = "folder of training images")
    Path images;

    @Option(names = "--labels", paramLabel = "DIR",
            description = "folder of label images, same file names as the images")
    Path labels;

    @Option(names = "--dataset", paramLabel = "DIR",
            description = "an nnU-Net v2 raw dataset (dataset.json, imagesTr, labelsTr) instead of --images and "
                    + "--labels: classes, ignore value, regions and channel normalisation come from its dataset.json")
    Path dataset;

    @Option(names = "--modalities", paramLabel = "NAME,...", split = ",",
            description = "one name per channel, as nnU-Net's channel_names: CT selects CT normalisation (clipping "
                    + "to dataset percentiles, dataset z-score), noNorm none, rescale_to_0_1 and rgb_to_0_1 their "
                    + "own; anything else per-image z-score (default: z-score for all)")
    List<String> modalities;

    @Option(names = "--out", required = true, paramLabel = "MODEL.zip", description = "model file to write")
    Path out;

    @Option(names = "--ignore-label", paramLabel = "K",
            description = "label value meaning 'not annotated' (default: highest class + 1)")
    Integer ignoreLabel;

    @Option(names = "--annotated-classes", paramLabel = "FILE",
            description = "partial labels: CSV (case,annotated_classes; classes separated by ';') or JSON "
                    + "({\"case\": [1, 2]}) naming the classes annotated in each listed case; the others are "
                    + "unknown there (label 0 then means 'background or an unknown class'). Unlisted cases are "
                    + "fully annotated")
    Path annotatedClasses;

    @Option(names = "--unknown-masks", paramLabel = "DIR",
            description = "partial labels: DIR/<class>/<label file name>, non-zero where that class is unknown")
    Path unknownMasks;

    @Option(names = "--config", paramLabel = "2d|3d|3d_cascade",
            description = "network configuration (default: from the data); 3d_cascade trains nnU-Net's cascade on "
                    + "large 3D images: a low-resolution stage first, then full resolution with its segmentation as "
                    + "extra input; the model file holds both")
    String config;

    @Option(names = "--preset", paramLabel = "default|resenc-m|resenc-l",
            description = "the network to plan: nnU-Net's plain U-Net (default) or its residual encoder U-Net planned "
                    + "as nnU-Net's ResEnc M (8 GB GPUs) or L (24 GB GPUs) planners plan it; not with --init or "
                    + "--resume, which keep their model's network")
    String preset;

    @Option(names = "--memory-gib", paramLabel = "GIB",
            description = "device memory for activations in GiB, which bounds the planned patch and batch size "
                    + "(default: 8, nnU-Net's reference; 24 with --preset resenc-l); less plans smaller patches, and "
                    + "with --config 3d_cascade adds a low-resolution stage for smaller images")
    Double memoryGiB;

    @Option(names = "--regions", paramLabel = "NAME=C,C...[:L];...",
            description = "region-based training: one sigmoid output per (possibly overlapping) region of foreground "
                    + "classes, e.g. \"whole=1,2,3;core=2,3;enhancing=3\"; classes by number or name. In exported "
                    + "labels later regions overwrite earlier ones with their export label L (default: the region's "
                    + "lowest class in no later region). Default: one softmax output per class")
    String regions;

    @Option(names = "--epochs", paramLabel = "E", description = "epochs (default: planned, 1000)")
    Integer epochs;

    @Option(names = "--iterations", paramLabel = "N", description = "training steps per epoch (default: 250)")
    Integer iterations;

    @Option(names = "--validation-iterations", paramLabel = "N",
            description = "validation batches per epoch (default: 50)")
    Integer validationIterations;

    @Option(names = "--batch-size", paramLabel = "B", description = "patches per batch (default: planned)")
    Integer batchSize;

    @Option(names = "--patch", paramLabel = "X,Y[,Z]", split = ",", arity = "1",
            description = "patch size (default: planned)")
    int[] patch;

    @Option(names = "--budget", paramLabel = "TIME|Nsteps",
            description = "train for this long (20m, 2h, 1h30m) or this many steps (5000steps): the learning-rate "
                    + "schedule is fitted to the budget, so the model is fully annealed when it ends (validation and "
                    + "saving included); replaces --epochs, --iterations and --time-limit")
    String budget;

    @Option(names = "--no-device-sizing", negatable = false,
            description = "with a time --budget, keep the planned patch, batch size and network even when this "
                    + "device cannot train enough steps with them in the budget (by default they are made smaller "
                    + "so that it allows about 500 steps; --patch, --batch-size or plan overrides of them also keep "
                    + "them)")
    boolean noDeviceSizing;

    @Option(names = "--time-limit", paramLabel = "MINUTES",
            description = "end within this many minutes, validation and saving included, keeping nnU-Net's "
                    + "schedule (the learning rate is then not annealed; --budget fits the schedule instead)")
    Double timeLimitMinutes;

    @Option(names = "--epoch-limit", paramLabel = "E",
            description = "stop after epoch E, keeping the learning-rate schedule of --epochs")
    Integer epochLimit;

    @Option(names = "--precision", paramLabel = "auto|fp32|fp16", defaultValue = "auto",
            description = "arithmetic: fp16 = mixed precision (half-precision convolutions, fp32 weights and loss, "
                    + "dynamic loss scaling); auto = fp16 on a CUDA GPU, fp32 on the CPU; fp16 on a CPU works but is "
                    + "many times slower; bf16 is not available with DJL 0.36 (default: ${DEFAULT-VALUE})")
    String precision;

    @Option(names = "--validation", paramLabel = "F", defaultValue = "0.2",
            description = "fraction of cases held out for validation (default: ${DEFAULT-VALUE})")
    double validation;

    @Option(names = "--folds", paramLabel = "N",
            description = "cross-validation: train all N folds of nnU-Net's split one after the other; --out then "
                    + "holds every fold's network, which predict ensembles")
    Integer folds;

    @Option(names = "--fold", paramLabel = "K",
            description = "cross-validation: train only fold K (0 to N-1) of --num-folds, e.g. one fold per job; "
                    + "predict ensembles such models given as --model a.zip,b.zip,...")
    Integer fold;

    @Option(names = "--num-folds", paramLabel = "N",
            description = "folds of the split that --fold picks from (default: " + CrossValidation.DEFAULT_FOLDS + ")")
    Integer numFolds;

    @Option(names = "--splits", paramLabel = "FILE",
            description = "the folds from a file in nnU-Net's splits_final.json format ([{\"train\": [...], "
                    + "\"val\": [...]}, ...], case names without extension): all of them, or the one --fold names")
    Path splits;

    @Option(names = "--no-final-validation", negatable = false,
            description = "skip the final validation: by default the held-out validation cases are predicted whole "
                    + "after training and scored where annotated (<model>.validation.json next to --out, predictions "
                    + "and their probabilities in the work folder's validation/, which 'maskseg choose' compares)")
    boolean noFinalValidation;

    @Option(names = "--seed", paramLabel = "S",
            description = "random seed (default: 0; with --resume the checkpoint's)")
    Long seed;

    @Option(names = "--resume", paramLabel = "CHECKPOINT",
            description = "continue from a checkpoint exactly: options that change its plan, schedule or seed "
                    + "(--patch, --batch-size, --epochs, --seed, ...) are refused unless they equal the checkpoint's")
    Path resume;

    @Option(names = "--init", paramLabel = "MODEL.zip",
            description = "start from the weights, plan and classes of this model or checkpoint (fine-tuning on new "
                    + "data of the same channels); the optimiser starts fresh")
    Path init;

    @Option(names = "--classes", paramLabel = "NAMES",
            description = "the classes of the labels by name, background first, e.g. background,nucleus,mitosis. "
                    + "A new model is given these names (class-set files, unknown-mask folders and --regions may "
                    + "then use them). With --init, names of the model's classes keep what the model learnt for "
                    + "them, other names are new classes, model classes not named are dropped")
    String classes;

    @Option(names = "--class-map", paramLabel = "MAP",
            description = "with --init: the classes of the labels by index, e.g. 0=0,1=2,2=new (label class = model "
                    + "class or new); model classes not mapped are dropped")
    String classMap;

    @Option(names = "--freeze-encoder-epochs", paramLabel = "E", defaultValue = "0",
            description = "keep the encoder fixed during the first E epochs while decoder and heads adapt "
                    + "(default: ${DEFAULT-VALUE})")
    int freezeEncoderEpochs;

    @Option(names = "--learning-rate", paramLabel = "LR",
            description = "initial learning rate of the poly schedule (default: planned, 0.01; fine-tuning "
                    + "typically uses 0.001)")
    Double learningRate;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "folder for curves, checkpoints and the best model (default: next to --out, "
                    + "named <model>-training)")
    Path workDir;

    @Option(names = "--checkpoint-every", paramLabel = "E", defaultValue = "10",
            description = "write a checkpoint every E epochs (default: ${DEFAULT-VALUE}) and at the end")
    int checkpointEvery;

    @Option(names = "--loader-threads", paramLabel = "T", defaultValue = "0",
            description = "threads preparing batches (default: cores - 1, at most 4)")
    int loaderThreads;

    @Mixin
    ComputeOptions compute;

    @Mixin
    PlanOverrideOption planOverrides;

    @Override
    public Integer call() {
        CancellationToken token = CancellationToken.create();
        // Ctrl-C stops training cleanly; the outcome is reported before the hook lets the JVM end
        try (InterruptCancellation interrupt = new InterruptCancellation(token)) {
            try (ConsoleProgress progress = new ConsoleProgress(System.out)) {
                return run(token, progress);
            } catch (InvalidInputException | IOException | java.io.UncheckedIOException e) {
                return Cli.failure(e);
            } catch (CancelledException e) {
                return Cli.cancelled("training cancelled; no model written");
            }
        }
    }

    private int run(CancellationToken token, ConsoleProgress progress) throws IOException {
        Path target = out.toAbsolutePath();
        String modelName = target.getFileName().toString().replaceFirst("(?i)\\.zip$", "");
        Path work = workDir != null ? workDir : target.resolveSibling(modelName + "-training");
        Path summary = target.resolveSibling(modelName + VALIDATION_SUFFIX);
        // the work folder may hold the checkpoint it resumes from: the run continues and replaces it
        NnUnetInput.checkFolders(dataset, images, labels);
        Preset chosen = Preset.parse(preset);
        if (chosen != null && chosen.residual() && (init != null || resume != null)) {
            throw new InvalidInputException("--preset " + chosen.label() + " plans a new network; with "
                    + (init != null ? "--init" : "--resume") + " the network is the model's: leave --preset out");
        }
        NnUnetInput.refuseWithDataset(dataset, "--ignore-label", ignoreLabel, "--classes", classes, "--regions",
                regions, "--modalities", modalities);
        OutputPaths.check().input("--images", images).input("--labels", labels).input("--dataset", dataset)
                .input("--annotated-classes", annotatedClasses).input("--unknown-masks", unknownMasks)
                .input("--resume", resume).input("--init", init).input("--pytorch-library", compute.pytorchLibrary)
                .input("--plan-overrides", planOverrides.file()).input("--splits", splits)
                .outputFile("--out", out).outputFile("validation summary", noFinalValidation ? null : summary)
                .outputFolder(workDir != null ? "--work-dir" : "work folder", work, resume)
                .verify();
        CrossValidation cv = crossValidation();
        if (memoryGiB != null && (!(memoryGiB > 0) || Double.isInfinite(memoryGiB))) {
            throw new InvalidInputException("--memory-gib must be a positive number of GiB, got " + memoryGiB);
        }
        TrainedModel initial = init == null ? null : TrainedModel.load(init);
        TrainingSettings settings = TrainingSettings.builder().configuration(lower(config)).epochs(epochs)
                .iterationsPerEpoch(iterations).validationIterations(validationIterations).batchSize(batchSize)
                .patchSize(patch).epochLimit(epochLimit)
                .timeLimit(timeLimitMinutes == null ? null : minutes(timeLimitMinutes)).validationFraction(validation)
                .budget(budget == null ? null : Budget.parse(budget)).deviceSizing(!noDeviceSizing)
                .seed(seed != null ? seed : resume != null ? TrainingJob.checkpointSeed(resume) : 0)
                .device(compute.device).precision(precision).threads(compute.threads).loaderThreads(loaderThreads)
                .installation(compute.installation())
                .workFolder(work).checkpointEvery(checkpointEvery).resumeFrom(resume)
                .initialModel(initial).classMapping(classMapping(initial)).freezeEncoderEpochs(freezeEncoderEpochs)
                .learningRate(learningRate).classNames(newClassNames(initial)).build();
        NnUnetDataset nnunet = dataset == null ? null : NnUnetInput.open(dataset);
        if (nnunet != null) {
            nnunet.training(); // checks the folders against dataset.json before any pixel is read
        }
        PlannerOptions planner = PlannerOptions.defaults().withPreset(chosen);
        if (memoryGiB != null) {
            planner = planner.withMemoryBudgetGiB(memoryGiB);
        }
        planner = planner
                .withOverrides(planOverrides.json())
                .withRegions(nnunet != null ? nnunet.regionsText() : regions)
                .withChannelModalities(nnunet != null ? nnunet.channelNames() : modalities);
        TrainingRequest.Builder request = nnunet != null
                ? TrainingRequest.folders(nnunet.imagesTr(), nnunet.labelsTr()).declaredLabels(nnunet.labels())
                : TrainingRequest.folders(images, labels).ignoreValue(ignoreLabel);
        TrainingResult result = TrainingJob.run(request.partialLabelFiles(annotatedClasses, unknownMasks)
                .settings(settings).planner(planner).finalValidation(!noFinalValidation).crossValidation(cv).build(),
                progress, token);
        token.throwIfCancelled();
        result.finalModel().save(target);
        TrainingMetadata m = result.finalModel().metadata();
        progress.message(String.format(Locale.ROOT,
                "training %s after %d epoch(s) in %.0f s (%.0f ms per step); final pseudo-Dice %s, moving "
                        + "average %.4f, best %.4f at epoch %d",
                result.completed() ? "completed" : "stopped by the " + result.stopReason(),
                m.epochsDone(), m.trainingSeconds(), result.msPerStep(),
                Arrays.toString(m.finalPseudoDice()), m.finalEmaPseudoDice(), m.bestEmaPseudoDice(), m.bestEpoch()));
        progress.message("model written to " + target);
        if (!result.folds().isEmpty()) {
            progress.message("the model holds the networks of folds " + result.finalModel().folds()
                    + "; prediction averages them");
        }
        if (result.finalValidation() != null) {
            for (TrainingResult f : result.folds()) {
                progress.message(String.format(Locale.ROOT, "fold %d: mean Dice %.4f on %d case(s)", f.fold(),
                        f.finalValidation().meanDice(), f.finalValidation().cases().size()));
            }
            FinalValidation.writeSummary(result, summary);
            if (!result.folds().isEmpty()) {
                progress.message("all folds pooled:");
            }
            for (String line : result.finalValidation().formatTable().split("\\R")) {
                progress.message(line);
            }
            progress.message("final validation scores" + (result.folds().isEmpty() ? "" : " (per fold and pooled)")
                    + " written to " + summary);
        }
        progress.message("curves, best model and checkpoint in " + work);
        return 0;
    }

    private ClassMapping classMapping(TrainedModel initial) {
        if (classes == null && classMap == null) {
            return null;
        }
        String option = classes != null ? "--classes" : "--class-map";
        if (classes != null && classMap != null) {
            throw new InvalidInputException("give the classes either by name (--classes) or by index (--class-map), "
                    + "not both");
        }
        if (initial == null && classMap != null) {
            throw new InvalidInputException(option + " relates the label classes to those of an initial model; give "
                    + "the model with --init");
        }
        if (initial == null) {
            return null; // --classes names a new model's classes, see newClassNames
        }
        List<String> modelNames = initial.labels().classNames();
        return classes != null ? ClassMapping.byNames(modelNames, classes) : ClassMapping.parse(classMap, modelNames);
    }

    /** The names --classes gives a newly planned model (null when resuming or warm-starting). */
    private List<String> newClassNames(TrainedModel initial) {
        if (classes == null || initial != null) {
            return null;
        }
        return Arrays.stream(classes.split(",")).map(String::trim).toList();
    }

    /** The cross-validation the fold options ask for, or null; contradicting options are refused. */
    private CrossValidation crossValidation() {
        if (folds != null && fold != null) {
            throw new InvalidInputException("--folds trains all folds, --fold one of them: give one of the two");
        }
        if (numFolds != null && fold == null) {
            throw new InvalidInputException("--num-folds goes with --fold K; to train all folds give --folds N");
        }
        if (splits != null && (folds != null || numFolds != null)) {
            throw new InvalidInputException("--splits defines the folds itself; leave out --folds and --num-folds");
        }
        if (folds == null && fold == null && splits == null) {
            return null;
        }
        int n = folds != null ? folds : numFolds != null ? numFolds : CrossValidation.DEFAULT_FOLDS;
        if (splits == null && n < 2) {
            throw new InvalidInputException("--" + (folds != null ? "folds" : "num-folds") + " must be at least 2, got "
                    + n);
        }
        if (fold != null && fold < 0) {
            throw new InvalidInputException("--fold must be 0 or more, got " + fold);
        }
        if (fold != null && splits == null && fold >= n) {
            throw new InvalidInputException("--fold " + fold + " does not exist: folds are numbered 0 to " + (n - 1));
        }
        return new CrossValidation(n, fold, splits);
    }

    /** Name suffix of the final validation's scores, written next to the model. */
    static final String VALIDATION_SUFFIX = ".validation.json";

    static int fail(String reason) {
        return Cli.fail(reason);
    }

    static Duration minutes(double m) {
        if (!(m > 0) || Double.isInfinite(m)) {
            throw new InvalidInputException("--time-limit must be a positive number of minutes, got " + m);
        }
        return Duration.ofMillis(Math.round(m * 60_000));
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
