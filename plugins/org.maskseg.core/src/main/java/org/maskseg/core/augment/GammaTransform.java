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
        double sign = invert ? -1 : 1;
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int i = offset; i < end; i++) {
            double v = sign * data[i];
            min = v < min ? v : min;
            max = v > max ? v : max;
            sum += v;
        }
        double mean = sum / length;
        double std = std(data, offset, length, sign, mean);
        double range = max - min;
        double scale = Math.max(range, 1e-7);
        PowerTable power = new PowerTable(gamma);
        float fMin = (float) min, fRange = (float) range, inverseScale = (float) (1 / scale), fSign = (float) sign;
        double sum2 = 0;
        for (int i = offset; i < end; i++) {
            float x = (fSign * data[i] - fMin) * inverseScale;
            float v = power.pow(x < 1f ? x : 1f) * fRange + fMin;
            data[i] = v;
            sum2 += v;
        }
        double mean2 = sum2 / length;
        double std2 = std(data, offset, length, 1, mean2);
        float k = (float) (sign * std / (std2 + 1e-8));
        float shift = (float) (sign * (mean - mean2 * std / (std2 + 1e-8)));
        for (int i = offset; i < end; i++) {
            data[i] = data[i] * k + shift;
        }
    }

    /** Sample standard deviation (n - 1) of sign·data. */
    private static double std(float[] data, int offset, int length, double sign, double mean) {
        if (length < 2) {
            return 0;
        }
        double ss = 0;
        for (int i = offset; i < offset + length; i++) {
            double d = sign * data[i] - mean;
            ss += d * d;
        }
        return Math.sqrt(ss / (length - 1));
    }
}
