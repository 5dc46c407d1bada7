package org.maskseg.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.predict.ModelPredictor;
import org.maskseg.core.predict.Prediction;
import org.maskseg.core.predict.PredictionSettings;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Sliding-window prediction throughput of MaskSeg's predictor for a case given on the command line, the
 * counterpart of {@code bench/reference/unet_reference.py predict} (run both with {@code bench/compare.sh}).
 * One whole prediction is z-score normalisation, windows at step 0.5 with Gaussian blending, argmax to labels
 * ({@link ModelPredictor#predict}); the reference is the same number of forward passes with the same batch
 * shapes on an input already on the device, nothing copied back. The network is randomly initialised.
 * <p>
 * Options (all optional): {@code --image 512,512} (x first) {@code --patch 128,128 --stages 5 --classes 3
 * --threads 2 --repeats 3 --batch-windows 4 --device cpu|gpu:N --case name}.
 * <p>
 * Ends with {@code BENCH <case> voxels_per_s=<image voxels / median whole time> seconds=... raw_seconds=...
 * overhead=<whole / raw> cpu_seconds=<process CPU time of a whole prediction, all threads>}.
 */
public final class PredictCompareBench {

    private PredictCompareBench() {
    }

    public static void main(String[] args) {
        int[] image = {512, 512};
        int[] patch = {128, 128};
        int stages = 5, classes = 3, threads = 2, repeats = 3, batchWindows = PredictionSettings.DEFAULT_BATCH_WINDOWS;
        String device = "cpu";
        String caseName = null;
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("options come in pairs: --name value");
        }
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--image" -> image = sizes(v);
                case "--patch" -> patch = sizes(v);
                case "--stages" -> stages = Integer.parseInt(v);
                case "--classes" -> classes = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--repeats" -> repeats = Integer.parseInt(v);
                case "--batch-windows" -> batchWindows = Integer.parseInt(v);
                case "--device" -> device = v;
                case "--case" -> caseName = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int dims = patch.length;
        if (image.length != dims || repeats < 1) {
            throw new IllegalArgumentException("--image and --patch need the same number of axes; --repeats >= 1");
        }
        for (int d = 1; d < dims; d++) {
            if (patch[d] != patch[0]) {
                throw new IllegalArgumentException("only square or cubic patches are supported, got "
                        + Arrays.toString(patch));
            }
        }
        if (caseName == null) {
            caseName = "predict_" + dims + "d";
        }
        TorchRuntime.setCpuThreads(threads);
        Plan plan = TrainStepBench.plan(dims, patch[0], 1, stages, classes);
        PredictionSettings settings = PredictionSettings.DEFAULTS.withBatchWindows(batchWindows);
        long[] size = Arrays.stream(image).asLongStream().toArray();
        double[] spacing = new double[dims];
        Arrays.fill(spacing, 1);
        ImageVolume volume = ImageVolume.create("bench", size, 1, spacing);
        Random r = new Random(1);
        float[] d = volume.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (100 + 20 * r.nextGaussian());
        }
        Device dev = TorchRuntime.device(device);
        try (NDManager manager = TorchRuntime.newManager(dev);
                PlainConvUNet net = PlainConvUNet.fromPlan(manager, plan, 1)) {
            ModelPredictor predictor = new ModelPredictor(net, plan, settings);
            long windows = predictor.windows().windowCount(size);
            System.out.printf(Locale.ROOT, "PyTorch %s (DJL) on %s, %d thread(s)%n", TorchRuntime.engine().getVersion(),
                    dev, threads);
            System.out.printf(Locale.ROOT, "%dD U-Net, %d stages, features %s; image %s (x first), patch %s, step %.2f, "
                    + "%d window(s) per pass%n", dims, stages, Arrays.toString(plan.network().features()),
                    Arrays.toString(image), Arrays.toString(patch), settings.step(), batchWindows);
            predictor.predict(volume, Prediction.Outputs.LABELS_ONLY, null); // warm-up: kernels, allocator, JIT
            int[] passes = passSizes(windows, batchWindows);
            double[] whole = new double[repeats];
            double[] raw = new double[repeats];
            double[] wholeCpu = new double[repeats];
            for (int k = 0; k < repeats; k++) {
                long c0 = TrainStepBench.processCpuNanos();
                long t0 = System.nanoTime();
                predictor.predict(volume, Prediction.Outputs.LABELS_ONLY, null);
                whole[k] = (System.nanoTime() - t0) / 1e9;
                wholeCpu[k] = (TrainStepBench.processCpuNanos() - c0) / 1e9;
                raw[k] = rawPasses(net, plan, passes);
            }
            double w = TrainStepBench.median(whole);
            double n = TrainStepBench.median(raw);
            double wc = TrainStepBench.median(wholeCpu);
            long voxels = volume.voxelsPerChannel();
            System.out.printf(Locale.ROOT, "%d windows in %d passes; whole prediction %.3f s (CPU %.3f s), network "
                    + "passes alone %.3f s (median of %d)%n", windows, passes.length, w, wc, n, repeats);
            System.out.printf(Locale.ROOT, "BENCH %s voxels_per_s=%.0f seconds=%.4f raw_seconds=%.4f overhead=%.3f "
                    + "cpu_seconds=%.4f%n", caseName, voxels / w, w, n, w / n, wc);
        }
    }

    private static int[] sizes(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

    /** Window counts per forward pass, as the predictor groups them. */
    private static int[] passSizes(long windows, int batch) {
        int passes = (int) ((windows + batch - 1) / batch);
        int[] sizes = new int[passes];
        for (int i = 0; i < passes; i++) {
            sizes[i] = (int) Math.min(batch, windows - (long) i * batch);
        }
        return sizes;
    }

    /** Seconds for inference forward passes of the given batch sizes on a device-resident random input. */
    private static double rawPasses(PlainConvUNet net, Plan plan, int[] passes) {
        long[] shape = passShape(plan, passes[0]);
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDScope scope = new NDScope(); NDManager sub = net.manager().newSubManager()) {
            scope.suppressNotUsedWarning();
            NDArray input = sub.randomNormal(new Shape(shape));
            input.getFloat(new long[shape.length]); // on the device before the clock starts
            long t0 = System.nanoTime();
            for (int i = 0; i < passes.length; i++) {
                try (NDScope pass = new NDScope()) {
                    pass.suppressNotUsedWarning();
                    NDArray x = passes[i] == shape[0] ? input : input.get("0:" + passes[i]);
                    NDArray logits = net.forward(x, false).get(0);
                    if (i == passes.length - 1) {
                        logits.getFloat(new long[shape.length]); // waits for all queued device work
                    }
                }
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** Input tensor shape (n, c, [z,] y, x) of one forward pass. */
    private static long[] passShape(Plan plan, int n) {
        int[] p = plan.patchSize();
        long[] s = new long[2 + p.length];
        s[0] = n;
        s[1] = plan.inputChannels();
        for (int a = 0; a < p.length; a++) {
            s[2 + a] = p[p.length - 1 - a];
        }
        return s;
    }
}
