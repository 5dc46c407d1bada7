package org.maskseg.core.augment;

import java.util.random.RandomGenerator;

import org.maskseg.core.image.DistanceTransform;

/**
 * Random morphology on the previous stage's one-hot channels of a cascade patch (nnU-Net's random binary operator):
 * so that the full-resolution stage learns not to copy the low-resolution segmentation, each foreground channel, in
 * random order and with a probability per channel, is dilated, eroded, opened or closed (one of the four, equally
 * likely) with a ball (a disk in 2D) of a random radius r: the voxels at most r voxels from the centre. Voxels a
 * channel gains are removed from the other channels, so that a voxel stays in at most one class.
 * <p>
 * Dilation by that ball keeps exactly the voxels whose squared Euclidean distance to the mask is at most r², so it
 * is computed with an exact distance transform in time linear in the patch voxels, whatever the radius; erosion is
 * the complement of the dilated complement. Outside the patch counts as neither inside nor outside the mask: the
 * patch border neither grows nor erodes a mask.
 */
public final class PreviousStageMorphology implements PatchTransform {

    /** The four operators, in the order in which a random draw picks them. */
    public enum Operator {
        DILATION, EROSION, CLOSING, OPENING
    }

    private final int firstChannel;
    private final double probability;
    private final double perChannel;
    private final double radiusMin;
    private final double radiusMax;

    /**
     * @param firstChannel the first one-hot channel (the image channels come before it); the rest of the patch's
     *                     channels are one-hot channels
     * @param probability  probability that the transform runs on a patch
     * @param perChannel   probability per channel, once it runs
     * @param radiusMin    smallest ball radius in voxels
     * @param radiusMax    largest ball radius in voxels (radii are uniform in between)
     */
    public PreviousStageMorphology(int firstChannel, double probability, double perChannel, double radiusMin,
            double radiusMax) {
        this.firstChannel = firstChannel;
        this.probability = probability;
        this.perChannel = perChannel;
        this.radiusMin = radiusMin;
        this.radiusMax = radiusMax;
    }

    @Override
    public void apply(PatchBuffer patch, RandomGenerator rng, AugmentationScratch scratch) {
        if (!(rng.nextDouble() < probability)) {
            return;
        }
        int[] order = shuffledChannels(firstChannel, patch.channels(), rng);
        for (int c : order) {
            if (!(rng.nextDouble() < perChannel)) {
                continue;
            }
            Operator op = Operator.values()[rng.nextInt(4)];
            double radius = RandomRanges.uniform(rng, radiusMin, radiusMax);
            apply(patch, firstChannel, c, op, radius);
        }
    }

    /**
     * Applies one operator to channel {@code channel} of the patch and removes the voxels it gains from the other
     * one-hot channels (those from {@code firstChannel} on).
     */
    public static void apply(PatchBuffer patch, int firstChannel, int channel, Operator op, double radius) {
        int n = patch.voxels();
        float[] img = patch.image();
        int off = patch.channelOffset(channel);
        boolean[] mask = new boolean[n];
        for (int v = 0; v < n; v++) {
            mask[v] = img[off + v] > 0.5f;
        }
        boolean[] result = apply(mask, patch.size(), op, radius);
        for (int v = 0; v < n; v++) {
            if (result[v] && !mask[v]) {
                for (int o = firstChannel; o < patch.channels(); o++) {
                    if (o != channel) {
                        img[patch.channelOffset(o) + v] = 0;
                    }
                }
            }
            img[off + v] = result[v] ? 1 : 0;
        }
    }

    /** The operator applied to a mask (x fastest, size x first) with a ball of the radius. */
    public static boolean[] apply(boolean[] mask, int[] size, Operator op, double radius) {
        return switch (op) {
            case DILATION -> dilate(mask, size, radius);
            case EROSION -> erode(mask, size, radius);
            case CLOSING -> erode(dilate(mask, size, radius), size, radius);
            case OPENING -> dilate(erode(mask, size, radius), size, radius);
        };
    }

    static boolean[] dilate(boolean[] mask, int[] size, double radius) {
        boolean any = false;
        for (boolean b : mask) {
            any |= b;
        }
        if (!any) {
            return mask.clone();
        }
        double[] spacing = new double[size.length];
        java.util.Arrays.fill(spacing, 1);
        double[] d2 = DistanceTransform.squared(mask, size, spacing);
        double limit = radius * radius;
        boolean[] out = new boolean[mask.length];
        for (int v = 0; v < out.length; v++) {
            out[v] = d2[v] <= limit;
        }
        return out;
    }

    static boolean[] erode(boolean[] mask, int[] size, double radius) {
        boolean[] inverse = new boolean[mask.length];
        for (int v = 0; v < mask.length; v++) {
            inverse[v] = !mask[v];
        }
        boolean[] grown = dilate(inverse, size, radius);
        for (int v = 0; v < grown.length; v++) {
            grown[v] = !grown[v];
        }
        return grown;
    }

    /** Channels from..to-1 in a random order (Fisher–Yates). */
    static int[] shuffledChannels(int from, int to, RandomGenerator rng) {
        int[] order = new int[to - from];
        for (int i = 0; i < order.length; i++) {
            order[i] = from + i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
