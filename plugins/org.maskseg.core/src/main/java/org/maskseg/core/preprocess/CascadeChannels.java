package org.maskseg.core.preprocess;

import java.util.Arrays;

import org.maskseg.core.image.ImageVolume;

/**
 * The input of the full-resolution stage of a cascade: the image channels followed by the previous stage's
 * segmentation as one binary channel per foreground class (class 1 first; background has no channel, and the
 * ignore value never occurs, since a segmentation is an argmax over the classes).
 * <p>
 * The previous stage's blended logits are resampled linearly from its grid to the full-resolution grid (by nearest
 * neighbour along a much coarser axis, as predictions are), then turned into labels by argmax, so that training and
 * prediction build these channels in the same way.
 */
public final class CascadeChannels {

    private CascadeChannels() {
    }

    /**
     * One channel per foreground class of a label array: channel c - 1 is 1 where the label is c, else 0.
     *
     * @param labels  class per voxel, 0..classes-1
     * @param classes number of classes including background
     * @return C-order (c, [z,] y, x), (classes - 1) · voxels values
     */
    public static float[] oneHotForeground(int[] labels, int classes) {
        int n = labels.length;
        float[] out = new float[Math.multiplyExact(classes - 1, n)];
        for (int v = 0; v < n; v++) {
            int c = labels[v];
            if (c > 0 && c < classes) {
                out[(c - 1) * n + v] = 1;
            }
        }
        return out;
    }

    /**
     * The labels of logits (argmax over channels, the lowest class on ties) after resampling them to a grid.
     *
     * @param logits  previous stage's logits, one channel per class, on its own grid and spacing
     * @param size    the grid to resample to, x first
     * @param spacing that grid's spacing, x first
     */
    public static int[] labelsOnGrid(ImageVolume logits, long[] size, double[] spacing) {
        int classes = logits.channels();
        float[] data = Arrays.equals(logits.spatialSize(), size) ? logits.data()
                : Resampler.resample(logits.data(), classes, logits.spatialSize(), size,
                        Resampler.perAxis(logits.spacing(), spacing, Resampler.Interpolation.LINEAR));
        int n = data.length / classes;
        int[] labels = new int[n];
        for (int v = 0; v < n; v++) {
            float best = data[v];
            int arg = 0;
            for (int c = 1; c < classes; c++) {
                float x = data[c * n + v];
                if (x > best) {
                    best = x;
                    arg = c;
                }
            }
            labels[v] = arg;
        }
        return labels;
    }

    /**
     * The foreground one-hot channels of the previous stage's logits on the grid of {@code image}.
     *
     * @param logits previous stage's logits, one channel per class
     * @param image  an image on the full-resolution grid
     */
    public static float[] foregroundOneHot(ImageVolume logits, ImageVolume image) {
        return oneHotForeground(labelsOnGrid(logits, image.spatialSize(), image.spacing()), logits.channels());
    }

    /** The image with {@code extra} channels of {@code values} (C-order, channel after channel) appended. */
    public static ImageVolume append(ImageVolume image, float[] values, int extra) {
        long voxels = image.voxelsPerChannel();
        if (values.length != extra * voxels) {
            throw new IllegalArgumentException(values.length + " values are not " + extra + " channels of " + voxels
                    + " voxels");
        }
        float[] in = image.data();
        float[] out = Arrays.copyOf(in, Math.addExact(in.length, values.length));
        System.arraycopy(values, 0, out, in.length, values.length);
        return ImageVolume.wrap(image.name(), out, image.spatialSize(), image.channels() + extra, image.spacing());
    }

    /** A training case whose image has the previous stage's channels appended. */
    public static TrainingCase withPreviousStage(TrainingCase c, float[] oneHot, int extra) {
        return new TrainingCase(c.name(), append(c.image(), oneHot, extra), c.labels());
    }
}
