package org.maskseg.core.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.plan.Plan;

/**
 * How to train, in five groups that each check their own values: {@link Data} (what the network sees),
 * {@link Schedule} (how long and how fast), {@link Compute} (where it runs), {@link Start} (from scratch, a
 * checkpoint or a model) and {@link Output} (what is written during training); the checks that relate groups are
 * made here. Null numbers mean "as planned"; everything else has the defaults of {@link #defaults()}. Build with
 * {@link #builder()}, which takes every setting by name.
 *
 * @param seed random seed for initialisation, split, sampling and augmentation
 */
public record TrainingSettings(Data data, Schedule schedule, Compute compute, Start start, Output output,
        long seed) {

    /**
     * What the network sees.
     *
     * @param configuration      "2d", "3d", "3d_cascade" (nnU-Net's cascade: a low-resolution stage, then full
     *                           resolution) or null to choose by the data
     * @param batchSize          or null for the plan's value
     * @param patchSize          x first, or null for the plan's value
     * @param validationFraction share of the cases held out for the pseudo-Dice (at least one case when there are
     *                           two or more; with one case the training case is validated)
     * @param classNames         names of the classes of a newly planned model, background first (null: "background",
     *                           "class 1", ...); class-set files, unknown-mask folders and regions may then use them.
     *                           A warm start takes the names from its class mapping or initial model instead
     */
    public record Data(String configuration, Integer batchSize, int[] patchSize, double validationFraction,
            List<String> classNames) {

        public Data {
            positive("batch size", batchSize);
            if (configuration != null && !configuration.equals("2d") && !configuration.equals("3d")
                    && !configuration.equals(org.maskseg.core.plan.Planner.CASCADE)) {
                throw new InvalidInputException("configuration '" + configuration + "': expected 2d, 3d or "
                        + org.maskseg.core.plan.Planner.CASCADE);
            }
            patchSize = patchSize == null ? null : patchSize.clone();
            if (patchSize != null) {
                if (patchSize.length != 2 && patchSize.length != 3) {
                    throw new InvalidInputException("patch size needs 2 or 3 values (x,y[,z]), got "
                            + patchSize.length);
                }
                for (int p : patchSize) {
                    if (p < 4) {
                        throw new InvalidInputException("patch size values must be at least 4, got " + p);
                    }
                }
            }
            if (!(validationFraction >= 0 && validationFraction < 1)) {
                throw new InvalidInputException("validation fraction must be in [0, 1), got " + validationFraction);
            }
            classNames = classNames == null ? null : List.copyOf(classNames);
        }

        @Override
        public int[] patchSize() {
            return patchSize == null ? null : patchSize.clone();
        }
    }

    /**
     * How long and how fast.
     *
     * @param epochs               length of the learning-rate schedule, or null for the plan's value
     * @param iterationsPerEpoch   training steps per epoch, or null for the plan's value
     * @param validationIterations validation batches per epoch, or null for the plan's value
     * @param epochLimit           stop after this many epochs (counted over resumed sessions) while keeping the
     *                             schedule of {@code epochs}; null for no limit
     * @param timeLimit            end the run within this much time, validation and saving included: the steps of
     *                             an epoch stop early enough for its validation and saving (measured on the epochs
     *                             before), and no epoch starts that would not fit; the schedule keeps nnU-Net's
     *                             length. Null for no limit
     * @param learningRate         initial learning rate of the poly schedule, replacing the plan's
     *                             (training.initialLearningRate); null for the plan's value. Fine-tuning typically
     *                             uses 1e-3
     * @param budget               training time or steps to fit the learning-rate schedule to ({@link Budget}), or
     *                             null for nnU-Net's fixed epochs; excludes epochs, iterations per epoch, validation
     *                             iterations, the epoch limit and the time limit
     * @param deviceSizing         with a time budget, whether the plan's patch, batch and network may be made
     *                             smaller so that the budget allows enough steps on this device
     *                             ({@link org.maskseg.core.plan.DeviceSizing}); without a time budget it has no effect
     */
    public record Schedule(Integer epochs, Integer iterationsPerEpoch, Integer validationIterations,
            Integer epochLimit, Duration timeLimit, Double learningRate, Budget budget, boolean deviceSizing) {

        public Schedule {
            positive("epochs", epochs);
            positive("iterations per epoch", iterationsPerEpoch);
            positive("validation iterations", validationIterations);
            positive("epoch limit", epochLimit);
            if (timeLimit != null && (timeLimit.isNegative() || timeLimit.isZero())) {
                throw new InvalidInputException("time limit must be positive, got " + timeLimit);
            }
            if (learningRate != null && !(learningRate > 0 && Double.isFinite(learningRate))) {
                throw new InvalidInputException("learning rate must be a positive number, got " + learningRate);
            }
            if (budget != null) {
                String clash = epochs != null ? "epochs" : iterationsPerEpoch != null ? "iterations per epoch"
                        : validationIterations != null ? "validation iterations"
                                : epochLimit != null ? "an epoch limit" : timeLimit != null ? "a time limit" : null;
                if (clash != null) {
                    throw new InvalidInputException("a budget (" + budget + ") sets the schedule itself; it cannot "
                            + "be combined with " + clash + " (command line: drop --epochs, --iterations, "
                            + "--validation-iterations, --epoch-limit and --time-limit, or drop --budget)");
                }
            }
        }

        /** A schedule with device sizing on. */
        public Schedule(Integer epochs, Integer iterationsPerEpoch, Integer validationIterations, Integer epochLimit,
                Duration timeLimit, Double learningRate, Budget budget) {
            this(epochs, iterationsPerEpoch, validationIterations, epochLimit, timeLimit, learningRate, budget, true);
        }

        /** Whether the plan is sized to the device: a time budget with device sizing on. */
        public boolean sizesToDevice() {
            return deviceSizing && budget != null && budget.isTime();
        }

        /**
         * Writes the schedule these settings set (epochs, iterations, validation iterations, learning rate) into a
         * plan's training section; values left unset keep the plan's.
         */
        public void applyTo(Plan.Training training) {
            if (epochs != null) {
                training.epochs = epochs;
            }
            if (iterationsPerEpoch != null) {
                training.iterationsPerEpoch = iterationsPerEpoch;
            }
            if (validationIterations != null) {
                training.validationIterations = validationIterations;
            }
            if (learningRate != null) {
                training.initialLearningRate = learningRate;
            }
        }
    }

    /**
     * Where it runs.
     *
     * @param device        "auto", "cpu" or "gpu:N"
     * @param precision     "auto" (fp16 mixed precision on a CUDA GPU, fp32 elsewhere), "fp32" or "fp16" (see
     *                      {@link Precision}); "bf16" is refused
     * @param threads       CPU threads for PyTorch, 0 for its default
     * @param loaderThreads background threads preparing batches, 0 for the loader's default
     * @param installation  PyTorch installation to use (null: the bundled one)
     */
    public record Compute(String device, String precision, int threads, int loaderThreads,
            TorchRuntime.Installation installation) {

        public Compute {
            device = device == null ? "auto" : device;
            precision = Precision.checkSetting(precision, "precision");
            installation = installation == null ? TorchRuntime.Installation.BUNDLED : installation;
            if (threads < 0 || loaderThreads < 0) {
                throw new InvalidInputException("thread counts cannot be negative");
            }
        }
    }

    /**
     * From scratch, a checkpoint or a model.
     *
     * @param resumeFrom          checkpoint to continue from, or null
     * @param initialModel        model to start from (warm start), or null for random initialisation: its plan
     *                            (topology, patch size, normalisation) and weights are used, the optimiser starts
     *                            fresh; cannot be combined with {@code resumeFrom}
     * @param classMapping        for a warm start whose classes differ from the initial model's: which of the
     *                            model's classes each new class continues (null: the same classes are required)
     * @param freezeEncoderEpochs keep the encoder (contracting path) fixed during the first this many epochs while
     *                            decoder and heads train; 0 trains everything from the start. A resumed run keeps
     *                            the value of its checkpoint
     */
    public record Start(Path resumeFrom, TrainedModel initialModel, ClassMapping classMapping,
            int freezeEncoderEpochs) {

        public Start {
            if (resumeFrom != null && initialModel != null) {
                throw new InvalidInputException("a run either resumes from a checkpoint or starts from an initial "
                        + "model, not both");
            }
            if (classMapping != null) {
                if (initialModel == null) {
                    throw new InvalidInputException("a class mapping relates the classes to those of an initial "
                            + "model; give the initial model too");
                }
                if (initialModel.plan().targets.regionBased()) {
                    // the heads of a region-based model score regions, not classes, so class rows cannot be moved
                    throw new InvalidInputException("a class mapping needs an initial model trained on classes; "
                            + "this one was trained on the regions " + initialModel.regions().format());
                }
                if (classMapping.modelClasses() != initialModel.numClasses()) {
                    throw new InvalidInputException("the class mapping is made for a model of "
                            + classMapping.modelClasses() + " classes, the initial model has "
                            + initialModel.numClasses());
                }
            }
            if (freezeEncoderEpochs < 0) {
                throw new InvalidInputException("encoder freeze must be 0 or more epochs, got " + freezeEncoderEpochs);
            }
        }

        /** Whether the run continues or starts from earlier training rather than from random weights. */
        public boolean fromEarlierTraining() {
            return resumeFrom != null || initialModel != null;
        }
    }

    /**
     * What is written during training.
     *
     * @param workFolder      where to write curves, checkpoints and the best model; null for none
     * @param checkpointEvery write a checkpoint to the work folder every this many epochs (and at the end)
     */
    public record Output(Path workFolder, int checkpointEvery) {

        public Output {
            if (checkpointEvery < 1) {
                throw new InvalidInputException("checkpoint interval must be at least 1 epoch, got "
                        + checkpointEvery);
            }
        }
    }

    public TrainingSettings {
        java.util.Objects.requireNonNull(data, "data");
        java.util.Objects.requireNonNull(schedule, "schedule");
        java.util.Objects.requireNonNull(compute, "compute");
        java.util.Objects.requireNonNull(start, "start");
        java.util.Objects.requireNonNull(output, "output");
        if (data.classNames() != null && start.fromEarlierTraining()) {
            throw new InvalidInputException("class names name the classes of a new model; a resumed run keeps its "
                    + "checkpoint's names and a warm start takes them from the initial model or the class mapping");
        }
    }

    private static void positive(String what, Integer v) {
        if (v != null && v < 1) {
            throw new InvalidInputException(what + " must be at least 1, got " + v);
        }
    }

    /** Plan values, 20 % validation, seed 0, automatic device, fp32, checkpoints every 50 epochs. */
    public static TrainingSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.configuration = data.configuration();
        b.batchSize = data.batchSize();
        b.patchSize = data.patchSize();
        b.validationFraction = data.validationFraction();
        b.classNames = data.classNames();
        b.epochs = schedule.epochs();
        b.iterationsPerEpoch = schedule.iterationsPerEpoch();
        b.validationIterations = schedule.validationIterations();
        b.epochLimit = schedule.epochLimit();
        b.timeLimit = schedule.timeLimit();
        b.learningRate = schedule.learningRate();
        b.budget = schedule.budget();
        b.deviceSizing = schedule.deviceSizing();
        b.device = compute.device();
        b.precision = compute.precision();
        b.threads = compute.threads();
        b.loaderThreads = compute.loaderThreads();
        b.installation = compute.installation();
        b.resumeFrom = start.resumeFrom();
        b.initialModel = start.initialModel();
        b.classMapping = start.classMapping();
        b.freezeEncoderEpochs = start.freezeEncoderEpochs();
        b.workFolder = output.workFolder();
        b.checkpointEvery = output.checkpointEvery();
        b.seed = seed;
        return b;
    }

    /** Fluent builder; {@link #build()} validates. */
    public static final class Builder {
        private String configuration;
        private Integer epochs;
        private Integer iterationsPerEpoch;
        private Integer validationIterations;
        private Integer batchSize;
        private int[] patchSize;
        private Integer epochLimit;
        private Duration timeLimit;
        private Budget budget;
        private boolean deviceSizing = true;
        private double validationFraction = 0.2;
        private long seed;
        private String device = "auto";
        private String precision = "auto";
        private int threads;
        private int loaderThreads;
        private TorchRuntime.Installation installation = TorchRuntime.Installation.BUNDLED;
        private Path workFolder;
        private int checkpointEvery = 50;
        private Path resumeFrom;
        private TrainedModel initialModel;
        private ClassMapping classMapping;
        private int freezeEncoderEpochs;
        private Double learningRate;
        private List<String> classNames;

        private Builder() {
        }

        public Builder configuration(String v) {
            configuration = v;
            return this;
        }

        public Builder epochs(Integer v) {
            epochs = v;
            return this;
        }

        public Builder iterationsPerEpoch(Integer v) {
            iterationsPerEpoch = v;
            return this;
        }

        public Builder validationIterations(Integer v) {
            validationIterations = v;
            return this;
        }

        public Builder batchSize(Integer v) {
            batchSize = v;
            return this;
        }

        public Builder patchSize(int... v) {
            patchSize = v;
            return this;
        }

        public Builder epochLimit(Integer v) {
            epochLimit = v;
            return this;
        }

        public Builder timeLimit(Duration v) {
            timeLimit = v;
            return this;
        }

        public Builder validationFraction(double v) {
            validationFraction = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder device(String v) {
            device = v;
            return this;
        }

        public Builder precision(String v) {
            precision = v;
            return this;
        }

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public Builder loaderThreads(int v) {
            loaderThreads = v;
            return this;
        }

        public Builder installation(TorchRuntime.Installation v) {
            installation = v;
            return this;
        }

        public Builder workFolder(Path v) {
            workFolder = v;
            return this;
        }

        public Builder checkpointEvery(int v) {
            checkpointEvery = v;
            return this;
        }

        public Builder resumeFrom(Path v) {
            resumeFrom = v;
            return this;
        }

        public Builder initialModel(TrainedModel v) {
            initialModel = v;
            return this;
        }

        public Builder classMapping(ClassMapping v) {
            classMapping = v;
            return this;
        }

        public Builder freezeEncoderEpochs(int v) {
            freezeEncoderEpochs = v;
            return this;
        }

        public Builder learningRate(Double v) {
            learningRate = v;
            return this;
        }

        public Builder classNames(List<String> v) {
            classNames = v;
            return this;
        }

        /** Training time or steps to fit the schedule to; null for nnU-Net's fixed epochs. */
        public Builder budget(Budget v) {
            budget = v;
            return this;
        }

        /**
         * With a time budget, whether the plan may be made smaller to allow enough steps on this device (default:
         * true; see {@link org.maskseg.core.plan.DeviceSizing}).
         */
        public Builder deviceSizing(boolean v) {
            deviceSizing = v;
            return this;
        }

        /** Checks every group, then how they relate. */
        public TrainingSettings build() {
            return new TrainingSettings(new Data(configuration, batchSize, patchSize, validationFraction, classNames),
                    new Schedule(epochs, iterationsPerEpoch, validationIterations, epochLimit, timeLimit,
                            learningRate, budget, deviceSizing),
                    new Compute(device, precision, threads, loaderThreads, installation),
                    new Start(resumeFrom, initialModel, classMapping, freezeEncoderEpochs),
                    new Output(workFolder, checkpointEvery), seed);
        }
    }
}
