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
            flip(patch, flips, scratch);
        }
    }

    /** Reverses the patch (all channels and the labels) along one axis, in place. */
    public static void flip(PatchBuffer patch, int axis) {
        boolean[] flips = new boolean[patch.dims()];
        flips[axis] = true;
        flip(patch, flips, new AugmentationScratch());
    }

    /**
     * Reverses the patch along all flagged axes at once (one copy and one pass instead of a pass per
     * axis), in place.
     */
    public static void flip(PatchBuffer patch, boolean[] flips, AugmentationScratch scratch) {
        int px = patch.size(0), py = patch.size(1), pz = patch.dims() == 3 ? patch.size(2) : 1;
        boolean fx = flips[0], fy = flips[1], fz = patch.dims() == 3 && flips[2];
        int vox = patch.voxels();
        float[] tmp = scratch.floats(0, vox);
        for (int c = 0; c < patch.channels(); c++) {
            float[] d = patch.image();
            int off = patch.channelOffset(c);
            System.arraycopy(d, off, tmp, 0, vox);
            for (int z = 0; z < pz; z++) {
                int sz = fz ? pz - 1 - z : z;
                for (int y = 0; y < py; y++) {
                    int src = (sz * py + (fy ? py - 1 - y : y)) * px;
                    int dst = off + (z * py + y) * px;
                    if (fx) {
                        for (int x = 0, r = src + px - 1; x < px; x++, r--) {
                            d[dst + x] = tmp[r];
                        }
                    } else {
                        System.arraycopy(tmp, src, d, dst, px);
                    }
                }
            }
        }
        int[] l = patch.labels();
        int[] lt = scratch.ints(vox);
        int off = patch.labelOffset();
        System.arraycopy(l, off, lt, 0, vox);
        for (int z = 0; z < pz; z++) {
            int sz = fz ? pz - 1 - z : z;
            for (int y = 0; y < py; y++) {
                int src = (sz * py + (fy ? py - 1 - y : y)) * px;
                int dst = off + (z * py + y) * px;
                if (fx) {
                    for (int x = 0, r = src + px - 1; x < px; x++, r--) {
                        l[dst + x] = lt[r];
                    }
                } else {
                    System.arraycopy(lt, src, l, dst, px);
                }
            }
        }
    }
}
