package org.maskseg.core.augment;

import java.util.random.RandomGenerator;

/**
 * Scales each channel's deviations from its mean by its own factor from [lo, hi] (below 1 half of the
 * time), keeping the mean, and clips the result to the channel's original value range.
 */
public final class ContrastTransform implements PatchTransform {

    private final double probability;
    private final double lo;
    private final double hi;

    public ContrastTransform(double probability, double lo, double hi) {
        this.probability = probability;
        this.lo = lo;
        this.hi = hi;
    }

    @Override
    public void apply(PatchBuffer patch, RandomGenerator rng, AugmentationScratch scratch) {
        if (rng.nextDouble() >= probability) {
            return;
        }
        for (int c = 0; c < patch.channels(); c++) {
            adjust(patch.image(), patch.channelOffset(c), patch.voxels(), RandomRanges.aroundOne(rng, lo, hi));
        }
    }

    /** x = clip((x - mean) · factor + mean, min, max) on data[offset, offset + length). */
    public static void adjust(float[] data, int offset, int length, double factor) {
        double sum = 0;
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (int i = offset; i < offset + length; i++) {
            float v = data[i];
            sum += v;
            min = v < min ? v : min;
            max = v > max ? v : max;
        }
        float f = (float) factor;
        float shift = (float) (sum / length * (1 - factor));
        for (int i = offset; i < offset + length; i++) {
            float v = data[i] * f + shift;
            data[i] = v < min ? min : v > max ? max : v;
        }
    }
}
