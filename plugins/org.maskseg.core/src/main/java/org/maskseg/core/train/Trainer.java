package org.maskseg.core.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.maskseg.core.CancellationToken;
import org.maskseg.core.CancelledException;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.data.BatchLoader;
import org.maskseg.core.data.BatchSettings;
import org.maskseg.core.data.BatchSource;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.io.Json;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.model.Checkpoint;
import org.maskseg.core.model.HostTensor;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.model.TrainingMetadata;
import org.maskseg.core.nn.Autograd;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.nn.SegmentationNetwork;
import org.maskseg.core.nn.UNet;
import org.maskseg.core.optim.LossScaler;
import org.maskseg.core.optim.TrainingStep;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.preprocess.TrainingCase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Trains a network on preprocessed cases, nnU-Net style: epochs of a fixed number of steps with a
 * polynomially decaying learning rate; after each epoch a validation on held-out cases yields the
 * pseudo-Dice and its moving average, which selects the best model.
 * <p>
 * Runs on the calling thread. Cancellation (from any thread, through the {@link CancellationToken}) is
 * honoured between steps and while waiting for batches; it releases all native memory and background
 * threads and throws {@link CancelledException}. Files in the work folder are only ever written
 * atomically, so a cancelled or crashed run leaves complete files from earlier epochs or none.
 * <p>
 * With the same seed on the CPU, a run resumed from a checkpoint continues exactly like an uninterrupted
 * run: each epoch draws its batches from a source seeded by (seed, epoch), and the checkpoint holds
 * weights, optimiser buffers and the trainer's state.
 */
public final class Trainer {

    /** Name of the checkpoint written to the work folder. */
    public static final String CHECKPOINT = "checkpoint_latest.zip";
    /** Name of the best model written to the work folder. */
    public static final String BEST_MODEL = "model_best.zip";

    private static final ObjectMapper JSON = Json.MAPPER;
    /**
     * The final validation's seconds per window, relative to the epoch validation's forward seconds per patch. On the
     * nuclei sample (2 CPU threads, 56² patches) it took 0.7 of them: whole-image prediction batches more windows,
     * which makes up for weighting, resampling and writing; the rest is margin.
     */
    static final double FINAL_VALIDATION_FACTOR = 1;

    private final Plan plan;
    private final List<TrainingCase> cases;
    private final TrainingSettings settings;
    private TrainingListener listener = TrainingListener.NONE;
    private CancellationToken cancellation = CancellationToken.create();
    private Map<String, Object> datasetSummary = Map.of();
    private BatchSourceFactory batchSources = Trainer::standardBatches;
    private List<String> validationCases;
    private ValidationSplit givenSplit;
    private boolean reserveForFinalValidation;

    /**
     * @param plan     the plan the cases were preprocessed with; epochs and iterations from the settings
     *                 override its training section; its targets (classes, names, ignore value) go into the
     *                 model
     * @param cases    preprocessed cases with canonical labels (or label codes when the plan enables
     *                 training.partialLabels), distinct names
     * @param settings training settings
     */
    public Trainer(Plan plan, List<TrainingCase> cases, TrainingSettings settings) {
        this.plan = effectivePlan(plan, settings);
        this.cases = List.copyOf(cases);
        this.settings = Objects.requireNonNull(settings, "settings");
        if (cases.isEmpty()) {
            throw new InvalidInputException("no training cases given");
        }
        Set<String> names = new HashSet<>();
        for (TrainingCase c : cases) {
            if (!names.add(c.name())) {
                throw new InvalidInputException("two training cases are named '" + c.name()
                        + "'; case names must be unique");
            }
            if (c.image().channels() != plan.inputChannels()) {
                throw new InvalidInputException("case '" + c.name() + "' has " + c.image().channels()
                        + " channels, the plan expects " + plan.inputChannels());
            }
            if (!plan.targets().partialLabels()) {
                // partial-label codes need the partial loss; the plain one would index classes with them
                for (int v : c.labels().data()) {
                    if (v > plan.targets().numClasses()) {
                        throw new IllegalArgumentException("case '" + c.name() + "' has partial-label codes but "
                                + "the plan does not enable training.partialLabels");
                    }
                }
            }
        }
        if (settings.start().initialModel() != null) {
            checkInitialModel(settings.start().initialModel(), plan, settings.start().classMapping());
        }
    }

