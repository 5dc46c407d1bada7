package org.maskseg.bench;

import java.util.Arrays;
import java.util.Random;

import org.maskseg.core.data.Batch;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.optim.TrainingStep;
import org.maskseg.core.plan.Plan;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

/**
 * Milliseconds per training step (forward, deep-supervised masked loss, backward, clipping, Nesterov
 * SGD update) of nnU-Net's default U-Net, and of the forward pass alone as the reference in the same run.
 * <p>
 * Options (all optional): {@code --dims 2|3 --size 128 --batch 2 --stages 5 --classes 3 --threads 2
 * --steps 20 --warmup 5 --device cpu}. Features double per stage from 32 (capped at 512 in 2D, 320 in 3D);
 * every stage after the first halves each axis.
 */
public final class TrainStepBench {

    private TrainStepBench() {
    }

    public static void main(String[] args) {
        int dims = 2, size = 128, batch = 2, stages = 5, classes = 3, threads = 2, steps = 20, warmup = 5;
        String device = "cpu";
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--dims" -> dims = Integer.parseInt(v);
                case "--size" -> size = Integer.parseInt(v);
                case "--batch" -> batch = Integer.parseInt(v);
                case "--stages" -> stages = Integer.parseInt(v);
                case "--classes" -> classes = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--steps" -> steps = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--device" -> device = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        TorchRuntime.setCpuThreads(threads);
        Plan plan = plan(dims, size, batch, stages, classes);
        Batch data = randomBatch(plan, new Random(1));
        Device dev = TorchRuntime.device(device);
        try (NDManager root = TorchRuntime.newManager(dev);
                PlainConvUNet net = PlainConvUNet.fromPlan(root, plan, 1);
                TrainingStep step = TrainingStep.forPlan(net, plan)) {
            System.out.printf("%dD U-Net, %d stages, features %s, %,d parameters; batch %d, patch %s, %d classes, "
                    + "device %s, %d thread(s)%n", dims, stages, Arrays.toString(plan.network.features),
                    net.parameterCount(), batch, Arrays.toString(plan.patchSize), classes, dev, threads);
            double forward = timeForward(net, data, warmup, steps);
            for (int i = 0; i < warmup; i++) {
                step.run(data, 0.01);
            }
            double[] t = new double[steps];
            long cpu0 = processCpuNanos();
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                step.run(data, 0.01);
                t[i] = (System.nanoTime() - t0) / 1e6;
            }
            double cpuPerStep = (processCpuNanos() - cpu0) / 1e6 / steps;
            double trainMedian = median(t);
            System.out.printf("forward only (reference): median %.1f ms%n", forward);
            System.out.printf("training step:            median %.1f ms, mean %.1f ms, min %.1f ms over %d steps%n",
                    trainMedian, Arrays.stream(t).average().orElse(0), Arrays.stream(t).min().orElse(0), steps);
            System.out.printf("training step CPU time:   %.1f ms per step (all threads; less sensitive to other load)%n",
                    cpuPerStep);
            System.out.printf("ratio training step / forward: %.2f%n", trainMedian / forward);
        }
    }

    private static double timeForward(PlainConvUNet net, Batch data, int warmup, int steps) {
        double[] t = new double[steps];
        for (int i = 0; i < warmup + steps; i++) {
            long t0 = System.nanoTime();
            try (NDScope scope = new NDScope(); NDManager m = net.manager().newSubManager()) {
                NDArray x = m.create(data.images(), new Shape(data.imageShape()));
                net.forward(x, true).get(0).getFloat(0, 0, 0, 0);
            }
            if (i >= warmup) {
                t[i - warmup] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return median(t);
    }

    static Plan plan(int dims, int size, int batch, int stages, int classes) {
        Plan plan = new Plan();
        plan.configuration = dims == 3 ? "3d" : "2d";
        plan.numClasses = classes;
        plan.ignoreValue = classes;
        plan.batchSize = batch;
        plan.patchSize = new int[dims];
        Arrays.fill(plan.patchSize, size);
        plan.network.numStages = stages;
        plan.network.features = new int[stages];
        plan.network.strides = new int[stages][dims];
        plan.network.kernelSizes = new int[stages][dims];
        for (int s = 0; s < stages; s++) {
            plan.network.features[s] = Math.min(32 << s, dims == 3 ? 320 : 512);
            Arrays.fill(plan.network.strides[s], s == 0 ? 1 : 2);
            Arrays.fill(plan.network.kernelSizes[s], 3);
        }
        return plan;
    }

    /** Random intensities and labels with a tenth of the voxels ignored. */
    static Batch randomBatch(Plan plan, Random r) {
        int vox = 1;
        for (int s : plan.patchSize) {
            vox *= s;
        }
        float[] img = new float[plan.batchSize * plan.inputChannels * vox];
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) r.nextGaussian();
        }
        int[] lab = new int[plan.batchSize * vox];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = r.nextInt(10) == 0 ? plan.numClasses : r.nextInt(plan.numClasses);
        }
        return new Batch(img, lab, plan.batchSize, plan.inputChannels, plan.patchSize);
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
