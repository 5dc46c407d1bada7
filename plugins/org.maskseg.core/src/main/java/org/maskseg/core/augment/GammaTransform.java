package org.maskseg.core.augment;

import java.util.random.RandomGenerator;

/**
 * Gamma correction per channel: values are mapped to [0, 1] by the channel's range, raised to a power
 * gamma from [lo, hi] (below 1 half of the time), mapped back, and then shifted and scaled so that the
 * channel keeps its mean and standard deviation. The inverted variant applies the curve to the negated
 * image (brightening dark values instead of bright ones).
 */
public final class GammaTransform implements PatchTransform {

    private final double probability;
    private final double lo;
    private final double hi;
    private final boolean invert;

    public GammaTransform(double probability, double lo, double hi, boolean invert) {
        this.probability = probability;
        this.lo = lo;
        this.hi = hi;
        this.invert = invert;
    }

    @Override
    public void apply(PatchBuffer patch, RandomGenerator rng, AugmentationScratch scratch) {
        if (rng.nextDouble() >= probability) {
            return;
        }
        for (int c = 0; c < patch.channels(); c++) {
            adjust(patch.image(), patch.channelOffset(c), patch.voxels(), RandomRanges.aroundOne(rng, lo, hi), invert);
        }
    }

    /**
     * With s = -1 if inverted else 1 and y = s·x: y' = ((y - min y) / max(range y, 1e-7))^gamma · range y
     * + min y, then y'' = (y' - mean y') / (std y' + 1e-8) · std y + mean y, and x = s·y''.
     */
    public static void adjust(float[] data, int offset, int length, double gamma, boolean invert) {
        int end = offset + length;
        float sign = invert ? -1 : 1;
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0, sumSq = 0;
        for (int i = offset; i < end; i++) {
            double v = sign * data[i];
            min = v < min ? v : min;
            max = v > max ? v : max;
            sum += v;
            sumSq += v * v;
        }
        double mean = sum / length;
        double std = sampleStd(sum, sumSq, length);
        double range = max - min;
        PowerTable power = new PowerTable(gamma);
        float fMin = (float) min, fRange = (float) range, inverseScale = (float) (1 / Math.max(range, 1e-7));
        double sum2 = 0, sumSq2 = 0;
        for (int i = offset; i < end; i++) {
            float x = (sign * data[i] - fMin) * inverseScale;
            float v = power.pow(x < 1f ? x : 1f) * fRange + fMin;
            data[i] = v;
            sum2 += v;
            sumSq2 += (double) v * v;
        }
        double mean2 = sum2 / length;
        double k = std / (sampleStd(sum2, sumSq2, length) + 1e-8);
        float a = (float) (sign * k);
        float b = (float) (sign * (mean - mean2 * k));
        for (int i = offset; i < end; i++) {
            data[i] = data[i] * a + b;
        }
    }

    /**
     * Sample standard deviation (n - 1) from the sum and the sum of squares, accumulated in double; the
     * values are normalised intensities, far from where this loses precision.
     */
    private static double sampleStd(double sum, double sumSq, int n) {
        if (n < 2) {
            return 0;
        }
        return Math.sqrt(Math.max(0, (sumSq - sum * sum / n) / (n - 1)));
    }
}
