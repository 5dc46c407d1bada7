package org.maskseg.core.predict;

import org.maskseg.core.InvalidInputException;

/**
 * Geometry of sliding-window prediction: where the windows go along each axis and how much each voxel
 * of a window counts when overlapping windows are blended. Both follow nnU-Net v2 exactly, except that
 * the importance map is kept in float32 (nnU-Net stores it in float16, which only changes the smallest
 * corner weights of large 3D patches).
 */
public final class SlidingWindow {

    /** nnU-Net's Gaussian width: sigma = patch size / 8 on each axis. */
    public static final double DEFAULT_SIGMA_SCALE = 1.0 / 8;

    private SlidingWindow() {
    }

    /**
     * Start positions of the windows along one axis. The number of windows is the smallest that keeps
     * consecutive windows at most {@code step * patch} apart, {@code ceil((size - patch) / (patch * step)) + 1},
     * and they are spread evenly from 0 to {@code size - patch}, each start rounded to the nearest integer
     * (ties to even, like numpy). Example: size 300, patch 128, step 0.5 gives 0, 57, 115, 172.
     *
     * @param size  image size along the axis, at least {@code patch} (pad smaller images first)
     * @param patch window size along the axis
     * @param step  distance between windows as a fraction of the patch, in (0, 1]
     */
    public static int[] windowStarts(long size, int patch, double step) {
        checkStep(step);
        if (patch < 1) {
            throw new IllegalArgumentException("patch size must be positive, got " + patch);
        }
        if (size < patch) {
            throw new IllegalArgumentException("size " + size + " is smaller than the patch " + patch + "; pad first");
        }
        long span = size - patch;
        int count = (int) Math.ceil(span / (patch * step)) + 1;
        int[] starts = new int[count];
        if (count == 1) {
            return starts;
        }
        double actualStep = (double) span / (count - 1);
        for (int i = 0; i < count; i++) {
            starts[i] = (int) Math.rint(actualStep * i);
        }
        return starts;
    }

    /** Rejects a step outside (0, 1] with a message naming the setting. */
    public static void checkStep(double step) {
        if (!(step > 0 && step <= 1)) {
            throw new InvalidInputException("step " + step + ": the window step is a fraction of the patch size and "
                    + "must lie in (0, 1]; 0.5 (half-overlapping windows) is nnU-Net's default");
        }
    }

    /**
     * The importance map used to blend overlapping windows: a separable Gaussian centred on voxel
     * {@code patch / 2} (integer division) of each axis with sigma = {@code sigmaScale * patch}, truncated
     * at 4 sigma like a Gaussian filter applied to a single impulse, scaled so that its maximum is 1. Voxels
     * beyond the truncation radius, whose weight would be 0, get the smallest non-zero weight instead, so
     * that every voxel of a window contributes.
     *
     * @param patch      window size, x first
     * @param sigmaScale sigma as a fraction of the patch size ({@link #DEFAULT_SIGMA_SCALE})
     * @return weights in C order ([z,] y, x)
     */
    public static float[] gaussianImportanceMap(int[] patch, double sigmaScale) {
        int dims = patch.length;
        double[][] axis = new double[dims][];
        long n = 1;
        for (int d = 0; d < dims; d++) {
            axis[d] = gaussian1d(patch[d], sigmaScale * patch[d]);
            n *= patch[d];
        }
        float[] map = new float[Math.toIntExact(n)];
        int[] idx = new int[dims];
        float minPositive = Float.MAX_VALUE;
        for (int i = 0; i < map.length; i++) {
            double v = 1;
            for (int d = 0; d < dims; d++) {
                v *= axis[d][idx[d]];
            }
            map[i] = (float) v;
            if (map[i] > 0 && map[i] < minPositive) {
                minPositive = map[i];
            }
            for (int d = 0; d < dims && ++idx[d] == patch[d]; d++) {
                idx[d] = 0;
            }
        }
        for (int i = 0; i < map.length; i++) {
            if (map[i] == 0) {
                map[i] = minPositive;
            }
        }
        return map;
    }

    /** exp(-x^2 / 2 sigma^2) around the centre, 1 at the centre, 0 beyond the truncation radius. */
    private static double[] gaussian1d(int size, double sigma) {
        double[] g = new double[size];
        int centre = size / 2;
        int radius = (int) (4 * sigma + 0.5);
        for (int i = 0; i < size; i++) {
            int x = i - centre;
            g[i] = Math.abs(x) > radius ? 0 : Math.exp(-(double) x * x / (2 * sigma * sigma));
        }
        return g;
    }

    /**
     * Padding before the image on one axis when the image is smaller than the window: the image is centred
     * in the padded extent (the extra voxel of an odd difference goes after it), as nnU-Net pads.
     */
    public static int paddingBefore(long size, int window) {
        return size >= window ? 0 : (int) ((window - size) / 2);
    }
}
