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
                for (int j = -r; j < 0; j++) {
                    line[j + r] = data[base + reflect(j, n)];
                }
                System.arraycopy(data, base, line, r, n);
                for (int j = n; j < n + r; j++) {
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
            int[] rows = new int[k.length];
            // The kernel centred in 9 taps, zero-padded; padded taps read row 0 with weight 0.
            float[] k9 = new float[9];
            if (k.length <= 9) {
                System.arraycopy(k, 0, k9, 4 - r, k.length);
            }
            int[] rows9 = new int[9];
            for (int o = 0; o < outer; o++) {
                int base = offset + o * n * stride;
                System.arraycopy(data, base, slab, 0, n * stride);
                for (int j = 0; j < n; j++) {
                    int dst = base + j * stride;
                    // Kernels up to 9 taps (sigma up to 1.1) get an unrolled loop: one write per output value.
                    if (k.length <= 9) {
                        convolveRows9(k9, rows9, j, r, n, stride, slab, data, dst);
                    } else {
                        for (int t = 0; t < k.length; t++) {
                            rows[t] = reflect(j + t - r, n) * stride;
                        }
                        int s0 = rows[0];
                        float w0 = k[0];
                        for (int i = 0; i < stride; i++) {
                            data[dst + i] = w0 * slab[s0 + i];
                        }
                        for (int t = 1; t < k.length; t++) {
                            float w = k[t];
                            int src = rows[t];
                            for (int i = 0; i < stride; i++) {
                                data[dst + i] += w * slab[src + i];
                            }
                        }
                    }
                }
            }
        }
    }

    private static void convolveRows9(float[] k, int[] rows, int j, int r, int n, int length, float[] slab,
            float[] data, int dst) {
        for (int t = 0; t < 9; t++) {
            int offset = t - 4;
            rows[t] = Math.abs(offset) <= r ? reflect(j + offset, n) * length : 0;
        }
        float k0 = k[0], k1 = k[1], k2 = k[2], k3 = k[3], k4 = k[4], k5 = k[5], k6 = k[6], k7 = k[7], k8 = k[8];
        int r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3], r4 = rows[4], r5 = rows[5], r6 = rows[6];
        int r7 = rows[7], r8 = rows[8];
        for (int i = 0; i < length; i++) {
            data[dst + i] = k0 * slab[r0 + i] + k1 * slab[r1 + i] + k2 * slab[r2 + i] + k3 * slab[r3 + i]
                    + k4 * slab[r4 + i] + k5 * slab[r5 + i] + k6 * slab[r6 + i] + k7 * slab[r7 + i]
                    + k8 * slab[r8 + i];
        }
    }
}
