package org.maskseg.core.predict;

import java.util.List;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.nn.Precision;

/**
 * How sliding-window prediction runs.
 *
 * @param step         distance between neighbouring windows as a fraction of the patch size, in (0, 1];
 *                     0.5 (nnU-Net's default) makes each voxel covered by about 2^d windows
 * @param mirroring    test-time augmentation: also predict every mirrored copy of each window (all 2^d
 *                     combinations of flipped spatial axes), flip the results back and average the logits;
 *                     2^d times slower, usually slightly more accurate
 * @param batchWindows how many windows go through the network in one forward pass; bounds device memory
 * @param precision    "auto" (fp16 network passes on a CUDA GPU, fp32 elsewhere), "fp32" or "fp16" (see
 *                     {@link Precision}); the Gaussian-weighted blending of windows, resampling and softmax are
 *                     always single precision
 * @param mirrorAxes   with mirroring, the spatial axes that may be flipped, in tensor order (0 = slowest axis:
 *                     z in 3D, y in 2D), as nnU-Net's trainers restrict them; null = every axis
 */
public record PredictionSettings(double step, boolean mirroring, int batchWindows, String precision,
        List<Integer> mirrorAxes) {

    public static final double DEFAULT_STEP = 0.5;
    public static final int DEFAULT_BATCH_WINDOWS = 4;

    /** nnU-Net's defaults except mirroring, which is off (it multiplies the cost by 4 in 2D, 8 in 3D). */
    public static final PredictionSettings DEFAULTS = new PredictionSettings(DEFAULT_STEP, false, DEFAULT_BATCH_WINDOWS);

    public PredictionSettings {
        mirrorAxes = mirrorAxes == null ? null : List.copyOf(mirrorAxes);
        SlidingWindow.checkStep(step);
        precision = Precision.checkSetting(precision, "precision");
        if (batchWindows < 1) {
            throw new InvalidInputException("batch windows " + batchWindows + ": at least one window per forward "
                    + "pass is needed");
        }
    }

    /** Mirroring, when on, along every axis. */
    public PredictionSettings(double step, boolean mirroring, int batchWindows, String precision) {
        this(step, mirroring, batchWindows, precision, null);
    }

    /** Settings with precision "auto"; mirroring, when on, along every axis. */
    public PredictionSettings(double step, boolean mirroring, int batchWindows) {
        this(step, mirroring, batchWindows, "auto");
    }

    public PredictionSettings withMirroring(boolean on) {
        return new PredictionSettings(step, on, batchWindows, precision, mirrorAxes);
    }

    public PredictionSettings withBatchWindows(int n) {
        return new PredictionSettings(step, mirroring, n, precision, mirrorAxes);
    }

    public PredictionSettings withPrecision(String p) {
        return new PredictionSettings(step, mirroring, batchWindows, p, mirrorAxes);
    }

    /** Mirroring restricted to these axes (tensor order); null = every axis. */
    public PredictionSettings withMirrorAxes(List<Integer> axes) {
        return new PredictionSettings(step, mirroring, batchWindows, precision, axes);
    }

    /** Whether mirroring may flip spatial axis d (tensor order). */
    public boolean mirrors(int d) {
        return mirrorAxes == null || mirrorAxes.contains(d);
    }
}
