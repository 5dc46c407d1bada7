package org.maskseg.core.image;

import java.util.Arrays;

import org.maskseg.core.InvalidInputException;

/** Shape arithmetic shared by images and labels. All sizes are x first. */
public final class VolumeShapes {

    private VolumeShapes() {
    }

    public static long voxels(long[] size) {
        long n = 1;
        for (long s : size) {
            if (s < 1) {
                throw new InvalidInputException("size " + Arrays.toString(size) + " has an empty axis");
            }
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    /** Java arrays hold at most 2^31 - 9 elements; larger volumes are refused with a clear message. */
    public static int checkedArrayLength(String name, long n) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("'" + name + "' is too large: " + n
                    + " values exceed what one array can hold (2^31); crop or downsample it first");
        }
        return (int) n;
    }

    static void checkSpacing(String name, long[] size, double[] spacing) {
        if (spacing.length != size.length) {
            throw new InvalidInputException("'" + name + "': spacing has " + spacing.length + " values for "
                    + size.length + " axes");
        }
        for (double s : spacing) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new InvalidInputException("'" + name + "': voxel spacing must be positive and finite, got "
                        + Arrays.toString(spacing));
            }
        }
    }

    /** Row-major strides of an x-fastest array: stride[0] = 1. */
    public static long[] strides(long[] size) {
        long[] st = new long[size.length];
        long s = 1;
        for (int d = 0; d < size.length; d++) {
            st[d] = s;
            s *= size[d];
        }
        return st;
    }

    /** The tensor shape of an x-first size: reversed, e.g. (x, y, z) becomes (z, y, x). */
    public static long[] tensorShape(long[] size) {
        long[] t = new long[size.length];
        for (int d = 0; d < size.length; d++) {
            t[d] = size[size.length - 1 - d];
        }
        return t;
    }

}
