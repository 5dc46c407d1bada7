package org.maskseg.core.preprocess;

import java.util.Arrays;

import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.image.VolumeShapes;

/**
 * Resampling of images, label images and per-class maps between voxel grids. All sizes and spacings are x
 * first; data arrays are C-order (c, [z,] y, x) as in {@link ImageVolume}.
 * <p>
 * Both grids cover the same physical extent and voxel centres are aligned: output voxel j along an axis
 * samples the input at position (j + 0.5) · in / out − 0.5, clamped to the first and last input voxel.
 * Intensities and class maps are interpolated linearly (bilinear in 2D, trilinear in 3D, computed one axis
 * after another); labels take the nearest input voxel, so no new label value can appear and the ignore value
 * survives. Downsampling applies no smoothing. When sizes are equal along every axis the data is copied
 * unchanged.
 */
public final class Resampler {

    private Resampler() {
    }

    /**
     * The size after resampling from {@code spacing} to {@code targetSpacing}: round(size · spacing / target)
     * per axis (halves to even, like numpy), at least 1. A target with fewer axes than the image (a 2D plan on 3D images) leaves the
     * remaining axes unchanged.
     */
    public static long[] sizeForSpacing(long[] size, double[] spacing, double[] targetSpacing) {
        double[] target = fullTargetSpacing(spacing, targetSpacing);
        long[] out = new long[size.length];
        for (int a = 0; a < size.length; a++) {
            out[a] = Math.max(1, (long) Math.rint(size[a] * spacing[a] / target[a]));
        }
        return out;
    }

    /** The target spacing extended to all axes of the image: axes beyond the target's keep their spacing. */
    public static double[] fullTargetSpacing(double[] spacing, double[] targetSpacing) {
        if (targetSpacing.length > spacing.length) {
            throw new IllegalArgumentException("target spacing " + Arrays.toString(targetSpacing) + " has more axes"
                    + " than the image spacing " + Arrays.toString(spacing));
        }
        double[] t = spacing.clone();
        System.arraycopy(targetSpacing, 0, t, 0, targetSpacing.length);
        return t;
    }

    /** Resamples an image (all channels, linear) to the target spacing. */
    public static ImageVolume resampleImage(ImageVolume image, double[] targetSpacing) {
        double[] spacing = image.spacing();
        return resampleImage(image, sizeForSpacing(image.spatialSize(), spacing, targetSpacing),
                fullTargetSpacing(spacing, targetSpacing));
    }

    /** Resamples an image (all channels, linear) to a given size; the result has {@code newSpacing}. */
    public static ImageVolume resampleImage(ImageVolume image, long[] newSize, double[] newSpacing) {
        float[] out = linear(image.data(), image.channels(), image.spatialSize(), newSize);
        return ImageVolume.wrap(image.name(), out, newSize, image.channels(), newSpacing);
    }

    /** Resamples labels (nearest neighbour) to a given size; the result has {@code newSpacing}. */
    public static LabelVolume resampleLabels(LabelVolume labels, long[] newSize, double[] newSpacing) {
        return LabelVolume.wrap(labels.name(), nearest(labels.data(), labels.size(), newSize), newSize, newSpacing);
    }

    /**
     * Linear resampling of C-order (c, [z,] y, x) data, for intensities, probabilities or logits.
     *
     * @return a new array of channels · prod(to) values
     */
    public static float[] linear(float[] data, int channels, long[] from, long[] to) {
        checkSizes(data.length, channels, from, to);
        float[] current = data;
        long[] size = from.clone();
        for (int axis = 0; axis < from.length; axis++) {
            if (size[axis] != to[axis]) {
                current = linearAlongAxis(current, channels, size, axis, (int) to[axis]);
                size[axis] = to[axis];
            }
        }
        return current == data ? data.clone() : current;
    }

    private static float[] linearAlongAxis(float[] in, int channels, long[] size, int axis, int newLength) {
        int length = (int) size[axis];
        int inner = 1;
        for (int a = 0; a < axis; a++) {
            inner *= (int) size[a];
        }
        long outer = channels;
        for (int a = axis + 1; a < size.length; a++) {
            outer *= size[a];
        }
        int[] lo = new int[newLength];
        int[] hi = new int[newLength];
        float[] w = new float[newLength];
        double scale = (double) length / newLength;
        for (int j = 0; j < newLength; j++) {
            double src = Math.min(Math.max((j + 0.5) * scale - 0.5, 0), length - 1);
            lo[j] = (int) Math.floor(src);
            hi[j] = Math.min(lo[j] + 1, length - 1);
            w[j] = (float) (src - lo[j]);
        }
        float[] out = new float[VolumeShapes.checkedArrayLength("resampled image", outer * newLength * inner)];
        for (long o = 0; o < outer; o++) {
            int inBase = (int) (o * length * inner);
            int outBase = (int) (o * newLength * inner);
            for (int j = 0; j < newLength; j++) {
                int a = inBase + lo[j] * inner;
                int b = inBase + hi[j] * inner;
                int dst = outBase + j * inner;
                float wj = w[j];
                for (int k = 0; k < inner; k++) {
                    float va = in[a + k];
                    out[dst + k] = va + (in[b + k] - va) * wj;
                }
            }
        }
        return out;
    }

    /** Nearest-neighbour resampling of a C-order ([z,] y, x) label array. */
    public static int[] nearest(int[] data, long[] from, long[] to) {
        checkSizes(data.length, 1, from, to);
        int dims = from.length;
        int[][] index = new int[dims][];
        for (int a = 0; a < dims; a++) {
            index[a] = nearestIndex((int) from[a], (int) to[a]);
        }
        long[] inStride = VolumeShapes.strides(from);
        int[] out = new int[VolumeShapes.checkedArrayLength("resampled labels", VolumeShapes.voxels(to))];
        int nx = (int) to[0];
        int ny = (int) to[1];
        int nz = dims == 3 ? (int) to[2] : 1;
        int p = 0;
        for (int z = 0; z < nz; z++) {
            long zOff = dims == 3 ? index[2][z] * inStride[2] : 0;
            for (int y = 0; y < ny; y++) {
                long yOff = zOff + index[1][y] * inStride[1];
                for (int x = 0; x < nx; x++) {
                    out[p++] = data[(int) (yOff + index[0][x])];
                }
            }
        }
        return out;
    }

    /** For each output position, the input voxel whose centre is nearest. */
    private static int[] nearestIndex(int length, int newLength) {
        int[] idx = new int[newLength];
        double scale = (double) length / newLength;
        for (int j = 0; j < newLength; j++) {
            idx[j] = (int) Math.min(length - 1, Math.floor((j + 0.5) * scale));
        }
        return idx;
    }

    private static void checkSizes(int dataLength, int channels, long[] from, long[] to) {
        if (from.length != to.length) {
            throw new IllegalArgumentException("cannot resample " + Arrays.toString(from) + " to "
                    + Arrays.toString(to) + ": different number of axes");
        }
        if (from.length != 2 && from.length != 3) {
            throw new IllegalArgumentException("only 2D and 3D data can be resampled, got " + Arrays.toString(from));
        }
        if ((long) dataLength != VolumeShapes.voxels(from) * channels) {
            throw new IllegalArgumentException("data length " + dataLength + " does not match " + channels
                    + " channels of " + Arrays.toString(from));
        }
        VolumeShapes.voxels(to);
    }
}