    /**
     * A warm start needs a model of the same channels and dimensionality as the plan trained, and the same
     * classes unless a class mapping relates them.
     */
    static void checkInitialModel(TrainedModel init, Plan plan, ClassMapping mapping) {
        if (mapping != null && mapping.numClasses() != plan.targets().numClasses()) {
            throw new InvalidInputException("the class mapping defines " + mapping.numClasses() + " classes "
                    + mapping.classNames() + ", the training labels have " + plan.targets().numClasses());
        }
        if (mapping == null && init.numClasses() != plan.targets().numClasses()) {
            throw new InvalidInputException("the initial model has " + init.numClasses() + " classes, the training"
                    + " labels have " + plan.targets().numClasses() + "; a warm start needs the same classes unless a"
                    + " class mapping says which model class each label class continues (command line: --classes or"
                    + " --class-map)");
        }
        if (init.inputChannels() != plan.inputChannels()) {
            throw new InvalidInputException("the initial model expects " + init.inputChannels() + " channel(s), the"
                    + " training images have " + plan.inputChannels() + "; a warm start needs the same channels");
        }
        if (init.spatialDims() != plan.spatialDims()) {
            throw new InvalidInputException("the initial model is a " + init.spatialDims() + "D network, the plan"
                    + " trains a " + plan.spatialDims() + "D network; a warm start needs the same configuration");
        }
        if (!init.regions().equals(plan.targets().regions())) {
            throw new InvalidInputException("the initial model was trained on " + outputs(init.plan().targets())
                    + ", the plan trains " + outputs(plan.targets()) + "; a warm start needs the same outputs");
        }
    }

    private static Plan effectivePlan(Plan given, TrainingSettings s) {
        return given.toBuilder().training(s.schedule()::applyTo).build();
    }

    public Trainer listener(TrainingListener l) {
        this.listener = l == null ? TrainingListener.NONE : l;
        return this;
    }

    public Trainer cancellation(CancellationToken token) {
        this.cancellation = token == null ? CancellationToken.create() : token;
        return this;
    }

    /** A summary of the dataset fingerprint, stored in the model's metadata. */
    public Trainer datasetSummary(Map<String, Object> summary) {
        this.datasetSummary = summary == null ? Map.of() : Map.copyOf(summary);
        return this;
    }

    /**
     * Validates on exactly these cases and trains on all others, instead of holding out the settings'
     * validation fraction. A resumed run keeps the split stored in its checkpoint.
     *
     * @param names names of given cases; null or empty for the fraction split
     */
    public Trainer validationCases(Collection<String> names) {
        if (names == null || names.isEmpty()) {
            this.validationCases = null;
        } else {
            ValidationSplit.explicit(caseNames(), names); // refuses unknown names now rather than at train()
            this.validationCases = List.copyOf(names);
        }
        return this;
    }

    /**
     * Trains on exactly the split's training cases and validates on its validation cases (e.g. a fold of a
     * cross-validation; cases in neither are not used). A resumed run keeps the split stored in its checkpoint.
     *
     * @throws InvalidInputException if the split names a case that is not given
     */
    public Trainer split(ValidationSplit split) {
        java.util.Set<String> names = new HashSet<>(caseNames());
        for (List<String> part : List.of(split.training(), split.validation())) {
            for (String n : part) {
                if (!names.contains(n)) {
                    throw new InvalidInputException("the split names case '" + n + "', which is not among the cases");
                }
            }
        }
        if (split.training().isEmpty() || split.validation().isEmpty()) {
            throw new InvalidInputException("a split needs at least one training and one validation case");
        }
        this.givenSplit = split;
        return this;
    }

