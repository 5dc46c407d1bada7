package org.maskseg.core.optim;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.Batch;
import org.maskseg.core.loss.DeepSupervisionLoss;
import org.maskseg.core.loss.SegmentationLoss;
import org.maskseg.core.nn.Autograd;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.nn.SegmentationNetwork;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.tensor.Tensors;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

/**
 * One optimisation step of a segmentation network on a batch: forward pass, deep-supervised masked loss,
 * backward pass, gradient-norm clipping, Nesterov SGD update, gradients reset. Everything the step
 * allocates on the device is freed before it returns, so native memory stays flat over any number of
 * steps.
 * <p>
 * PyTorch allows one gradient recording per process at a time; steps of different networks running on
 * different threads therefore take turns for their forward/backward part.
 */
public final class TrainingStep implements AutoCloseable {

    private static final Object RECORDING = new Object();

    private final SegmentationNetwork network;
    private final DeepSupervisionLoss loss;
    private final NesterovSgd optimiser;
    private final double gradientClip;
    private final Collection<NDArray> params;
    private final LossScaler scaler;

    /**
     * What a step did.
     *
     * @param loss         the loss before the update (unscaled)
     * @param gradientNorm the total gradient norm before clipping (unscaled; with loss scaling, the scaled norm
     *                     when the step overflowed)
     * @param updated      whether the parameters were updated
     * @param overflow     whether the loss scaler skipped the step because a half-precision gradient overflowed
     *                     (a normal event of mixed-precision training, not a failure)
     */
    public record Result(float loss, float gradientNorm, boolean updated, boolean overflow) {

        /** A result without loss scaling. */
        public Result(float loss, float gradientNorm, boolean updated) {
            this(loss, gradientNorm, updated, false);
        }
    }

    /**
     * @param network      the network to train
     * @param loss         the loss over its outputs
     * @param optimiser    the optimiser of the network's parameters; closed by {@link #close()}
     * @param gradientClip maximal total gradient norm (≤ 0: no clipping)
     */
    public TrainingStep(SegmentationNetwork network, DeepSupervisionLoss loss, NesterovSgd optimiser,
            double gradientClip) {
        this(network, loss, optimiser, gradientClip, null);
    }

    /**
     * @param network      the network to train
     * @param loss         the loss over its outputs
     * @param optimiser    the optimiser of the network's parameters; closed by {@link #close()}
     * @param gradientClip maximal total gradient norm (≤ 0: no clipping)
     * @param scaler       the dynamic loss scaler of a half-precision run, or null for none
     */
    public TrainingStep(SegmentationNetwork network, DeepSupervisionLoss loss, NesterovSgd optimiser,
            double gradientClip, LossScaler scaler) {
        this.scaler = scaler;
        this.network = network;
        this.loss = loss;
        this.optimiser = optimiser;
        this.gradientClip = gradientClip;
        this.params = network.parameters().values();
    }

    /**
     * Loss, optimiser and clipping as the plan sets them (nnU-Net's defaults unless overridden): the softmax
     * loss over classes, or the sigmoid loss over the plan's regions.
     */
    public static TrainingStep forPlan(SegmentationNetwork network, Plan plan) {
        return forPlan(network, plan, Precision.FP32);
    }

    /**
     * Like {@link #forPlan(SegmentationNetwork, Plan)} in the given precision: sets the network's precision and,
     * for {@link Precision#FP16}, scales the loss dynamically with a standard {@link LossScaler}.
     */
    public static TrainingStep forPlan(SegmentationNetwork network, Plan plan, Precision precision) {
        network.setPrecision(precision);
        DeepSupervisionLoss loss = new DeepSupervisionLoss(lossFor(plan));
        Plan.Training training = plan.training();
        NesterovSgd sgd = new NesterovSgd(network.parameters(), training.momentum(), training.weightDecay());
        return new TrainingStep(network, loss, sgd, training.gradientClip(),
                precision == Precision.FP16 ? new LossScaler() : null);
    }

    /** The loss scaler of a half-precision step, or null. */
    public LossScaler scaler() {
        return scaler;
    }

    /**
     * Keeps the named parameters fixed until the next call, and trains all others: frozen parameters take no
     * part in the backward pass, so they get no gradient, count nothing towards the clipped gradient norm, and
     * the optimiser neither moves them nor decays them nor accumulates momentum for them. Their momentum
     * buffers keep whatever they held when they were frozen.
     *
     * @param names parameter names of the network; empty to train everything
     * @throws IllegalArgumentException for a name the network does not have
     */
    public void freeze(Collection<String> names) {
        Map<String, NDArray> all = network.parameters();
        Set<String> frozen = new HashSet<>(names);
        for (String n : frozen) {
            if (!all.containsKey(n)) {
                throw new IllegalArgumentException("the network has no parameter '" + n + "'");
            }
        }
        Autograd.withoutGrad(() -> {
            for (Map.Entry<String, NDArray> e : all.entrySet()) {
                boolean trainable = !frozen.contains(e.getKey());
                if (e.getValue().hasGradient() != trainable) {
                    // a stale gradient of a frozen parameter is no longer visible (hasGradient is false) and was
                    // zeroed after the last step, so unfreezing starts its accumulation from zero
                    e.getValue().setRequiresGradient(trainable);
                }
            }
        });
    }

    /** Names of the parameters currently kept fixed by {@link #freeze}. */
    public Set<String> frozen() {
        Set<String> out = new TreeSet<>();
        network.parameters().forEach((n, p) -> {
            if (!p.hasGradient()) {
                out.add(n);
            }
        });
        return out;
    }

