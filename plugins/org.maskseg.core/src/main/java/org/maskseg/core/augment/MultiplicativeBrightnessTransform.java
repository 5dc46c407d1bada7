package org.maskseg.core.augment;

import java.util.random.RandomGenerator;

/** Multiplies each channel by its own factor from [lo, hi] (below 1 half of the time). */
public final class MultiplicativeBrightnessTransform implements PatchTransform {

    private final double probability;
    private final double lo;
    private final double hi;

    public MultiplicativeBrightnessTransform(double probability, double lo, double hi) {
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
            multiply(patch.image(), patch.channelOffset(c), patch.voxels(), (float) RandomRanges.aroundOne(rng, lo, hi));
        }
    }

    /** x = x · factor on data[offset, offset + length). */
    public static void multiply(float[] data, int offset, int length, float factor) {
        for (int i = offset; i < offset + length; i++) {
            data[i] *= factor;
        }
    }
}