    /**
     * Keeps time at the end of a time budget for the final validation that follows the training (predicting the
     * held-out cases whole): the windows it predicts ({@link FinalValidation#windows}) × the forward seconds per
     * patch of the epoch validation × {@value #FINAL_VALIDATION_FACTOR}, averaged over the epochs as the step time
     * is. No effect without a time budget or without held-out cases.
     */
    public Trainer reserveForFinalValidation(boolean on) {
        this.reserveForFinalValidation = on;
        return this;
    }

    /** Where batches come from (default: the standard loader with augmentation). */
    public Trainer batchSources(BatchSourceFactory factory) {
        this.batchSources = Objects.requireNonNull(factory, "factory");
        return this;
    }

    /** The plan used for training (with the settings' epoch and iteration overrides). */
    public Plan plan() {
        return plan;
    }

    /**
     * Trains and returns the final and the best model. Writes curves, the best model and checkpoints to
     * the work folder when one is set.
     *
     * @throws CancelledException    when cancelled
     * @throws InvalidInputException for unusable settings or data, or when the device runs out of memory
     */
    public TrainingResult train() {
        cancellation.throwIfCancelled(); // settings that were built hold auto, fp32 or fp16: bf16 is refused there
        TrainingSettings.Start start = settings.start();
        Checkpoint resume = start.resumeFrom() == null ? null : Checkpoint.load(start.resumeFrom());
        TrainerState state = resume == null ? null : trainerState(resume);
        long seed = state != null ? state.seed() : settings.seed();
        if (state != null && state.seed() != settings.seed()) {
            listener.message("resuming with the checkpoint's seed " + state.seed());
        }
        // derived from the epoch number, so a resumed run freezes exactly where the interrupted one would have
        int freezeEpochs = state != null ? state.freezeEncoderEpochs() : start.freezeEncoderEpochs();
        if (state != null && start.freezeEncoderEpochs() != 0 && start.freezeEncoderEpochs() != freezeEpochs) {
            listener.message("resuming with the checkpoint's encoder freeze of " + freezeEpochs + " epoch(s)");
        }
        ValidationSplit split = split(state, seed);
        Map<String, TrainingCase> byName = new HashMap<>();
        cases.forEach(c -> byName.put(c.name(), c));
        List<TrainingCase> trainCases = select(split.training(), byName);
        List<TrainingCase> valCases = select(split.validation(), byName);
        long finalWindows = reserveForFinalValidation && split.heldOut()
                ? FinalValidation.windows(valCases.stream().map(c -> c.labels().size()).toList(), plan.patchSize())
                : 0;

        TorchRuntime.setCpuThreads(settings.compute().threads());
        TorchRuntime.start(settings.compute().installation());
        Device device = TorchRuntime.device(settings.compute().device());
        Precision precision = Precision.resolve(settings.compute().precision(), device);

        List<EpochStats> history = new ArrayList<>(state == null ? List.of() : state.history());
        ModelSelection selection = state == null ? ModelSelection.fresh() : ModelSelection.resumed(state);
        double previousSeconds = state == null ? 0 : state.elapsedSeconds();
        int startEpoch = state == null ? 1 : state.epochsDone() + 1;
        TrainedModel best = resume == null ? null : previousBest(start.resumeFrom());

        SessionClock clock = new SessionClock();
        Schedule schedule = schedule(history, previousSeconds);
        SkippedSteps skipped = new SkippedSteps(history.stream().mapToLong(EpochStats::iterations).sum(),
                history.stream().mapToLong(EpochStats::skippedSteps).sum());
        WorkFolder work = new WorkFolder(settings.output().workFolder(), settings.output().checkpointEvery(),
                scoreNames(), cancellation);

        listener.message("training on " + trainCases.size() + " case(s), validating on " + valCases.size()
                + (split.heldOut() ? "" : " (not held out)") + ", device " + device);
        if (plan.targets().regionBased()) {
            listener.message("region-based training: one sigmoid output per region; pseudo-Dice per region in the "
                    + "order " + String.join(", ", scoreNames()));
        }
        String cpuWarning = Precision.cpuWarning(precision, device);
        if (cpuWarning != null) {
            listener.message(cpuWarning);
        }
        if (precision == Precision.FP16) {
            listener.message("mixed precision: fp16 convolutions, fp32 master weights, normalisation and loss, "
                    + "dynamic loss scaling");
        }
        listener.scoresNamed(scoreNames());
        try (NDManager manager = TorchRuntime.newManager(device);
                UNet network = UNet.build(manager, plan, seed);
                TrainingStep step = TrainingStep.forPlan(network, plan, precision)) {
            startFrom(resume, network, step);
            restoreScaler(state, step);
            if (freezeEpochs > 0 && startEpoch <= freezeEpochs) {
                listener.message("encoder fixed during epoch" + (freezeEpochs == 1 ? " 1" : "s 1-" + freezeEpochs)
                        + ", decoder and heads train");
            }
            EpochSteps steps = new EpochSteps(step, listener, cancellation, skipped, clock);
            double savingSeconds = 0;
            double reserve = Double.NaN;
            int epoch = startEpoch;
            for (; schedule.trains(epoch); epoch++) {
                cancellation.throwIfCancelled();
                long epochStart = System.nanoTime();
                step.freeze(epoch <= freezeEpochs ? network.encoderParameterNames() : List.of());
                int thisEpoch = epoch;
                double lr = schedule.learningRate(epoch, 1);
                listener.epochStarted(epoch, schedule.plannedEpochs(), lr);

                EpochSteps.Outcome trained;
                double stepSecondsBefore = steps.stepSeconds();
                double firstStepBefore = steps.firstStepSeconds();
                try (BatchSource source = batchSources.open(trainCases, plan, epochSeed(seed, epoch, false), true,
                        settings.compute().loaderThreads())) {
                    trained = steps.run(source, epoch, schedule.iterations(epoch),
                            it -> schedule.learningRate(thisEpoch, it), schedule.stepDeadlineSeconds());
                }
                double spentInSteps = steps.stepSeconds() - stepSecondsBefore;
                // the first step waits for the loader's start-up: beyond a typical step, that is the epoch's cost
                double firstStep = steps.firstStepSeconds() - firstStepBefore;
                double typicalStep = trained.steps() > 1 ? (spentInSteps - firstStep) / (trained.steps() - 1)
                        : firstStep;
                double startUp = Math.max(0, firstStep - typicalStep);

                listener.phase("validating after epoch " + epoch);
                long validationStart = System.nanoTime();
                EpochValidation.Outcome validated;
                try (BatchSource source = batchSources.open(valCases, plan, epochSeed(seed, epoch, true), false,
                        settings.compute().loaderThreads())) {
                    validated = EpochValidation.run(step, plan, source, schedule.validationIterations(),
                            cancellation, clock, schedule.validationDeadlineSeconds());
                }
                double validationSeconds = (System.nanoTime() - validationStart) / 1e9;
                if (finalWindows > 0) {
                    double estimate = FINAL_VALIDATION_FACTOR * finalWindows * validated.forwardSeconds()
                            / ((double) validated.batches() * plan.batchSize());
                    // follows a changing load as the step time does, without jumping with one epoch's noise
                    reserve = Double.isNaN(reserve) ? estimate : 0.5 * reserve + 0.5 * estimate;
                    schedule.reserveAtEnd(reserve);
                    if (epoch == startEpoch && schedule.endSeconds() < Double.POSITIVE_INFINITY) {
                        listener.message(String.format(Locale.ROOT, "keeping about %.0f s at the end of the budget "
                                + "for the final validation (%d windows on %d case(s))", reserve, finalWindows,
                                valCases.size()));
                    }
                }
                schedule.epochDone(epoch, trained.steps(), spentInSteps - startUp,
                        startUp + validationSeconds + savingSeconds, clock.elapsedSeconds());
                boolean last = !schedule.trains(epoch + 1);
                boolean newBest = selection.update(epoch, validated.meanPseudoDice());
                double now = clock.elapsedSeconds();
                double epochSeconds = (System.nanoTime() - epochStart) / 1e9;
                double eta = last ? 0 : Math.min(now / (epoch - startEpoch + 1) * (schedule.plannedEpochs() - epoch),
                        Math.max(0, schedule.endSeconds() - now));
                EpochStats stats = new EpochStats(epoch, schedule.plannedEpochs(), trained.meanLoss(),
                        validated.meanLoss(), validated.pseudoDice(), validated.meanPseudoDice(), selection.ema(),
                        newBest, lr, trained.steps(), trained.skipped(), epochSeconds, previousSeconds + now, eta,
                        trained.scalerSkips(), step.scaler() == null ? Double.NaN : step.scaler().scale());
                history.add(stats);
                listener.epochFinished(stats);

                String stopReason = schedule.stopReason();
                TrainingMetadata meta = metadata(stats, selection, "last", stopReason, seed, previousSeconds + now,
                        device, split, schedule);
                if (newBest) {
                    best = TrainedModel.of(plan, meta.withSelection("best"), network);
                }
                int epochsDone = epoch;
                long savingStart = System.nanoTime();
                if (settings.output().workFolder() != null) {
                    listener.phase("saving after epoch " + epoch);
                }
                work.epochDone(history, newBest ? best : null, last, () -> new Checkpoint(
                        TrainedModel.of(plan, meta, network), optimizerState(step, network),
                        JSON.valueToTree(new TrainerState(epochsDone, selection.ema(), selection.bestEma(),
                                selection.bestEpoch(), previousSeconds + now, seed, split.training(),
                                split.validation(), history, freezeEpochs,
                                step.scaler() == null ? null : step.scaler().scale(),
                                step.scaler() == null ? 0 : step.scaler().cleanSteps()))));
                savingSeconds = (System.nanoTime() - savingStart) / 1e9;
                if (last && StopReason.TIME_LIMIT.equals(stopReason)) {
                    listener.message("time limit reached after epoch " + epoch);
                }
            }
            String stopReason = schedule.stopReason();
            double seconds = previousSeconds + clock.elapsedSeconds();
            EpochStats lastStats = history.isEmpty() ? null : history.get(history.size() - 1);
            TrainingMetadata meta = metadata(lastStats, selection, "last", stopReason, seed, seconds, device, split,
                    schedule);
            TrainedModel finalModel = TrainedModel.of(plan, meta, network);
            // the best model keeps the metadata of its own epoch
            TrainedModel bestModel = best == null ? finalModel.withMetadata(meta.withSelection("best")) : best;
            return new TrainingResult(finalModel, bestModel, history, stopReason, split, steps.msPerStep());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException();
        } catch (IOException e) {
            cancellation.throwIfCancelled(); // e.g. a file channel closed by the interrupt that cancelled the wait
            throw new UncheckedIOException("cannot write to the work folder '" + work.path() + "': " + e.getMessage(),
                    e);
        } catch (ai.djl.engine.EngineException e) {
            cancellation.throwIfCancelled();
            throw outOfMemoryOr(e, device);
        } catch (RuntimeException e) {
            // whatever broke while a cancellation was pending (the JVM shutting down under a Ctrl-C or SIGTERM,
            // an interrupted write) is reported as the cancellation it is
            if (!(e instanceof CancelledException)) {
                cancellation.throwIfCancelled();
            }
            throw e;
        }
    }

