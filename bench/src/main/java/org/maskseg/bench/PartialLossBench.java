package org.maskseg.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.labels.LabelCodes;
import org.maskseg.core.loss.MaskedDiceCeLoss;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * Cost of the partial-label loss: forward and backward pass of {@link MaskedDiceCeLoss} on the same logits,
 * <ul>
 * <li>{@code plain}: the ordinary loss on labels 0..K (what runs whenever no partial codes can occur);</li>
 * <li>{@code partial-on-plain}: the partial loss on the same labels;</li>
 * <li>{@code partial}: the partial loss on labels where a third of the voxels carry partial codes.</li>
 * </ul>
 * Cases: 2D batch 12 × 3 classes × 256², 3D batch 2 × 3 classes × 64³. Medians over repeated runs after
 * warm-up. Final lines: {@code RESULT partial_loss_2d plain_ms=… partial_ms=… ratio=<partial / plain>} and the
 * same for 3D. Usage: {@code bench/run.sh PartialLossBench [repeats, default 20]}
 */
public final class PartialLossBench {

    private PartialLossBench() {
    }

    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        TorchRuntime.engine();
        System.out.printf(Locale.ROOT, "PyTorch %s, %d host cores, %d threads, %d repeats%n",
                TorchRuntime.engine().getVersion(), Runtime.getRuntime().availableProcessors(),
                TorchRuntime.cpuThreads(), repeats);
        run("2d", new Shape(12, 3, 256, 256), repeats);
        run("3d", new Shape(2, 3, 64, 64, 64), repeats);
    }

    private static void run(String name, Shape logitShape, int repeats) {
        int k = (int) logitShape.get(1);
        Random r = new Random(1);
        int voxels = (int) (logitShape.size() / k);
        float[] logits = new float[(int) logitShape.size()];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) r.nextGaussian();
        }
        int[] plain = new int[voxels];
        int[] partial = new int[voxels];
        int numCodes = new LabelCodes(k).numCodes();
        for (int i = 0; i < voxels; i++) {
            plain[i] = r.nextInt(k + 1);
            partial[i] = r.nextInt(3) == 0 ? k + 1 + r.nextInt(numCodes - k - 1) : plain[i];
        }
        long[] ls = logitShape.getShape();
        long[] ys = new long[ls.length - 1];
        ys[0] = ls[0];
        System.arraycopy(ls, 2, ys, 1, ls.length - 2);
        Shape labelShape = new Shape(ys);
        try (NDManager manager = TorchRuntime.newManager(Device.cpu())) {
            double plainMs = median(manager, logits, logitShape, plain, labelShape, new MaskedDiceCeLoss(k, false),
                    repeats);
            double onPlainMs = median(manager, logits, logitShape, plain, labelShape,
                    new MaskedDiceCeLoss(k, false, true), repeats);
            double partialMs = median(manager, logits, logitShape, partial, labelShape,
                    new MaskedDiceCeLoss(k, false, true), repeats);
            System.out.printf(Locale.ROOT, "%s %s: plain %.1f ms, partial-on-plain %.1f ms, partial %.1f ms%n", name,
                    logitShape, plainMs, onPlainMs, partialMs);
            System.out.printf(Locale.ROOT, "RESULT partial_loss_%s plain_ms=%.1f partial_ms=%.1f ratio=%.2f%n", name,
                    plainMs, partialMs, partialMs / plainMs);
        }
    }

    private static double median(NDManager manager, float[] logits, Shape logitShape, int[] labels, Shape labelShape,
            MaskedDiceCeLoss loss, int repeats) {
        double[] ms = new double[repeats];
        for (int i = -3; i < repeats; i++) {
            try (NDScope scope = new NDScope(); NDManager m = manager.newSubManager()) {
                NDArray x = m.create(logits, logitShape);
                x.setRequiresGradient(true);
                NDArray y = m.create(labels, labelShape);
                long t0 = System.nanoTime();
                try (GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
                    NDArray l = loss.compute(x, y);
                    gc.backward(l);
                }
                x.getGradient().sum().getFloat(); // waits for the backward pass to finish
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        Arrays.sort(ms);
        return ms[repeats / 2];
    }
}
