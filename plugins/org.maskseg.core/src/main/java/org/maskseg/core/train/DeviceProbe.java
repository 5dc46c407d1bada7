package org.maskseg.core.train;

import java.util.Random;
import java.util.function.ToDoubleFunction;

import org.maskseg.core.CancellationToken;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.Batch;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.optim.TrainingStep;
import org.maskseg.core.plan.DeviceSizing;
import org.maskseg.core.plan.Plan;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

/**
 * Measures the seconds per training step of a plan's configurations on the device: builds the network, runs one
 * untimed warm-up step and then {@value #TIMED_STEPS} timed steps of forward pass, loss, backward pass and optimiser
 * update ({@link TrainingStep}, as training runs them) on synthetic data of the configuration's batch and patch size.
 * All measurements together stay within a time cap: a timed step is only started while the time spent plus the
 * last step fits into it, and a measurement is only started while time is left (else it gives NaN, so that the
 * estimate stands). The first measurement always runs its warm-up step; without time for a timed step it reports
 * the warm-up step, which also holds one-off costs and so overestimates. Every measurement frees what it allocated.
 */
final class DeviceProbe implements ToDoubleFunction<DeviceSizing.Candidate> {

    /** Timed steps per measurement, after one warm-up step. */
    static final int TIMED_STEPS = 2;

    private final Plan planned;
    private final Device device;
    private final Precision precision;
    private final double capSeconds;
    private final NDManager parent;
    private final CancellationToken cancellation;
    private double spentSeconds;
    private int measurements;

    /**
     * @param planned    the plan whose candidates are measured ({@link DeviceSizing#sizedPlan})
     * @param capSeconds the most all measurements may take (the first warm-up step excepted)
     * @param parent     the manager to measure under, or null for a new one on the device
     */
    DeviceProbe(Plan planned, Device device, Precision precision, double capSeconds, NDManager parent,
            CancellationToken cancellation) {
        this.planned = planned;
        this.device = device;
        this.precision = precision;
        this.capSeconds = capSeconds;
        this.parent = parent;
        this.cancellation = cancellation == null ? CancellationToken.create() : cancellation;
    }

    @Override
    public double applyAsDouble(DeviceSizing.Candidate candidate) {
        if (measurements > 0 && spentSeconds >= capSeconds) {
            return Double.NaN;
        }
        cancellation.throwIfCancelled();
        measurements++;
        long start = System.nanoTime();
        try {
            return measure(DeviceSizing.sizedPlan(planned, candidate), start);
        } finally {
            spentSeconds += (System.nanoTime() - start) / 1e9;
        }
    }

    /** Seconds all measurements took so far. */
    double spentSeconds() {
        return spentSeconds;
    }

    private double measure(Plan plan, long start) {
        Batch batch = syntheticBatch(plan, 1);
        try (NDManager root = parent == null ? TorchRuntime.newManager(device) : parent.newSubManager(device);
                PlainConvUNet net = PlainConvUNet.fromPlan(root, plan, 0);
                TrainingStep step = TrainingStep.forPlan(net, plan, precision)) {
            long t = System.nanoTime();
            step.run(batch, plan.training.initialLearningRate);
            double last = (System.nanoTime() - t) / 1e9;
            double warmUp = last;
            double timed = 0;
            int n = 0;
            while (n < TIMED_STEPS
                    && spentSeconds + (System.nanoTime() - start) / 1e9 + last <= capSeconds) {
                cancellation.throwIfCancelled();
                t = System.nanoTime();
                step.run(batch, plan.training.initialLearningRate);
                last = (System.nanoTime() - t) / 1e9;
                timed += last;
                n++;
            }
            return n > 0 ? timed / n : warmUp;
        }
    }

    /** A batch of Gaussian noise with labels drawn uniformly from the plan's classes. */
    static Batch syntheticBatch(Plan plan, long seed) {
        int voxels = 1;
        for (int p : plan.patchSize) {
            voxels = Math.multiplyExact(voxels, p);
        }
        int n = plan.batchSize;
        Random r = new Random(seed);
        float[] image = new float[Math.multiplyExact(Math.multiplyExact(n, plan.inputChannels), voxels)];
        int[] labels = new int[Math.multiplyExact(n, voxels)];
        int classes = plan.targets.numClasses();
        for (int i = 0; i < labels.length; i++) {
            labels[i] = r.nextInt(classes);
        }
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) r.nextGaussian();
        }
        return new Batch(image, labels, n, plan.inputChannels, plan.patchSize);
    }
}