    /**
     * nnU-Net's fixed epochs, or a schedule fitted to the settings' budget. A resumed budget run continues with
     * what its earlier sessions left of the budget.
     */
    private Schedule schedule(List<EpochStats> history, double previousSeconds) {
        Budget budget = settings.schedule().budget();
        if (budget == null) {
            double limit = settings.schedule().timeLimit() == null ? Double.POSITIVE_INFINITY
                    : settings.schedule().timeLimit().toMillis() / 1000.0;
            return new FixedSchedule(plan.training().initialLearningRate(), plan.training().epochs(),
                    plan.training().iterationsPerEpoch(), plan.training().validationIterations(),
                    settings.schedule().epochLimit(), limit);
        }
        long stepsBefore = history.stream().mapToLong(EpochStats::iterations).sum();
        if (!history.isEmpty() && (budget.isTime() ? previousSeconds >= budget.time().toMillis() / 1000.0
                : stepsBefore >= budget.steps())) {
            throw new InvalidInputException("the checkpoint's run has used its budget of " + budget
                    + "; give a larger --budget to train on");
        }
        listener.message("budget " + budget + (history.isEmpty() ? "" : String.format(Locale.ROOT,
                " (%s used by the earlier sessions)", budget.isTime() ? Math.round(previousSeconds) + " s"
                        : stepsBefore + " steps")) + ": the learning rate decays over the steps it allows");
        return new BudgetSchedule(budget, plan.training().initialLearningRate(), plan.training().iterationsPerEpoch(),
                plan.training().validationIterations(), history.size(), stepsBefore, previousSeconds,
                history.isEmpty() ? 0 : history.get(history.size() - 1).iterations());
    }

