package org.maskseg.core.augment;

import java.util.random.RandomGenerator;

/**
 * Gaussian smoothing: when the transform applies, each channel is blurred with probability
 * {@code perChannel}, with its own sigma per axis drawn uniformly from [sigmaMin, sigmaMax] (in voxels).
 * The kernel is truncated at 4 sigma; borders are mirrored (edge value repeated).
 */
public final class GaussianBlurTransform implements PatchTransform {

    private final double probability;
    private final double perChannel;
    private final double sigmaMin;
    private final double sigmaMax;

    public GaussianBlurTransform(double probability, double perChannel, double sigmaMin, double sigmaMax) {
        this.probability = probability;
        this.perChannel = perChannel;
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
    }

    @Override
    public void apply(PatchBuffer patch, RandomGenerator rng, AugmentationScratch scratch) {
        if (rng.nextDouble() >= probability) {
            return;
        }
        int[] size = patch.size();
        for (int c = 0; c < patch.channels(); c++) {
            if (rng.nextDouble() >= perChannel) {
                continue;
            }
            for (int axis = 0; axis < size.length; axis++) {
                double sigma = RandomRanges.uniform(rng, sigmaMin, sigmaMax);
                blur(patch.image(), patch.channelOffset(c), size, axis, sigma, scratch);
            }
        }
    }

    /** Normalised Gaussian weights for offsets -r..r, r = round(4 sigma). */
    static float[] kernel(double sigma) {
        int r = Math.max(1, (int) (4 * sigma + 0.5));
        float[] k = new float[2 * r + 1];
        double sum = 0;
        double[] w = new double[k.length];
        for (int i = -r; i <= r; i++) {
            w[i + r] = Math.exp(-0.5 * i * i / (sigma * sigma));
            sum += w[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) (w[i] / sum);
        }
        return k;
    }

    /** Mirrors index i into [0, n): -1 maps to 0, n to n-1 (the edge voxel is repeated). */
    static int reflect(int i, int n) {
        int period = 2 * n;
        int m = Math.floorMod(i, period);
        return m < n ? m : period - 1 - m;
    }

    /** Blurs one channel (data[offset ..], shape {@code size}, x first) along one axis, in place. */
    public static void blur(float[] data, int offset, int[] size, int axis, double sigma, AugmentationScratch scratch) {
        float[] k = kernel(sigma);
        int r = k.length / 2;
        int stride = 1;
        for (int a = 0; a < axis; a++) {
            stride *= size[a];
        }
        int n = size[axis];
        int total = 1;
        for (int s : size) {
            total *= s;
        }
        int outer = total / (stride * n);
        if (stride == 1) {
            // Rows are contiguous: pad one row at a time, then convolve.
            float[] line = scratch.floats(0, n + 2 * r);
            for (int o = 0; o < outer; o++) {
                int base = offset + o * n;
                for (int j = -r; j < n + r; j++) {
                    line[j + r] = data[base + reflect(j, n)];
                }
                for (int j = 0; j < n; j++) {
                    float v = 0;
                    for (int t = 0; t < k.length; t++) {
                        v += k[t] * line[j + t];
                    }
                    data[base + j] = v;
                }
            }
        } else {
            // Along y or z, whole rows of length `stride` are combined, which keeps the inner loop contiguous.
            float[] slab = scratch.floats(0, n * stride);
            for (int o = 0; o < outer; o++) {
                int base = offset + o * n * stride;
                System.arraycopy(data, base, slab, 0, n * stride);
                for (int j = 0; j < n; j++) {
                    int dst = base + j * stride;
                    java.util.Arrays.fill(data, dst, dst + stride, 0f);
                    for (int t = 0; t < k.length; t++) {
                        float w = k[t];
                        int src = reflect(j + t - r, n) * stride;
                        for (int i = 0; i < stride; i++) {
                            data[dst + i] += w * slab[src + i];
                        }
                    }
                }
            }
        }
    }
}
