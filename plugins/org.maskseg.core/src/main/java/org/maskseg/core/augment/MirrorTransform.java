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
        for (int a = 0; a < Math.min(axes.length, patch.dims()); a++) {
            if (axes[a] && rng.nextDouble() < probability) {
                flip(patch, a);
            }
        }
    }

    /** Reverses the patch (all channels and the labels) along one axis, in place. */
    public static void flip(PatchBuffer patch, int axis) {
        int stride = 1;
        for (int a = 0; a < axis; a++) {
            stride *= patch.size(a);
        }
        int n = patch.size(axis);
        int outer = patch.voxels() / (stride * n);
        float[] d = patch.image();
        int[] l = patch.labels();
        for (int c = 0; c < patch.channels(); c++) {
            int off = patch.channelOffset(c);
            for (int o = 0; o < outer; o++) {
                int block = off + o * stride * n;
                if (stride == 1) {
                    for (int i = block, j = block + n - 1; i < j; i++, j--) {
                        float t = d[i];
                        d[i] = d[j];
                        d[j] = t;
                    }
                    continue;
                }
                for (int i = 0, j = n - 1; i < j; i++, j--) {
                    int a = block + i * stride, b = block + j * stride;
                    for (int t = 0; t < stride; t++) {
                        float tmp = d[a + t];
                        d[a + t] = d[b + t];
                        d[b + t] = tmp;
                    }
                }
            }
        }
        for (int o = 0; o < outer; o++) {
            int block = patch.labelOffset() + o * stride * n;
            if (stride == 1) {
                for (int i = block, j = block + n - 1; i < j; i++, j--) {
                    int t = l[i];
                    l[i] = l[j];
                    l[j] = t;
                }
                continue;
            }
            for (int i = 0, j = n - 1; i < j; i++, j--) {
                int a = block + i * stride, b = block + j * stride;
                for (int t = 0; t < stride; t++) {
                    int tmp = l[a + t];
                    l[a + t] = l[b + t];
                    l[b + t] = tmp;
                }
            }
        }
    }
}