    /** The checkpoint's split when resuming, else the explicit validation cases, else a seeded random split. */
    private ValidationSplit split(TrainerState state, long seed) {
        if (state != null) {
            return new ValidationSplit(state.trainingCases(), state.validationCases());
        }
        if (givenSplit != null) {
            return givenSplit;
        }
        if (validationCases != null) {
            return ValidationSplit.explicit(caseNames(), validationCases);
        }
        return ValidationSplit.of(caseNames(), settings.data().validationFraction(), seed);
    }

    /** Weights (and optimiser state) of the checkpoint to resume, or of the initial model to start from. */
    private void startFrom(Checkpoint resume, UNet network, TrainingStep step) {
        if (resume != null) {
            resume.model().loadInto(network);
            step.optimiser().loadState(values(resume.optimizerState()));
        } else if (settings.start().initialModel() != null) {
            // weights only: the optimiser's momentum starts from zero as in a fresh run
            loadInitialModel(network, settings.start().initialModel(), settings.start().classMapping());
            listener.message("starting from the weights of the initial model");
            if (settings.start().classMapping() != null && !settings.start().classMapping().isIdentity()) {
                listener.message("classes: " + settings.start().classMapping().describe());
            }
        }
    }

    /**
     * Continues the loss scaler of a resumed half-precision run where it stood. A checkpoint of an fp32 run (or one
     * written before mixed precision existed) has no scaler state: a half-precision continuation starts a fresh
     * scaler.
     */
    private void restoreScaler(TrainerState state, TrainingStep step) {
        if (state == null || step.scaler() == null || state.lossScale() == null) {
            return;
        }
        double scale = state.lossScale();
        if (!(scale > 0) || Double.isInfinite(scale) || state.scalerCleanSteps() < 0) {
            throw new InvalidInputException("checkpoint '" + settings.start().resumeFrom() + "': trainer-state.json "
                    + "lossScale " + scale + " / scalerCleanSteps " + state.scalerCleanSteps()
                    + " are invalid (expected a positive finite scale and a count >= 0)");
        }
        step.scaler().restore(new LossScaler.State(scale, state.scalerCleanSteps()));
        listener.message(String.format(Locale.ROOT, "loss scale %.0f restored from the checkpoint", scale));
    }

