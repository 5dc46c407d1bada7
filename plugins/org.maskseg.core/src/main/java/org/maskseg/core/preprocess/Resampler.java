package org.maskseg.core.preprocess;

import java.util.Arrays;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.image.VolumeShapes;

/**
 * Resampling of images, label images and per-class maps between voxel grids. All sizes and spacings are x
 * first; data arrays are C-order (c, [z,] y, x) as in {@link ImageVolume}.
 * <p>
 * Both grids cover the same physical extent and voxel centres are aligned: output voxel j along an axis
 * samples the input at position (j + 0.5) · in / out − 0.5, clamped to the first and last input voxel.
 * Intensities are interpolated either linearly (bilinear in 2D, trilinear in 3D) or with cubic B-splines
 * (nnU-Net's default for images), in both cases separably, one axis after another. Cubic B-spline interpolation
 * first converts the samples into spline coefficients with the exact recursive prefilter (pole √3 − 2), after
 * extending each line by {@value #CUBIC_EDGE_PADDING} copies of its edge sample, so the spline passes through
 * every input sample and continues flat beyond the edges. Cubic results can over- and undershoot near sharp
 * edges. Class maps (probabilities, logits) are always interpolated linearly; labels take the nearest input
 * voxel, so no new label value can appear and the ignore value survives. Downsampling applies no smoothing.
 * When sizes are equal along every axis the data is copied unchanged.
 * <p>
 * Like nnU-Net, images and class maps of 3D volumes with one much coarser axis (thick slices) are resampled
 * by nearest neighbour along that axis and interpolated only within the slices; see {@link #separateAxis}.
 */
public final class Resampler {

    /** How intensities are interpolated along an axis. */
    public enum Interpolation {
        NEAREST, LINEAR, CUBIC;

        /** Parses the plan's image interpolation ("linear", "cubic"). */
        public static Interpolation of(String name) {
            if ("linear".equals(name)) {
                return LINEAR;
            }
            if ("cubic".equals(name)) {
                return CUBIC;
            }
            throw new InvalidInputException("image interpolation must be \"linear\" or \"cubic\", got '" + name + "'");
        }
    }

    /** Spacing ratio above which the coarse axis of a 3D volume is resampled by nearest neighbour. */
    public static final double ANISOTROPY_THRESHOLD = 3;

    /** Edge samples appended on each side of a line before the cubic prefilter. */
    public static final int CUBIC_EDGE_PADDING = 12;

    /** Pole of the cubic B-spline prefilter. */
    private static final double POLE = Math.sqrt(3) - 2;

