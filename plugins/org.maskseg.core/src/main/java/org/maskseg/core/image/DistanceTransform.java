package org.maskseg.core.image;

import java.util.Arrays;

/**
 * Exact squared Euclidean distance transform on an x-fastest grid of any dimension, with anisotropic
 * spacing, by the separable lower-envelope-of-parabolas algorithm of Felzenszwalb and Huttenlocher
 * (2012). Runs in time linear in the number of voxels per axis pass, independent of the distances.
 */
public final class DistanceTransform {

    private DistanceTransform() {
    }

    /**
     * For every voxel, the squared Euclidean distance (in the units of {@code spacing}) to the nearest
     * voxel where {@code feature} is true; 0 on features, {@link Double#POSITIVE_INFINITY} everywhere
     * when there is no feature.
     *
     * @param feature x-fastest mask, length = product of {@code size}
     * @param size    size per axis, x first
     * @param spacing distance between neighbouring voxel centres per axis, x first
     */
    public static double[] squared(boolean[] feature, int[] size, double[] spacing) {
        double[] d = new double[feature.length];
        squared(feature, size, spacing, d);
        return d;
    }

    /** As {@link #squared(boolean[], int[], double[])}, writing into {@code d} (same length as the mask). */
    public static void squared(boolean[] feature, int[] size, double[] spacing, double[] d) {
        int n = 1;
        for (int s : size) {
            n = Math.multiplyExact(n, s);
        }
        if (feature.length != n || d.length != n || spacing.length != size.length) {
            throw new IllegalArgumentException("mask length " + feature.length + ", output length " + d.length
                    + " or spacing " + spacing.length + " do not match size " + Arrays.toString(size));
        }
        for (int i = 0; i < n; i++) {
            d[i] = feature[i] ? 0 : Double.POSITIVE_INFINITY;
        }
        int maxLen = Arrays.stream(size).max().orElse(1);
        Scratch scratch = new Scratch(maxLen);
        int stride = 1;
        for (int axis = 0; axis < size.length; axis++) {
            int len = size[axis];
            int outer = n / (len * stride);
            double s = spacing[axis];
            for (int o = 0; o < outer; o++) {
                int base = o * len * stride;
                for (int in = 0; in < stride; in++) {
                    transformLine(d, base + in, stride, len, s, scratch);
                }
            }
            stride *= len;
        }
    }

    /** Work arrays for one line, reused across lines. */
    private static final class Scratch {
        final double[] f;
        final int[] v;
        final double[] z;

        Scratch(int len) {
            f = new double[len];
            v = new int[len];
            z = new double[len + 1];
        }
    }

    /**
     * One 1D pass: d(p) = min_q f(q) + (s (p - q))^2 over the line starting at {@code start} with the
     * given stride. Infinite f(q) contribute no parabola.
     */
    private static void transformLine(double[] d, int start, int stride, int len, double s, Scratch w) {
        double[] f = w.f;
        int[] v = w.v;
        double[] z = w.z;
        for (int q = 0; q < len; q++) {
            f[q] = d[start + q * stride];
        }
        int k = -1;
        for (int q = 0; q < len; q++) {
            if (f[q] == Double.POSITIVE_INFINITY) {
                continue;
            }
            double xq = q * s;
            if (k < 0) {
                k = 0;
                v[0] = q;
                z[0] = Double.NEGATIVE_INFINITY;
                z[1] = Double.POSITIVE_INFINITY;
                continue;
            }
            double sep;
            while (true) {
                double xv = v[k] * s;
                // abscissa where the parabola at q starts to lie below the one at v[k]
                sep = ((f[q] + xq * xq) - (f[v[k]] + xv * xv)) / (2 * (xq - xv));
                if (sep <= z[k]) { // z[0] is -infinity, so this stops at k = 0
                    k--;
                } else {
                    break;
                }
            }
            k++;
            v[k] = q;
            z[k] = sep;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        if (k < 0) {
            return; // no feature on this line: distances stay infinite
        }
        int j = 0;
        for (int p = 0; p < len; p++) {
            double xp = p * s;
            while (z[j + 1] < xp) {
                j++;
            }
            double dx = (p - v[j]) * s;
            d[start + p * stride] = f[v[j]] + dx * dx;
        }
    }
}
