package org.maskseg.core.augment;

import java.util.Arrays;

/**
 * One patch inside (possibly larger) primitive arrays, typically one sample of a batch: image values
 * C-order (c, [z,] y, x) from {@code imageOffset}, canonical labels C-order ([z,] y, x) from
 * {@code labelOffset}. Transforms work on it in place.
 */
public final class PatchBuffer {

    private final float[] image;
    private final int imageOffset;
    private final int[] labels;
    private final int labelOffset;
    private final int channels;
    private final int[] size;
    private final int voxels;

    /**
     * @param size spatial patch size, x first (2 or 3 axes)
     */
    public PatchBuffer(float[] image, int imageOffset, int[] labels, int labelOffset, int channels, int[] size) {
        if (size.length != 2 && size.length != 3) {
            throw new IllegalArgumentException("patch size " + Arrays.toString(size) + " must have 2 or 3 axes");
        }
        long n = 1;
        for (int s : size) {
            if (s < 1) {
                throw new IllegalArgumentException("patch size " + Arrays.toString(size) + " has an empty axis");
            }
            n *= s;
        }
        if (imageOffset < 0 || imageOffset + n * channels > image.length || labelOffset < 0
                || labelOffset + n > labels.length) {
            throw new IllegalArgumentException("patch " + Arrays.toString(size) + " x " + channels
                    + " channels does not fit the arrays at the given offsets");
        }
        this.image = image;
        this.imageOffset = imageOffset;
        this.labels = labels;
        this.labelOffset = labelOffset;
        this.channels = channels;
        this.size = size.clone();
        this.voxels = (int) n;
    }

    /** A patch with its own new arrays. */
    public static PatchBuffer allocate(int channels, int[] size) {
        long n = 1;
        for (int s : size) {
            n *= s;
        }
        return new PatchBuffer(new float[(int) (n * channels)], 0, new int[(int) n], 0, channels, size);
    }

    public float[] image() {
        return image;
    }

    public int imageOffset() {
        return imageOffset;
    }

    /** Start of channel c in {@link #image()}. */
    public int channelOffset(int c) {
        return imageOffset + c * voxels;
    }

    public int[] labels() {
        return labels;
    }

    public int labelOffset() {
        return labelOffset;
    }

    public int channels() {
        return channels;
    }

    /** Spatial size, x first. */
    public int[] size() {
        return size.clone();
    }

    public int size(int axis) {
        return size[axis];
    }

    public int dims() {
        return size.length;
    }

    /** Voxels per channel. */
    public int voxels() {
        return voxels;
    }

    /** The same patch with only its first {@code count} channels (same arrays, not a copy). */
    public PatchBuffer firstChannels(int count) {
        if (count < 1 || count > channels) {
            throw new IllegalArgumentException(count + " of " + channels + " channels");
        }
        return count == channels ? this : new PatchBuffer(image, imageOffset, labels, labelOffset, count, size);
    }

    /** A copy of this patch's image values (all channels). */
    public float[] imageCopy() {
        return Arrays.copyOfRange(image, imageOffset, imageOffset + voxels * channels);
    }

    /** A copy of this patch's labels. */
    public int[] labelCopy() {
        return Arrays.copyOfRange(labels, labelOffset, labelOffset + voxels);
    }
}