    /**
     * The standard batches: {@link BatchLoader} with the plan's patch and batch size and nnU-Net's
     * augmentation for training; validation batches are unaugmented.
     */
    public static BatchSource standardBatches(List<TrainingCase> cases, Plan plan, long seed, boolean training,
            int threads) {
        BatchSettings bs = BatchSettings.fromPlan(plan);
        if (threads > 0) {
            bs = bs.withThreads(threads);
        }
        return training ? BatchLoader.training(cases, bs, seed)
                : BatchLoader.validation(cases, bs, seed, plan.training().validationIterations());
    }

    /**
     * Loads an initial model's weights into a freshly initialised network. With a class mapping the output heads'
     * class rows are rearranged, and rows of new classes keep the fresh network's initialisation.
     */
    static void loadInitialModel(UNet network, TrainedModel init, ClassMapping mapping) {
        if (mapping == null) {
            init.loadInto(network);
            return;
        }
        Map<String, HostTensor> weights = mapping.adaptWeights(init.weights(),
                TrainedModel.toHost(network.parameters()), UNet::isHeadParameter);
        Autograd.withoutGrad(() -> TrainedModel.copyToDevice(weights, network.parameters(), "the initial model"));
    }

    /** The optimiser's momentum buffers with the shapes of their parameters. */
    static LinkedHashMap<String, HostTensor> optimizerState(TrainingStep step, SegmentationNetwork network) {
        LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
        Map<String, NDArray> params = network.parameters();
        for (Map.Entry<String, float[]> e : step.optimiser().exportState().entrySet()) {
            NDArray p = params.get(e.getKey());
            long[] shape = p != null && p.size() == e.getValue().length ? p.getShape().getShape()
                    : new long[] {e.getValue().length};
            out.put(e.getKey(), new HostTensor(shape, e.getValue()));
        }
        return out;
    }

