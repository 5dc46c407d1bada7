package org.maskseg.core.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * U-Net depth, strides and kernel sizes for a patch size and voxel spacing, following the rules of
 * nnU-Net's topology search:
 * <ul>
 * <li>an axis is downsampled (stride 2) while its current size is at least 8, so the coarsest feature map
 * keeps at least 4 voxels per axis;</li>
 * <li>only axes whose current spacing is within a factor 2 of the finest current spacing are downsampled,
 * so a coarse (anisotropic) axis waits until the others have caught up;</li>
 * <li>when a single axis remains to be downsampled, it must still be at least 12 voxels long;</li>
 * <li>at most {@code maxPoolsPerAxis} downsamplings per axis;</li>
 * <li>the kernel of an axis is 1 while its spacing is at least twice the finest spacing and becomes 3 (for
 * good) once it is within that factor; the bottleneck always uses 3;</li>
 * <li>the patch size is rounded up to a multiple of 2^(downsamplings) per axis.</li>
 * </ul>
 *
 * @param poolsPerAxis number of stride-2 stages per axis, x first
 * @param strides      per stage, the stride of its first convolution (stage 0: all 1), x first
 * @param kernelSizes  per stage, the convolution kernel size, x first
 * @param patchSize    the input patch size rounded up to be divisible by {@link #divisor()}
 */
public record NetworkTopology(int[] poolsPerAxis, int[][] strides, int[][] kernelSizes, int[] patchSize) {

    /** Smallest edge length a feature map may have at the bottleneck. */
    public static final int MIN_FEATURE_MAP_EDGE = 4;

    public int numStages() {
        return strides.length;
    }

    /** Per axis, the value the patch size must be divisible by: 2^(downsamplings along the axis). */
    public int[] divisor() {
        return divisor(poolsPerAxis);
    }

    static int[] divisor(int[] pools) {
        int[] d = new int[pools.length];
        for (int a = 0; a < pools.length; a++) {
            d[a] = 1 << pools[a];
        }
        return d;
    }

    /** Computes the topology for a patch (x first) at the given spacing. */
    public static NetworkTopology of(double[] spacing, int[] patch, int maxPoolsPerAxis) {
        int dims = spacing.length;
        double[] currentSpacing = spacing.clone();
        double[] currentSize = new double[dims];
        for (int a = 0; a < dims; a++) {
            currentSize[a] = patch[a];
        }
        int[] pools = new int[dims];
        int[] kernel = new int[dims];
        Arrays.fill(kernel, 1);
        List<int[]> strides = new ArrayList<>();
        List<int[]> kernels = new ArrayList<>();
        strides.add(ones(dims));

        while (true) {
            double minValidSpacing = Double.POSITIVE_INFINITY;
            for (int a = 0; a < dims; a++) {
                if (currentSize[a] >= 2 * MIN_FEATURE_MAP_EDGE) {
                    minValidSpacing = Math.min(minValidSpacing, currentSpacing[a]);
                }
            }
            if (minValidSpacing == Double.POSITIVE_INFINITY) {
                break;
            }
            boolean[] pool = new boolean[dims];
            int poolCount = 0;
            int single = -1;
            for (int a = 0; a < dims; a++) {
                pool[a] = currentSize[a] >= 2 * MIN_FEATURE_MAP_EDGE && currentSpacing[a] / minValidSpacing < 2
                        && pools[a] < maxPoolsPerAxis;
                if (pool[a]) {
                    poolCount++;
                    single = a;
                }
            }
            if (poolCount == 0 || poolCount == 1 && currentSize[single] < 3 * MIN_FEATURE_MAP_EDGE) {
                break;
            }
            // The kernel of this stage: 3 along every axis that is (or once was) within 2x of the finest spacing.
            double minSpacing = Arrays.stream(currentSpacing).min().getAsDouble();
            for (int a = 0; a < dims; a++) {
                if (kernel[a] != 3 && currentSpacing[a] / minSpacing < 2) {
                    kernel[a] = 3;
                }
            }
            kernels.add(kernel.clone());
            int[] stride = new int[dims];
            for (int a = 0; a < dims; a++) {
                if (pool[a]) {
                    stride[a] = 2;
                    pools[a]++;
                    currentSpacing[a] *= 2;
                    currentSize[a] = Math.ceil(currentSize[a] / 2);
                } else {
                    stride[a] = 1;
                }
            }
            strides.add(stride);
        }
        int[] bottleneck = new int[dims];
        Arrays.fill(bottleneck, 3);
        kernels.add(bottleneck);

        int[] div = divisor(pools);
        int[] padded = new int[dims];
        for (int a = 0; a < dims; a++) {
            padded[a] = roundUp(patch[a], div[a]);
        }
        return new NetworkTopology(pools, strides.toArray(new int[0][]), kernels.toArray(new int[0][]), padded);
    }

    static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    private static int[] ones(int dims) {
        int[] o = new int[dims];
        Arrays.fill(o, 1);
        return o;
    }

    @Override
    public String toString() {
        return "NetworkTopology[pools=" + Arrays.toString(poolsPerAxis) + ", strides=" + Arrays.deepToString(strides)
                + ", kernels=" + Arrays.deepToString(kernelSizes) + ", patch=" + Arrays.toString(patchSize) + "]";
    }
}
