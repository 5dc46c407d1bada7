package org.maskseg.core.augment;

import java.util.random.RandomGenerator;

/**
 * Simulates a coarser acquisition: when the transform applies, each channel is, with probability
 * {@code perChannel}, downsampled by nearest neighbour to round(size · s) voxels per axis (one factor s
 * from [scaleMin, scaleMax] for all axes) and upsampled back by (bi/tri)linear interpolation (pixel
 * centres aligned, as in PyTorch's interpolate without align_corners). Labels are untouched.
 */
public final class LowResolutionTransform implements PatchTransform {

    private final double probability;
    private final double perChannel;
    private final double scaleMin;
    private final double scaleMax;
    private final boolean keepZ;

    public LowResolutionTransform(double probability, double perChannel, double scaleMin, double scaleMax) {
        this(probability, perChannel, scaleMin, scaleMax, false);
    }

    /**
     * @param keepZ leave the z axis of 3D patches at full resolution (in-plane augmentation)
     */
    public LowResolutionTransform(double probability, double perChannel, double scaleMin, double scaleMax,
            boolean keepZ) {
        this.probability = probability;
        this.perChannel = perChannel;
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.keepZ = keepZ;
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
            double s = RandomRanges.uniform(rng, scaleMin, scaleMax);
            int[] small = new int[size.length];
            for (int a = 0; a < size.length; a++) {
                small[a] = keepZ && a == 2 ? size[a] : Math.max(1, (int) Math.rint(size[a] * s));
            }
            degrade(patch.image(), patch.channelOffset(c), size, small, scratch);
        }
    }

    /** Nearest-neighbour downsampling of one channel to {@code small}, then linear upsampling back, in place. */
    public static void degrade(float[] data, int offset, int[] size, int[] small, AugmentationScratch scratch) {
        int dims = size.length;
        int total = 1;
        for (int s : size) {
            total *= s;
        }
        float[] a = scratch.floats(1, total);
        float[] b = scratch.floats(2, total);
        // Nearest-neighbour gather: small voxel j reads source index floor((j + 0.5) · n / m).
        int[][] pick = new int[dims][];
        for (int d = 0; d < dims; d++) {
            pick[d] = new int[small[d]];
            for (int j = 0; j < small[d]; j++) {
                pick[d][j] = Math.min(size[d] - 1, (int) Math.floor((j + 0.5) * size[d] / small[d]));
            }
        }
        int sz = dims == 3 ? small[2] : 1;
        int i = 0;
        for (int z = 0; z < sz; z++) {
            int zoff = dims == 3 ? pick[2][z] * size[0] * size[1] : 0;
            for (int y = 0; y < small[1]; y++) {
                int row = offset + zoff + pick[1][y] * size[0];
                for (int x = 0; x < small[0]; x++) {
                    a[i++] = data[row + pick[0][x]];
                }
            }
        }
        // Linear upsampling, one axis at a time (the interpolation is separable).
        int[] cur = small.clone();
        float[] src = a;
        float[] dst = b;
        for (int d = 0; d < dims; d++) {
            boolean last = d == dims - 1;
            resizeAxis(src, 0, last ? data : dst, last ? offset : 0, cur, d, size[d]);
            cur[d] = size[d];
            float[] t = src;
            src = dst;
            dst = t;
        }
    }

    /** Linear resampling of axis {@code axis} from cur[axis] to newLength voxels, centres aligned. */
    static void resizeAxis(float[] src, int srcOff, float[] dst, int dstOff, int[] cur, int axis, int newLength) {
        int stride = 1;
        for (int a = 0; a < axis; a++) {
            stride *= cur[a];
        }
        int n = cur[axis];
        int outer = 1;
        for (int a = axis + 1; a < cur.length; a++) {
            outer *= cur[a];
        }
        double ratio = (double) n / newLength;
        if (stride == 1) {
            // Along x: rows are short and contiguous, so precompute the two sources and weight per output.
            int[] lo = new int[newLength];
            int[] hi = new int[newLength];
            float[] wt = new float[newLength];
            for (int j = 0; j < newLength; j++) {
                double pos = Math.max(0, (j + 0.5) * ratio - 0.5);
                lo[j] = Math.min((int) pos, n - 1);
                hi[j] = Math.min(lo[j] + 1, n - 1);
                wt[j] = (float) (pos - lo[j]);
            }
            for (int o = 0; o < outer; o++) {
                int s = srcOff + o * n;
                int t = dstOff + o * newLength;
                for (int j = 0; j < newLength; j++) {
                    float a = src[s + lo[j]];
                    dst[t + j] = a + wt[j] * (src[s + hi[j]] - a);
                }
            }
            return;
        }
        for (int j = 0; j < newLength; j++) {
            double pos = Math.max(0, (j + 0.5) * ratio - 0.5);
            int i0 = Math.min((int) pos, n - 1);
            int i1 = Math.min(i0 + 1, n - 1);
            float w = (float) (pos - i0);
            float w0 = 1 - w;
            for (int o = 0; o < outer; o++) {
                int s0 = srcOff + (o * n + i0) * stride;
                int s1 = srcOff + (o * n + i1) * stride;
                int t = dstOff + (o * newLength + j) * stride;
                for (int i = 0; i < stride; i++) {
                    dst[t + i] = w0 * src[s0 + i] + w * src[s1 + i];
                }
            }
        }
    }
}
