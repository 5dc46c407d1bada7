package org.maskseg.core.augment;

import java.util.random.RandomGenerator;

import org.maskseg.core.image.ConnectedComponents;
import org.maskseg.core.image.LabelVolume;

/**
 * Random removal of connected components from the previous stage's one-hot channels of a cascade patch (nnU-Net's
 * transform of the same purpose): each foreground channel, in random order and with a probability per channel,
 * loses one of its connected components (full connectivity: diagonal contact joins), chosen uniformly among the
 * components smaller than a share of the patch, so that the full-resolution stage learns to find objects the
 * previous stage missed. The removed voxels become background in every channel.
 */
public final class PreviousStageComponentRemoval implements PatchTransform {

    private final int firstChannel;
    private final double probability;
    private final double perChannel;
    private final double maxShare;

    /**
     * @param firstChannel the first one-hot channel; the rest of the patch's channels are one-hot channels
     * @param probability  probability that the transform runs on a patch
     * @param perChannel   probability per channel, once it runs
     * @param maxShare     only components of fewer voxels than this share of the patch are removed
     */
    public PreviousStageComponentRemoval(int firstChannel, double probability, double perChannel, double maxShare) {
        this.firstChannel = firstChannel;
        this.probability = probability;
        this.perChannel = perChannel;
        this.maxShare = maxShare;
    }

    @Override
    public void apply(PatchBuffer patch, RandomGenerator rng, AugmentationScratch scratch) {
        if (!(rng.nextDouble() < probability)) {
            return;
        }
        for (int c : PreviousStageMorphology.shuffledChannels(firstChannel, patch.channels(), rng)) {
            if (rng.nextDouble() < perChannel) {
                removeOne(patch, c, maxShare, rng);
            }
        }
    }

    /**
     * Removes one component of channel {@code channel}, drawn uniformly from those with fewer voxels than
     * {@code maxShare} of the patch; nothing when there is none.
     *
     * @return the number of voxels removed
     */
    public static int removeOne(PatchBuffer patch, int channel, double maxShare, RandomGenerator rng) {
        int n = patch.voxels();
        float[] img = patch.image();
        int off = patch.channelOffset(channel);
        int[] mask = new int[n];
        boolean any = false;
        for (int v = 0; v < n; v++) {
            if (img[off + v] > 0.5f) {
                mask[v] = 1;
                any = true;
            }
        }
        if (!any) {
            return 0;
        }
        int[] size = patch.size();
        long[] lsize = new long[size.length];
        for (int a = 0; a < size.length; a++) {
            lsize[a] = size[a];
        }
        double[] spacing = new double[size.length];
        java.util.Arrays.fill(spacing, 1);
        ConnectedComponents cc = ConnectedComponents.of(LabelVolume.wrap("patch", mask, lsize, spacing), true);
        long[] sizes = cc.sizes();
        int[] candidates = new int[cc.count()];
        int k = 0;
        for (int id = 1; id <= cc.count(); id++) {
            if (sizes[id] < n * maxShare) {
                candidates[k++] = id;
            }
        }
        if (k == 0) {
            return 0;
        }
        int chosen = candidates[rng.nextInt(k)];
        int[] ids = cc.ids();
        int removed = 0;
        for (int v = 0; v < n; v++) {
            if (ids[v] == chosen) {
                img[off + v] = 0;
                removed++;
            }
        }
        return removed;
    }
}