    /** Columns processed together by the cubic filter (bounds its buffer). */
    private static final int CUBIC_BLOCK = 256;

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
        return resampleImage(image, newSize, newSpacing, Interpolation.LINEAR);
    }

    /**
     * Resamples an image (all channels) to a given size; the result has {@code newSpacing}. In a 3D image with
     * one much coarser axis (see {@link #separateAxis}) that axis uses nearest neighbour, the others
     * {@code interpolation}.
     */
    public static ImageVolume resampleImage(ImageVolume image, long[] newSize, double[] newSpacing,
            Interpolation interpolation) {
        float[] out = resample(image.data(), image.channels(), image.spatialSize(), newSize,
                perAxis(image.spacing(), newSpacing, interpolation));
        return ImageVolume.wrap(image.name(), out, newSize, image.channels(), newSpacing);
    }

    /**
     * The axis of a 3D volume that is resampled separately, by nearest neighbour, as nnU-Net does: when the
     * largest spacing exceeds 3 times the smallest, in the source grid or else in the target grid, and exactly
     * one axis has that largest spacing. Interpolating across thick slices would blend unrelated structures.
     *
     * @return the axis, or -1 when all axes are interpolated alike (always for 2D)
     */
    public static int separateAxis(double[] from, double[] to) {
        if (from.length != 3) {
            return -1;
        }
        int axis = singleCoarseAxis(from);
        return axis >= 0 ? axis : singleCoarseAxis(to);
    }

    private static int singleCoarseAxis(double[] spacing) {
        double max = Arrays.stream(spacing).max().getAsDouble();
        double min = Arrays.stream(spacing).min().getAsDouble();
        if (!(max > ANISOTROPY_THRESHOLD * min)) {
            return -1;
        }
        int axis = -1;
        for (int a = 0; a < spacing.length; a++) {
            if (spacing[a] == max) {
                if (axis >= 0) {
                    return -1;
                }
                axis = a;
            }
        }
        return axis;
    }

    /** The interpolation per axis: {@code interpolation}, except nearest along the {@link #separateAxis}. */
    public static Interpolation[] perAxis(double[] from, double[] to, Interpolation interpolation) {
        Interpolation[] modes = new Interpolation[from.length];
        Arrays.fill(modes, interpolation);
        int separate = separateAxis(from, to);
        if (separate >= 0) {
            modes[separate] = Interpolation.NEAREST;
        }
        return modes;
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
        Interpolation[] modes = new Interpolation[from.length];
        Arrays.fill(modes, Interpolation.LINEAR);
        return resample(data, channels, from, to, modes);
    }

    /**
     * Resampling of C-order (c, [z,] y, x) data with an interpolation per axis (x first), one axis after another.
     *
     * @return a new array of channels · prod(to) values
     */
    public static float[] resample(float[] data, int channels, long[] from, long[] to, Interpolation[] perAxis) {
        checkSizes(data.length, channels, from, to);
        if (perAxis.length != from.length) {
            throw new IllegalArgumentException(perAxis.length + " interpolation modes for " + from.length + " axes");
        }
        float[] current = data;
        long[] size = from.clone();
        for (int axis = 0; axis < from.length; axis++) {
            if (size[axis] != to[axis]) {
                current = perAxis[axis] == Interpolation.CUBIC
                        ? cubicAlongAxis(current, channels, size, axis, (int) to[axis])
                        : linearAlongAxis(current, channels, size, axis, (int) to[axis],
                                perAxis[axis] == Interpolation.NEAREST);
                size[axis] = to[axis];
            }
        }
        return current == data ? data.clone() : current;
    }

    /** Linear interpolation along one axis, or nearest neighbour (weight 0 on the nearest voxel). */
    private static float[] linearAlongAxis(float[] in, int channels, long[] size, int axis, int newLength,
            boolean nearest) {
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
        int[] nearestIndex = nearest ? nearestIndex(length, newLength) : null;
        for (int j = 0; j < newLength; j++) {
            if (nearest) {
                lo[j] = nearestIndex[j];
                hi[j] = lo[j];
                continue;
            }
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

    /**
     * Cubic B-spline resampling of C-order (c, [z,] y, x) data.
     *
     * @return a new array of channels · prod(to) values
     */
    public static float[] cubic(float[] data, int channels, long[] from, long[] to) {
        Interpolation[] modes = new Interpolation[from.length];
        Arrays.fill(modes, Interpolation.CUBIC);
        return resample(data, channels, from, to, modes);
    }

    private static float[] cubicAlongAxis(float[] in, int channels, long[] size, int axis, int newLength) {
        int length = (int) size[axis];
        int inner = 1;
        for (int a = 0; a < axis; a++) {
            inner *= (int) size[a];
        }
        long outer = channels;
        for (int a = axis + 1; a < size.length; a++) {
            outer *= size[a];
        }
        int pad = CUBIC_EDGE_PADDING;
        int padded = length + 2 * pad;
        // Per output position: first of the four coefficients and their weights.
        int[] first = new int[newLength];
        double[][] w = new double[newLength][4];
        double scale = (double) length / newLength;
        for (int j = 0; j < newLength; j++) {
            double x = (j + 0.5) * scale - 0.5 + pad;
            int i = (int) Math.floor(x);
            double t = x - i;
            first[j] = i - 1;
            double t2 = t * t;
            double t3 = t2 * t;
            double u = 1 - t;
            w[j][0] = u * u * u / 6;
            w[j][1] = (4 - 6 * t2 + 3 * t3) / 6;
            w[j][2] = (1 + 3 * t + 3 * t2 - 3 * t3) / 6;
            w[j][3] = t3 / 6;
        }
        float[] out = new float[VolumeShapes.checkedArrayLength("resampled image", outer * newLength * inner)];
        int block = Math.min(inner, CUBIC_BLOCK);
        double[] c = new double[padded * block];
        for (long o = 0; o < outer; o++) {
            int inBase = (int) (o * length * inner);
            int outBase = (int) (o * newLength * inner);
            for (int k0 = 0; k0 < inner; k0 += block) {
                int cols = Math.min(block, inner - k0);
                // c[p * cols + k]: line position p (padded), column k.
                for (int p = 0; p < padded; p++) {
                    int src = inBase + Math.min(Math.max(p - pad, 0), length - 1) * inner + k0;
                    for (int k = 0; k < cols; k++) {
                        c[p * cols + k] = in[src + k];
                    }
                }
                splineCoefficients(c, padded, cols);
                for (int j = 0; j < newLength; j++) {
                    int f = first[j];
                    double[] wj = w[j];
                    int dst = outBase + j * inner + k0;
                    for (int k = 0; k < cols; k++) {
                        double v = 0;
                        for (int q = 0; q < 4; q++) {
                            v += wj[q] * c[mirror(f + q, padded) * cols + k];
                        }
                        out[dst + k] = (float) v;
                    }
                }
            }
        }
        return out;
    }

    /** Whole-sample mirror of an index into [0, n). */
    private static int mirror(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * n - 2;
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }

    /**
     * In place: samples to cubic B-spline coefficients along the line axis of c (n positions × cols columns),
     * with mirror boundaries: gain 6, a causal and an anti-causal first-order recursion with the pole z.
     */
    static void splineCoefficients(double[] c, int n, int cols) {
        if (n == 1) {
            return;
        }
        double z = POLE;
        for (int i = 0; i < n * cols; i++) {
            c[i] *= 6;
        }
        for (int k = 0; k < cols; k++) {
            c[k] = initialCausal(c, n, cols, k, z);
        }
        for (int p = 1; p < n; p++) {
            for (int k = 0; k < cols; k++) {
                c[p * cols + k] += z * c[(p - 1) * cols + k];
            }
        }
        for (int k = 0; k < cols; k++) {
            int last = (n - 1) * cols + k;
            c[last] = z / (z * z - 1) * (z * c[last - cols] + c[last]);
        }
        for (int p = n - 2; p >= 0; p--) {
            for (int k = 0; k < cols; k++) {
                c[p * cols + k] = z * (c[(p + 1) * cols + k] - c[p * cols + k]);
            }
        }
    }

    /**
     * Start of the causal recursion: Σ z^p s[p], truncated where |z|^p drops below 1e-12. Lines are at least
     * 2 · {@value #CUBIC_EDGE_PADDING} + 1 = 25 long after padding, longer than that horizon (21), so the
     * truncation is the only approximation.
     */
    private static double initialCausal(double[] c, int n, int cols, int k, double z) {
        int horizon = Math.min(n, (int) Math.ceil(Math.log(1e-12) / Math.log(Math.abs(z))));
        double zn = z;
        double sum = c[k];
        for (int p = 1; p < horizon; p++) {
            sum += zn * c[p * cols + k];
            zn *= z;
        }
        return sum;
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
