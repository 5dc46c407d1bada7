package org.maskseg.core.augment;

import java.util.random.RandomGenerator;

/**
 * Adds zero-mean Gaussian noise to all channels. The noise strength is drawn uniformly from
 * [0, maxStrength] and, as in nnU-Net (whose range is called a variance), used as the standard deviation.
 */
public final class GaussianNoiseTransform implements PatchTransform {

    private final double probability;
    private final double maxStrength;

    public GaussianNoiseTransform(double probability, double maxStrength) {
        this.probability = probability;
        this.maxStrength = maxStrength;
    }

    @Override
    public void apply(PatchBuffer patch, RandomGenerator rng, AugmentationScratch scratch) {
        if (rng.nextDouble() >= probability) {
            return;
        }
        double std = RandomRanges.uniform(rng, 0, maxStrength);
        float[] d = patch.image();
        int from = patch.imageOffset();
        int to = from + patch.voxels() * patch.channels();
        for (int i = from; i < to; i++) {
            d[i] += (float) (std * rng.nextGaussian());
        }
    }
}