    private static Map<String, float[]> values(Map<String, HostTensor> tensors) {
        Map<String, float[]> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, v.data()));
        return out;
    }

    /** Seed of one epoch's training or validation batches, well mixed so neighbouring epochs differ. */
    static long epochSeed(long seed, int epoch, boolean validation) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 2L + (validation ? 1 : 0);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private TrainingMetadata metadata(EpochStats last, ModelSelection models, String selection,
            String stopReason, long seed, double seconds, Device device, ValidationSplit split, Schedule schedule) {
        return new TrainingMetadata(last == null ? 0 : last.epoch(), schedule.plannedEpochs(),
                schedule.epochLength(), last == null ? new double[0] : last.pseudoDice(),
                last == null ? Double.NaN : last.emaPseudoDice(), models.bestEma(), models.bestEpoch(), selection,
                stopReason, seed,
                seconds, Instant.now().toString(), device.toString(), split.training().size(),
                split.heldOut() ? split.validation().size() : 0, datasetSummary);
    }

    /** Names of the pseudo-Dice values: the regions of a region-based plan, else the foreground classes. */
    private List<String> scoreNames() {
        return plan.targets().scoreNames();
    }

    private List<String> caseNames() {
        return cases.stream().map(TrainingCase::name).toList();
    }

    private static List<TrainingCase> select(List<String> names, Map<String, TrainingCase> byName) {
        List<TrainingCase> out = new ArrayList<>();
        for (String n : names) {
            TrainingCase c = byName.get(n);
            if (c == null) {
                throw new InvalidInputException("the checkpoint was trained with case '" + n
                        + "', which is not among the given cases; resume with the same images and labels");
            }
            out.add(c);
        }
        return out;
    }

    private static TrainerState trainerState(Checkpoint c) {
        try {
            return JSON.treeToValue(c.trainerState(), TrainerState.class);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("the checkpoint's trainer state cannot be read: " + e.getOriginalMessage(),
                    e);
        }
    }

    private static String outputs(Targets t) {
        return t.regionBased() ? "the regions " + t.regions().format() : "classes";
    }

    private static TrainedModel previousBest(Path checkpoint) {
        Path best = checkpoint.toAbsolutePath().resolveSibling(BEST_MODEL);
        return Files.isRegularFile(best) ? TrainedModel.load(best) : null;
    }

    private static RuntimeException outOfMemoryOr(ai.djl.engine.EngineException e, Device device) {
        String m = String.valueOf(e.getMessage());
        if (m.toLowerCase(java.util.Locale.ROOT).contains("out of memory")) {
            return new InvalidInputException("out of memory on " + device + ": lower the batch size or the patch "
                    + "size, or train on another device", e);
        }
        return e;
    }

}
