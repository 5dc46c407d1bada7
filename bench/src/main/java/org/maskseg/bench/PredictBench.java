package org.maskseg.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.nn.SegmentationNetwork;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.predict.ModelPredictor;
import org.maskseg.core.predict.Prediction;
import org.maskseg.core.predict.PredictionSettings;
import org.maskseg.core.preprocess.Preprocessor;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Prediction throughput of the sliding-window predictor with a randomly initialised U-Net, and the cost of
 * everything around the network: the whole prediction of an image (normalisation, window gathering,
 * Gaussian blending, argmax) divided by the time of exactly the forward passes it needs (same batch shapes,
 * same count), measured in the same run, alternating. Both wall-clock time ({@code overhead}) and process CPU
 * time ({@code overhead_cpu}, steadier on a shared machine) are reported.
 * <p>
 * Arguments (optional): {@code device} (auto, cpu, gpu:N), {@code repeats} (default 3; the median is kept).
 * Prints one {@code RESULT predict_2d ...} and one {@code RESULT predict_3d ...} line.
 */
public final class PredictBench {

    private PredictBench() {
    }

    public static void main(String[] args) {
        String deviceSetting = args.length > 0 ? args[0] : "auto";
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1");
        }
        Device device = TorchRuntime.device(deviceSetting);
        System.out.println("PyTorch " + TorchRuntime.engine().getVersion() + " on " + device + ", "
                + Runtime.getRuntime().availableProcessors() + " CPU cores");
        run("predict_2d", plan2d(), new long[] {384, 384}, device, repeats);
        run("predict_3d", plan3d(), new long[] {96, 96, 48}, device, repeats);
    }

    /** nnU-Net-like 2D plan: 128² patch, 5 stages, 32..512 features. */
    private static Plan plan2d() {
        return Plan.builder()
                .configuration("2d")
                .patchSize(128, 128)
                .targetSpacing(1, 1)
                .network(n -> n.deepSupervision(true))
                .build();
    }

    /** 3D plan: 48³ patch, 4 stages, 32..256 features. */
    private static Plan plan3d() {
        return Plan.builder()
                .configuration("3d")
                .patchSize(48, 48, 48)
                .targetSpacing(1, 1, 1)
                .network(n -> n.numStages(4)
                        .features(32, 64, 128, 256)
                        .strides(new int[][] {{1, 1, 1}, {2, 2, 2}, {2, 2, 2}, {2, 2, 2}})
                        .kernelSizes(new int[][] {{3, 3, 3}, {3, 3, 3}, {3, 3, 3}, {3, 3, 3}}))
                .build();
    }

    private static void run(String name, Plan plan, long[] size, Device device, int repeats) {
        PredictionSettings settings = PredictionSettings.DEFAULTS;
        double[] spacing = new double[size.length];
        Arrays.fill(spacing, 1);
        ImageVolume image = ImageVolume.create("bench", size, 1, spacing);
        Random r = new Random(1);
        float[] d = image.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (100 + 20 * r.nextGaussian());
        }
        try (NDManager manager = TorchRuntime.newManager(device)) {
            SegmentationNetwork net = PlainConvUNet.fromPlan(manager, plan, 42);
            ModelPredictor predictor = new ModelPredictor(net, plan, settings);
            long windows = predictor.windows().windowCount(size);
            int[] batches = batchSizes(windows, settings.batchWindows());
            // warm-up: one whole prediction (also loads kernels and sizes the allocator)
            predictor.predict(image, Prediction.Outputs.LABELS_ONLY, null);
            double[] whole = new double[repeats];
            double[] raw = new double[repeats];
            double[] wholeCpu = new double[repeats];
            double[] rawCpu = new double[repeats];
            // Alternate which of the two runs first, so that neither profits from the other's warm state.
            for (int k = 0; k < repeats; k++) {
                for (int order = 0; order < 2; order++) {
                    long c0 = cpuNanos();
                    long t0 = System.nanoTime();
                    if ((order + k) % 2 == 0) {
                        predictor.predict(image, Prediction.Outputs.LABELS_ONLY, null);
                        whole[k] = (System.nanoTime() - t0) / 1e9;
                        wholeCpu[k] = (cpuNanos() - c0) / 1e9;
                    } else {
                        raw[k] = rawPasses(net, plan, batches, firstWindow(image, plan));
                        rawCpu[k] = (cpuNanos() - c0) / 1e9;
                    }
                }
            }
            double w = median(whole);
            double n = median(raw);
            double wc = median(wholeCpu);
            double nc = median(rawCpu);
            long voxels = image.voxelsPerChannel();
            System.out.printf(Locale.ROOT, "%s: image %s, patch %s, %d windows in %d passes of <= %d; "
                    + "whole prediction %.3f s (CPU %.3f s), network passes alone %.3f s (CPU %.3f s), median of %d%n",
                    name, Arrays.toString(size), Arrays.toString(plan.patchSize()), windows, batches.length,
                    settings.batchWindows(), w, wc, n, nc, repeats);
            System.out.printf(Locale.ROOT, "RESULT %s voxels_per_s=%.0f overhead=%.3f overhead_cpu=%.3f%n", name,
                    voxels / w, w / n, wc / nc);
        }
    }

    /** Window counts per forward pass, as the predictor batches them. */
    private static int[] batchSizes(long windows, int batch) {
        int passes = (int) ((windows + batch - 1) / batch);
        int[] sizes = new int[passes];
        for (int i = 0; i < passes; i++) {
            sizes[i] = (int) Math.min(batch, windows - (long) i * batch);
        }
        return sizes;
    }

    /**
     * The first window of the normalised image (one channel), as the network sees it: the raw passes get
     * the same kind of data as the prediction, since the speed of some kernels depends on the values.
     */
    private static float[] firstWindow(ImageVolume image, Plan plan) {
        float[] data = Preprocessor.preprocessImage(image, plan).image().data();
        long[] size = image.spatialSize();
        int[] p = plan.patchSize();
        int px = p[0];
        int py = p[1];
        int pz = p.length > 2 ? p[2] : 1;
        float[] window = new float[px * py * pz];
        for (int z = 0; z < pz; z++) {
            for (int y = 0; y < py; y++) {
                System.arraycopy(data, (int) ((z * size[1] + y) * size[0]), window, (z * py + y) * px, px);
            }
        }
        return window;
    }

    /** Time of the forward passes alone, including copying inputs to the device and logits back. */
    private static double rawPasses(SegmentationNetwork net, Plan plan, int[] batches, float[] window) {
        int[] patch = plan.patchSize();
        long[] shape = new long[2 + patch.length];
        shape[1] = plan.inputChannels();
        for (int a = 0; a < patch.length; a++) {
            shape[2 + a] = patch[patch.length - 1 - a];
        }
        int windowVoxels = window.length;
        float[] host = new float[batches[0] * plan.inputChannels() * windowVoxels];
        for (int i = 0; i < host.length; i += windowVoxels) {
            System.arraycopy(window, 0, host, i, windowVoxels);
        }
        boolean grad = JniUtils.isGradMode();
        if (grad) {
            JniUtils.setGradMode(false);
        }
        try {
            long t0 = System.nanoTime();
            for (int n : batches) {
                shape[0] = n;
                try (NDScope scope = new NDScope(); NDManager sub = net.manager().newSubManager()) {
                    scope.suppressNotUsedWarning();
                    NDArray x = sub.create(Arrays.copyOf(host, n * plan.inputChannels() * windowVoxels),
                            new Shape(shape));
                    net.forward(x, false).get(0).toFloatArray();
                }
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            if (grad) {
                JniUtils.setGradMode(true);
            }
        }
    }

    /** CPU time of the whole process (all threads, libtorch's included). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
