package org.maskseg.core.train;

import java.util.Random;

import org.maskseg.core.CancellationToken;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.Batch;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.nn.UNet;
import org.maskseg.core.optim.TrainingStep;
import org.maskseg.core.plan.DeviceSizing;
import org.maskseg.core.plan.Plan;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

/**
 * Measures the seconds per training step of a plan's configurations on the device: builds the network, runs one
 * untimed warm-up step and then {@value #TIMED_STEPS} timed steps of forward pass, loss, backward pass and optimiser
 * update ({@link TrainingStep}, as training runs them) on synthetic data of the configuration's batch and patch size.
 * The measurements together stay within a time cap: a measurement with an estimate is declined (NaN, so that the
 * estimate stands) when its {@code 1 + }{@value #TIMED_STEPS} estimated steps do not fit into what is left of the
 * cap, and a timed step is only started while the time spent plus the last step fits into it. A measurement without
 * an estimate always runs its warm-up step; without time for a timed step it reports the warm-up step, which also
 * holds one-off costs and so overestimates. Every measurement frees what it allocated.
 */
final class DeviceProbe implements DeviceSizing.StepTimer {

    /** Timed steps per measurement, after one warm-up step. */
    static final int TIMED_STEPS = 2;

    private final Plan planned;
    private final Device device;
    private final Precision precision;
    private final double capSeconds;
    private final NDManager parent;
    private final CancellationToken cancellation;
    private double spentSeconds;

    /**
     * @param planned    the plan whose candidates are measured ({@link DeviceSizing#sizedPlan})
     * @param capSeconds the most all measurements may take (a measurement without an estimate excepted)
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
    public double secondsPerStep(DeviceSizing.Candidate candidate, double estimate) {
        if (!Double.isNaN(estimate) && spentSeconds + (1 + TIMED_STEPS) * estimate > capSeconds) {
            return Double.NaN;
        }
        cancellation.throwIfCancelled();
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
                UNet net = UNet.build(root, plan, 0);
                TrainingStep step = TrainingStep.forPlan(net, plan, precision)) {
            long t = System.nanoTime();
            step.run(batch, plan.training().initialLearningRate());
            double last = (System.nanoTime() - t) / 1e9;
            double warmUp = last;
            double timed = 0;
            int n = 0;
            while (n < TIMED_STEPS
                    && spentSeconds + (System.nanoTime() - start) / 1e9 + last <= capSeconds) {
                cancellation.throwIfCancelled();
                t = System.nanoTime();
                step.run(batch, plan.training().initialLearningRate());
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
        for (int p : plan.patchSize()) {
            voxels = Math.multiplyExact(voxels, p);
        }
        int n = plan.batchSize();
        Random r = new Random(seed);
        float[] image = new float[Math.multiplyExact(Math.multiplyExact(n, plan.inputChannels()), voxels)];
        int[] labels = new int[Math.multiplyExact(n, voxels)];
        int classes = plan.targets().numClasses();
        for (int i = 0; i < labels.length; i++) {
            labels[i] = r.nextInt(classes);
        }
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) r.nextGaussian();
        }
        return new Batch(image, labels, n, plan.inputChannels(), plan.patchSize());
    }
}
