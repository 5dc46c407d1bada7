package org.maskseg.core.labels;

import org.maskseg.core.InvalidInputException;

/**
 * The values of canonical training labels when some classes are unknown at some voxels (partial labels).
 * <p>
 * With K classes (0 = background) the codes are:
 * <ul>
 * <li>0..K-1: the voxel belongs to that class, and so to no other (ordinary labels);</li>
 * <li>K: the voxel is not annotated at all (the canonical ignore value);</li>
 * <li>K + m, 0 &lt; m &lt; 2^(K-1) - 1: the voxel is "background or one of the unknown classes", where bit c-1 of
 * m is set for every foreground class c whose membership is unknown there. Every known class is absent.</li>
 * </ul>
 * A background voxel where every foreground class is unknown carries no information and is coded as K. A
 * voxel labelled with a class is fully known: labels are exclusive, so it belongs to no other class.
 * <p>
 * All codes are plain integers, so cropping, padding, nearest-neighbour resampling and augmentation carry
 * them through unchanged, exactly like the ignore value. Without partial labels only 0..K occur, and
 * everything behaves as before.
 */
public final class LabelCodes {

    /** Largest number of foreground classes that may be unknown per voxel (bits of the code). */
    public static final int MAX_PARTIAL_FOREGROUND = 16;

    private final int numClasses;

    /** @param numClasses K, classes including background */
    public LabelCodes(int numClasses) {
        if (numClasses < 2) {
            throw new InvalidInputException("at least two classes are needed, got " + numClasses);
        }
        this.numClasses = numClasses;
    }

    public int numClasses() {
        return numClasses;
    }

    /** The canonical ignore value, K. */
    public int ignore() {
        return numClasses;
    }

    /** Whether partial codes can be formed: K - 1 is at most {@link #MAX_PARTIAL_FOREGROUND}. */
    public boolean supportsPartial() {
        return numClasses - 1 <= MAX_PARTIAL_FOREGROUND;
    }

    /** Number of distinct codes: 0..numCodes-1 (K classes, the ignore value, the partial codes). */
    public int numCodes() {
        checkPartialSupported();
        return numClasses + (1 << (numClasses - 1)) - 1;
    }

    /** The bit mask with every foreground class set. */
    public int allForeground() {
        checkPartialSupported();
        return (1 << (numClasses - 1)) - 1;
    }

    /** Bit of foreground class c (1..K-1) in an unknown-class mask. */
    public static int bit(int foregroundClass) {
        return 1 << (foregroundClass - 1);
    }

    /**
     * The code of a background voxel where the classes in unknownMask are unknown: 0 when none is, the ignore
     * value when all are.
     */
    public int backgroundCode(int unknownMask) {
        int all = allForeground();
        if (unknownMask < 0 || (unknownMask & ~all) != 0) {
            throw new IllegalArgumentException("unknown-class mask " + unknownMask + " has bits beyond class "
                    + (numClasses - 1));
        }
        if (unknownMask == 0) {
            return 0;
        }
        return unknownMask == all ? numClasses : numClasses + unknownMask;
    }

    /** Whether v is one of the codes 0..numCodes-1. */
    public boolean isValid(int v) {
        return v >= 0 && (v <= numClasses || (supportsPartial() && v < numCodes()));
    }

    /** A known foreground class 1..K-1. */
    public boolean isForeground(int v) {
        return v >= 1 && v < numClasses;
    }

    /** A "background or unknown classes" code. */
    public boolean isPartial(int v) {
        return v > numClasses;
    }

    /** Whether the voxel carries any annotation (everything but the ignore value). */
    public boolean isAnnotated(int v) {
        return v != numClasses;
    }

    /** Mask of the foreground classes unknown at a voxel with code v (all for the ignore value). */
    public int unknownMask(int v) {
        if (v < numClasses) {
            return 0;
        }
        if (v == numClasses) {
            return supportsPartial() ? allForeground() : -1;
        }
        return v - numClasses;
    }

    /** Whether membership in class c is known at a voxel with code v. */
    public boolean known(int v, int c) {
        if (v < numClasses) {
            return true;
        }
        if (v == numClasses) {
            return false;
        }
        // background is never known at a partial voxel: the voxel may belong to an unknown class instead
        return c != 0 && (unknownMask(v) & bit(c)) == 0;
    }

    /** Whether class c is a possible true class of a voxel with code v (every class is, where ignored). */
    public boolean allowed(int v, int c) {
        if (v < numClasses) {
            return v == c;
        }
        if (v == numClasses) {
            return true;
        }
        return c == 0 || (unknownMask(v) & bit(c)) != 0;
    }

    /**
     * Row-major table (numCodes × K) of {@link #allowed}, 1 or 0, with the ignore value's row all 0 (ignored
     * voxels are excluded from the loss altogether rather than allowed everything).
     */
    public float[] allowedTable() {
        int n = numCodes();
        float[] t = new float[n * numClasses];
        for (int v = 0; v < n; v++) {
            for (int c = 0; c < numClasses; c++) {
                t[v * numClasses + c] = v != numClasses && allowed(v, c) ? 1f : 0f;
            }
        }
        return t;
    }

    /** Row-major table (numCodes × K) of {@link #known}, 1 or 0. */
    public float[] knownTable() {
        int n = numCodes();
        float[] t = new float[n * numClasses];
        for (int v = 0; v < n; v++) {
            for (int c = 0; c < numClasses; c++) {
                t[v * numClasses + c] = known(v, c) ? 1f : 0f;
            }
        }
        return t;
    }

    private void checkPartialSupported() {
        if (!supportsPartial()) {
            throw new InvalidInputException("partial labels support at most " + MAX_PARTIAL_FOREGROUND
                    + " foreground classes, the labels have " + (numClasses - 1));
        }
    }
}
