package org.maskseg.core.augment;

/**
 * Reusable work arrays for the transforms of one thread, so that producing a batch allocates nothing
 * once the arrays have grown to the patch size. Not thread-safe: one instance per worker thread.
 */
public final class AugmentationScratch {

    private final float[][] floats = new float[3][];

    /** Work array {@code slot} (0..2) with at least {@code length} elements; contents undefined. */
    float[] floats(int slot, int length) {
        float[] a = floats[slot];
        if (a == null || a.length < length) {
            a = new float[length];
            floats[slot] = a;
        }
        return a;
    }
}