    /** The loss of one output for a plan's targets. */
    public static SegmentationLoss lossFor(Plan plan) {
        return SegmentationLoss.of(plan.targets(), plan.batchDice());
    }

    public NesterovSgd optimiser() {
        return optimiser;
    }

    public DeepSupervisionLoss loss() {
        return loss;
    }

    /**
     * Trains on one batch.
     *
     * With a loss scaler the backward pass starts from loss × scale; a step whose loss is finite but whose scaled
     * gradients are not is skipped as an overflow (the scaler halves its scale); otherwise the gradients are
     * divided by the scale before clipping and the update. A non-finite loss is a failure in either precision
     * (the scaler is not involved: scaling only affects the backward pass).
     *
     * @return the loss before the update, the total gradient norm before clipping, and whether the
     *         parameters were updated: a step whose loss or gradient is not finite changes nothing
     */
    public Result run(Batch batch, double learningRate) {
        checkBatch(batch);
        try (NDScope scope = new NDScope(); NDManager step = network.manager().newSubManager()) {
            NDArray x = Tensors.batchImages(step, batch);
            NDArray y = Tensors.batchLabels(step, batch, DataType.INT32);
            float value;
            double scale = scaler == null ? 1 : scaler.scale();
            synchronized (RECORDING) {
                try (GradientCollector gc = network.manager().getEngine().newGradientCollector()) {
                    NDList out = network.forward(x, true);
                    NDArray l = loss.compute(out, y);
                    gc.backward(scaler == null ? l : l.mul((float) scale));
                    value = l.getFloat();
                }
            }
            if (scaler != null) {
                return scaledUpdate(value, scale, learningRate);
            }
            float norm = gradientClip > 0 ? Gradients.clipTotalNorm(params, gradientClip) : Gradients.totalNorm(params);
            boolean finite = Float.isFinite(value) && Float.isFinite(norm);
            if (finite) {
                optimiser.step(learningRate);
            }
            return new Result(value, norm, finite);
        } catch (EngineException e) {
            throw explain(e, batch, "training step", network.manager().getDevice());
        } finally {
            // also after a failure part-way, so that no partial gradient leaks into the next step
            Gradients.zero(params);
        }
    }

    private Result scaledUpdate(float value, double scale, double learningRate) {
        float scaledNorm = Gradients.totalNorm(params);
        if (!Float.isFinite(value)) {
            return new Result(value, (float) (scaledNorm / scale), false, false);
        }
        if (!scaler.update(Float.isFinite(scaledNorm))) {
            return new Result(value, scaledNorm, false, true);
        }
        Gradients.scale(params, 1 / scale);
        float norm = gradientClip > 0 ? Gradients.clipTotalNorm(params, gradientClip) : Gradients.totalNorm(params);
        optimiser.step(learningRate);
        return new Result(value, norm, true, false);
    }

    /**
     * Result of {@link #validate}: the loss and the full-resolution decision per voxel (see
     * {@link SegmentationLoss#decide}: the class for class outputs, a bit mask of predicted regions for regions).
     */
    public record Validation(float loss, int[] prediction) {
    }

    /**
     * Evaluates a batch without recording gradients or changing anything: the (deep-supervised) loss as in
     * training, and the decision per voxel of the full-resolution output (the class of highest logit, or for
     * regions a bit mask with bit r set where σ of region r exceeds 0.5), C order (n, [z,] y, x) like
     * {@link Batch#labels()}.
     */
    public Validation validate(Batch batch) {
        checkBatch(batch);
        Validation[] result = new Validation[1];
        try {
            Autograd.withoutGrad(() -> {
                try (NDScope scope = new NDScope(); NDManager step = network.manager().newSubManager()) {
                    NDArray x = Tensors.batchImages(step, batch);
                    NDArray y = Tensors.batchLabels(step, batch, DataType.INT32);
                    NDList out = network.forward(x, true);
                    float value = loss.compute(out, y).getFloat();
                    int[] prediction = loss.base().decide(out.get(0)).toIntArray();
                    result[0] = new Validation(value, prediction);
                }
            });
        } catch (EngineException e) {
            throw explain(e, batch, "validation step", network.manager().getDevice());
        }
        return result[0];
    }

    /**
     * Turns the engine's out-of-memory failures (CUDA or host allocator) into a message that says what to
     * lower; other engine failures are returned unchanged.
     */
    static RuntimeException explain(EngineException e, Batch batch, String what, Device device) {
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (m.contains("out of memory") || m.contains("can't allocate memory")
                || m.contains("cannot allocate memory")) {
            return new InvalidInputException("out of memory on " + device + " during a " + what + " (batch size "
                    + batch.batchSize() + ", patch size " + Arrays.toString(batch.patchSize())
                    + "): lower the batch size or the patch size, use fewer network stages or features, or use a "
                    + "device with more memory", e);
        }
        return e;
    }

    private void checkBatch(Batch b) {
        if (b.channels() != network.inputChannels() || b.patchSize().length != network.spatialDims()) {
            throw new IllegalArgumentException("batch with " + b.channels() + " channel(s) and patch "
                    + Arrays.toString(b.patchSize()) + " does not fit a " + network.spatialDims() + "D network with "
                    + network.inputChannels() + " input channel(s)");
        }
    }

    /** Frees the optimiser state (the network stays open). */
    @Override
    public void close() {
        optimiser.close();
    }
}
