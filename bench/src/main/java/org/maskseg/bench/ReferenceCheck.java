package org.maskseg.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.Batch;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.optim.TrainingStep;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.predict.PredictionSettings;
import org.maskseg.core.predict.SlidingWindowPredictor;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

/**
 * Checks that MaskSeg and the PyTorch reference ({@code bench/reference/unet_reference.py export}) compute the
 * same thing before their speeds are compared: loads the reference's weights and batch into MaskSeg's network,
 * compares the sliding-window logits of an image (windows, padding, Gaussian blending), then runs one training
 * step and compares the loss, the gradient norm and every parameter after the update.
 * <p>
 * Usage: {@code ReferenceCheck <folder written by unet_reference.py export>}. Prints one {@code CHECK} line
 * and exits with status 1 when the two differ by more than float32 rounding can explain.
 */
public final class ReferenceCheck {

    /** Relative tolerance of loss and gradient norm (float32 sums over a few thousand voxels). */
    private static final double SCALAR_TOLERANCE = 1e-4;
    /** Largest parameter difference after the step, relative to the largest update of any parameter. */
    private static final double UPDATE_TOLERANCE = 1e-3;

    private ReferenceCheck() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ReferenceCheck <folder written by unet_reference.py export>");
        }
        Path dir = Path.of(args[0]);
        int[] c = null;
        double refLoss = Double.NaN;
        double refNorm = Double.NaN;
        long[] predictSize = null;
        LinkedHashMap<String, Integer> counts = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(dir.resolve("case.txt"));
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            switch (f[0]) {
                case "case" -> c = new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                        Integer.parseInt(f[4]), Integer.parseInt(f[5])};
                case "loss" -> refLoss = Double.parseDouble(f[1]);
                case "gradient_norm" -> refNorm = Double.parseDouble(f[1]);
                case "param" -> counts.put(f[1], Integer.parseInt(f[2]));
                case "predict_image" -> {
                    predictSize = new long[f.length - 1];
                    for (int i = 1; i < f.length; i++) {
                        predictSize[f.length - 1 - i] = Long.parseLong(f[i]); // tensor order -> x first
                    }
                }
                default -> throw new IllegalArgumentException(dir.resolve("case.txt") + ": unexpected line '" + line + "'");
            }
        }
        if (c == null || predictSize == null) {
            throw new IllegalArgumentException(dir.resolve("case.txt") + ": no 'case' or 'predict_image' line");
        }
        int dims = c[0], size = c[1], batchSize = c[2], stages = c[3], classes = c[4];
        Plan plan = TrainStepBench.plan(dims, size, batchSize, stages, classes);
        float[] images = floats(dir.resolve("images.bin"));
        int[] labels = ints(dir.resolve("labels.bin"));
        Batch batch = new Batch(images, labels, batchSize, 1, plan.patchSize());
        Map<String, float[]> before = split(floats(dir.resolve("before.bin")), counts);
        Map<String, float[]> after = split(floats(dir.resolve("after.bin")), counts);

        TorchRuntime.setCpuThreads(1);
        try (NDManager root = TorchRuntime.newManager(Device.cpu());
                PlainConvUNet net = PlainConvUNet.fromPlan(root, plan, 1);
                TrainingStep step = TrainingStep.forPlan(net, plan)) {
            net.loadParameters(before);
            double[] spacing = new double[dims];
            java.util.Arrays.fill(spacing, 1);
            ImageVolume image = ImageVolume.wrap("check", floats(dir.resolve("predict_image.bin")), predictSize, 1,
                    spacing);
            float[] logits = new SlidingWindowPredictor(net, plan.patchSize(), PredictionSettings.DEFAULTS)
                    .predictLogits(image, null).data();
            float[] refLogits = floats(dir.resolve("predict_logits.bin"));
            double logitDiff = 0;
            double logitMax = 0;
            for (int i = 0; i < refLogits.length; i++) {
                logitDiff = Math.max(logitDiff, Math.abs(logits[i] - refLogits[i]));
                logitMax = Math.max(logitMax, Math.abs(refLogits[i]));
            }
            TrainingStep.Result r = step.run(batch, plan.training().initialLearningRate());
            Map<String, float[]> mine = net.exportParameters();
            double maxDiff = 0;
            double maxUpdate = 0;
            String worst = "";
            for (Map.Entry<String, float[]> e : after.entrySet()) {
                float[] ref = e.getValue();
                float[] got = mine.get(e.getKey());
                float[] start = before.get(e.getKey());
                for (int i = 0; i < ref.length; i++) {
                    double d = Math.abs(got[i] - ref[i]);
                    if (d > maxDiff) {
                        maxDiff = d;
                        worst = e.getKey();
                    }
                    maxUpdate = Math.max(maxUpdate, Math.abs(ref[i] - start[i]));
                }
            }
            double lossRel = Math.abs(r.loss() - refLoss) / Math.max(Math.abs(refLoss), 1e-12);
            double normRel = Math.abs(r.gradientNorm() - refNorm) / Math.max(Math.abs(refNorm), 1e-12);
            boolean ok = lossRel <= SCALAR_TOLERANCE && normRel <= SCALAR_TOLERANCE
                    && maxDiff <= UPDATE_TOLERANCE * maxUpdate && logits.length == refLogits.length
                    && logitDiff <= SCALAR_TOLERANCE * logitMax;
            System.out.printf(Locale.ROOT, "CHECK %dd %s loss maskseg=%.7f pytorch=%.7f rel_diff=%.2e; gradient norm "
                    + "maskseg=%.5f pytorch=%.5f rel_diff=%.2e; parameters after one step: max |diff| %.2e (%s), "
                    + "largest update %.2e; sliding-window logits of a %s image: max |diff| %.2e, largest |logit| "
                    + "%.2e%n", dims, ok ? "agree" : "DIFFER", r.loss(), refLoss, lossRel, r.gradientNorm(), refNorm,
                    normRel, maxDiff, worst, maxUpdate, java.util.Arrays.toString(predictSize), logitDiff, logitMax);
            if (!ok) {
                System.exit(1);
            }
        }
    }

    private static Map<String, float[]> split(float[] all, LinkedHashMap<String, Integer> counts) {
        LinkedHashMap<String, float[]> out = new LinkedHashMap<>();
        int offset = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            float[] v = new float[e.getValue()];
            System.arraycopy(all, offset, v, 0, v.length);
            offset += v.length;
            out.put(e.getKey(), v);
        }
        if (offset != all.length) {
            throw new IllegalArgumentException("parameter file holds " + all.length + " values, case.txt lists " + offset);
        }
        return out;
    }

    private static float[] floats(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }

    private static int[] ints(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[b.remaining() / 4];
        b.asIntBuffer().get(v);
        return v;
    }
}
