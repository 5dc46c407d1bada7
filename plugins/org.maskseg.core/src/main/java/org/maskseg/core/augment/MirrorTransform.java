package org.maskseg.core.augment;

import java.util.random.RandomGenerator;

/** Flips image and labels along each allowed axis independently with the given probability. */
public final class MirrorTransform implements PatchTransform {

    private final double probability;
    private final boolean[] axes;

    /**
     * @param probability per-axis flip probability
     * @param axes        which spatial axes (x first) may be flipped
     */
    public MirrorTransform(double probability, boolean[] axes) {
        this.probability = probability;
        this.axes = axes.clone();
    }

    @Override
    public void apply(PatchBuffer patch, RandomGenerator rng, AugmentationScratch scratch) {
        boolean[] flips = new boolean[patch.dims()];
        boolean any = false;
        for (int a = 0; a < Math.min(axes.length, patch.dims()); a++) {
            flips[a] = axes[a] && rng.nextDouble() < probability;
            any |= flips[a];
        }
        if (any) {
            flip(patch, flips);
        }
    }

    /** Reverses the patch (all channels and the labels) along one axis, in place. */
    public static void flip(PatchBuffer patch, int axis) {
        boolean[] flips = new boolean[patch.dims()];
        flips[axis] = true;
        flip(patch, flips);
    }

    /**
     * Reverses the patch along all flagged axes at once, in place, in a single pass: every row is
     * swapped with its mirror row (element x with element px-1-x when x is flipped).
     */
    public static void flip(PatchBuffer patch, boolean[] flips) {
        int px = patch.size(0), py = patch.size(1), pz = patch.dims() == 3 ? patch.size(2) : 1;
        boolean fx = flips[0], fy = flips[1], fz = patch.dims() == 3 && flips[2];
        for (int z = 0; z < pz; z++) {
            int mz = fz ? pz - 1 - z : z;
            for (int y = 0; y < py; y++) {
                int my = fy ? py - 1 - y : y;
                int r = (z * py + y) * px;
                int m = (mz * py + my) * px;
                if (m < r) {
                    continue; // this pair was swapped from the other side
                }
                for (int c = 0; c < patch.channels(); c++) {
                    int off = patch.channelOffset(c);
                    swapRows(patch.image(), off + r, off + m, px, fx);
                }
                swapRows(patch.labels(), patch.labelOffset() + r, patch.labelOffset() + m, px, fx);
            }
        }
    }

    /** Exchanges rows a and b (reversing them when {@code reverse}); a == b reverses one row in place. */
    private static void swapRows(float[] d, int a, int b, int n, boolean reverse) {
        if (a == b) {
            if (reverse) {
                for (int i = a, j = a + n - 1; i < j; i++, j--) {
                    float t = d[i];
                    d[i] = d[j];
                    d[j] = t;
                }
            }
            return;
        }
        for (int x = 0; x < n; x++) {
            int j = reverse ? b + n - 1 - x : b + x;
            float t = d[a + x];
            d[a + x] = d[j];
            d[j] = t;
        }
    }

    private static void swapRows(int[] d, int a, int b, int n, boolean reverse) {
        if (a == b) {
            if (reverse) {
                for (int i = a, j = a + n - 1; i < j; i++, j--) {
                    int t = d[i];
                    d[i] = d[j];
                    d[j] = t;
                }
            }
            return;
        }
        for (int x = 0; x < n; x++) {
            int j = reverse ? b + n - 1 - x : b + x;
            int t = d[a + x];
            d[a + x] = d[j];
            d[j] = t;
        }
    }
}
