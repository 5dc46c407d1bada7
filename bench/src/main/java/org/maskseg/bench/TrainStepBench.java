package org.maskseg.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.Batch;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.optim.TrainingStep;
import org.maskseg.core.plan.Plan;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

/**
 * Milliseconds per training step of nnU-Net's default U-Net through MaskSeg's engine: host batch to the
 * device, forward, deep-supervised masked Dice + CE loss, backward, gradient-norm clipping (12) and the
 * Nesterov SGD update (momentum 0.99, weight decay 3e-5), exactly as {@link TrainingStep#run} does in
 * training. The same case is timed in plain PyTorch by {@code bench/reference/unet_reference.py train};
 * {@code bench/compare.sh} runs both.
 * <p>
 * Options (all optional): {@code --dims 2|3 --size 128 --batch 2 --stages 5 --classes 3 --threads 2
 * --steps 20 --warmup 5 --device cpu|gpu:N --forward true|false --precision fp32|fp16|auto --case name}
 * (fp16: half-precision convolutions with dynamic loss scaling, as training with that setting). Features double
 * per stage from 32 (capped at 512 in 2D, 320 in 3D); every stage after the first halves each axis. With
 * {@code --forward true} (default) the forward pass alone is timed first as a reference for the cost of
 * the rest of the step.
 * <p>
 * Ends with {@code BENCH <case> ms_per_step=<median> voxels_per_s=<batch voxels / median> ...}.
 */
public final class TrainStepBench {

    private TrainStepBench() {
    }

    public static void main(String[] args) {
        int dims = 2, size = 128, batch = 2, stages = 5, classes = 3, threads = 2, steps = 20, warmup = 5;
        String device = "cpu";
        String caseName = null;
        boolean forwardReference = true;
        String precisionSetting = "fp32";
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("options come in pairs: --name value");
        }
        for (int i = 0; i < args.length; i += 2) {
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
                case "--forward" -> forwardReference = Boolean.parseBoolean(v);
                case "--case" -> caseName = v;
                case "--precision" -> precisionSetting = Precision.checkSetting(v, "--precision");
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("--steps must be at least 1 and --warmup not negative");
        }
        if (caseName == null) {
            caseName = "train_" + dims + "d";
        }
        TorchRuntime.setCpuThreads(threads);
        Plan plan = plan(dims, size, batch, stages, classes);
        Batch data = randomBatch(plan, new Random(1));
        Device dev = TorchRuntime.device(device);
        Precision precision = Precision.resolve(precisionSetting, dev);
        try (NDManager root = TorchRuntime.newManager(dev);
                PlainConvUNet net = PlainConvUNet.fromPlan(root, plan, 1);
                TrainingStep step = TrainingStep.forPlan(net, plan, precision)) {
            System.out.printf(Locale.ROOT, "PyTorch %s (DJL) on %s, %d thread(s), %s%n",
                    TorchRuntime.engine().getVersion(), dev, threads, precision == Precision.FP16
                            ? "fp16 mixed precision (loss scaling)" : "fp32");
            System.out.printf(Locale.ROOT, "%dD U-Net, %d stages, features %s, %,d parameters; batch %d, patch %s, "
                    + "%d classes%n", dims, stages, Arrays.toString(plan.network().features()), net.parameterCount(),
                    batch, Arrays.toString(plan.patchSize()), classes);
            double forward = forwardReference ? timeForward(net, data, warmup, steps) : Double.NaN;
            for (int i = 0; i < warmup; i++) {
                step.run(data, plan.training().initialLearningRate());
            }
            double[] t = new double[steps];
            long cpu0 = processCpuNanos();
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                step.run(data, plan.training().initialLearningRate());
                t[i] = (System.nanoTime() - t0) / 1e6;
            }
            double cpuPerStep = (processCpuNanos() - cpu0) / 1e6 / steps;
            double median = median(t);
            double mean = Arrays.stream(t).average().orElse(0);
            double min = Arrays.stream(t).min().orElse(0);
            if (forwardReference) {
                System.out.printf(Locale.ROOT, "forward only (reference): median %.1f ms; training step / forward %.2f%n",
                        forward, median / forward);
            }
            System.out.printf(Locale.ROOT, "training step: median %.1f ms, mean %.1f ms, min %.1f ms over %d steps "
                    + "(%d warm-up); CPU %.1f ms/step (all threads)%n", median, mean, min, steps, warmup, cpuPerStep);
            long voxels = (long) batch * (long) Math.pow(size, dims);
            System.out.printf(Locale.ROOT, "BENCH %s ms_per_step=%.2f voxels_per_s=%.0f mean_ms=%.2f min_ms=%.2f "
                    + "cpu_ms=%.2f parameters=%d%n", caseName, median, voxels / (median / 1e3), mean, min, cpuPerStep,
                    net.parameterCount());
        }
    }

    /** Median milliseconds of a training-mode forward pass (all heads) including the input copy. */
    private static double timeForward(PlainConvUNet net, Batch data, int warmup, int steps) {
        double[] t = new double[steps];
        for (int i = 0; i < warmup + steps; i++) {
            long t0 = System.nanoTime();
            try (NDScope scope = new NDScope(); NDManager m = net.manager().newSubManager()) {
                scope.suppressNotUsedWarning();
                NDArray x = m.create(data.images(), new Shape(data.imageShape()));
                NDArray logits = net.forward(x, true).get(0);
                logits.getFloat(new long[logits.getShape().dimension()]);
            }
            if (i >= warmup) {
                t[i - warmup] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return median(t);
    }

    /**
     * A plan for a cubic (or square) patch: stage 0 stride 1, every later stage stride 2 on every axis,
     * 3×3(×3) kernels, features min(32·2^s, 512 in 2D / 320 in 3D), deep supervision, nnU-Net's optimiser
     * settings, unit spacing and per-image z-score normalisation; the ignore value is the class count.
     */
    static Plan plan(int dims, int size, int batch, int stages, int classes) {
        int[] patchSize = new int[dims];
        Arrays.fill(patchSize, size);
        double[] targetSpacing = new double[dims];
        Arrays.fill(targetSpacing, 1);
        int[] features = new int[stages];
        int[][] strides = new int[stages][dims];
        int[][] kernelSizes = new int[stages][dims];
        for (int s = 0; s < stages; s++) {
            features[s] = Math.min(32 << s, dims == 3 ? 320 : 512);
            Arrays.fill(strides[s], s == 0 ? 1 : 2);
            Arrays.fill(kernelSizes[s], 3);
        }
        return Plan.builder()
                .configuration(dims == 3 ? "3d" : "2d")
                .targets(Targets.classes(new LabelSpec(classes, classes, null)))
                .batchSize(batch)
                .patchSize(patchSize)
                .targetSpacing(targetSpacing)
                .network(n -> n.numStages(stages).features(features).strides(strides).kernelSizes(kernelSizes))
                .build();
    }

    /** Standard-normal intensities; labels uniform over the classes with a tenth of the voxels ignored. */
    static Batch randomBatch(Plan plan, Random r) {
        int vox = 1;
        for (int s : plan.patchSize()) {
            vox *= s;
        }
        float[] img = new float[plan.batchSize() * plan.inputChannels() * vox];
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) r.nextGaussian();
        }
        int[] lab = new int[plan.batchSize() * vox];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = r.nextInt(10) == 0 ? plan.targets().numClasses() : r.nextInt(plan.targets().numClasses());
        }
        return new Batch(img, lab, plan.batchSize(), plan.inputChannels(), plan.patchSize());
    }

    /** CPU time of the whole process (all threads, libtorch's included). */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
