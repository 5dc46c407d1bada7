package org.maskseg.core.image;

import java.util.Arrays;
import java.util.Objects;

import org.maskseg.core.InvalidInputException;

/**
 * A 2D or 3D image with one or more channels (modalities), stored as one float array with x varying
 * fastest, then y, [z,] and the channel slowest. The channel axis is always present, also for
 * single-channel images.
 * <p>
 * The array is exactly a C-order tensor of shape (c, [z,] y, x): the layout a network expects, so
 * conversion to a tensor needs no reordering. It is also the layout of an x-fastest array image with
 * dimensions (x, y[, z], c), so image libraries can wrap it without copying. The engine's API uses plain
 * arrays only, so it depends on no image library and on none of its versions.
 */
public final class ImageVolume {

    private final String name;
    private final float[] data;
    private final long[] spatialSize;
    private final int channels;
    private final double[] spacing;

    private ImageVolume(String name, float[] data, long[] spatialSize, int channels,
            double[] spacing) {
        this.name = name;
        this.data = data;
        this.spatialSize = spatialSize;
        this.channels = channels;
        this.spacing = spacing;
    }

    /** A new zero-filled image. */
    public static ImageVolume create(String name, long[] spatialSize, int channels, double[] spacing) {
        checkShape(name, spatialSize, channels, spacing);
        long n = VolumeShapes.voxels(spatialSize) * channels;
        return wrap(name, new float[VolumeShapes.checkedArrayLength(name, n)], spatialSize, channels, spacing);
    }

    /** Wraps an existing array (no copy); its length must equal the voxel count times channels. */
    public static ImageVolume wrap(String name, float[] data, long[] spatialSize, int channels, double[] spacing) {
        checkShape(name, spatialSize, channels, spacing);
        long expected = VolumeShapes.voxels(spatialSize) * channels;
        if (data.length != expected) {
            throw new IllegalArgumentException(
                    "image '" + name + "': data length " + data.length + " does not match size " + expected);
        }
        return new ImageVolume(name, data, spatialSize.clone(), channels, spacing.clone());
    }

    private static void checkShape(String name, long[] spatialSize, int channels, double[] spacing) {
        Objects.requireNonNull(name, "name");
        if (spatialSize.length != 2 && spatialSize.length != 3) {
            throw new InvalidInputException("image '" + name + "': expected 2 or 3 spatial dimensions, got "
                    + spatialSize.length);
        }
        if (channels < 1) {
            throw new InvalidInputException("image '" + name + "': needs at least one channel");
        }
        VolumeShapes.checkSpacing(name, spatialSize, spacing);
    }

    public String name() {
        return name;
    }

    /** A copy of this image under another name (data shared). */
    public ImageVolume withName(String newName) {
        return new ImageVolume(newName, data, spatialSize, channels, spacing);
    }

    /** The same pixels with another spacing (data shared). */
    public ImageVolume withSpacing(double[] newSpacing) {
        VolumeShapes.checkSpacing(name, spatialSize, newSpacing);
        return new ImageVolume(name, data, spatialSize, channels, newSpacing.clone());
    }

    /** The backing array, C-order (c, [z,] y, x). Writes go straight into the image. */
    public float[] data() {
        return data;
    }

    /** Number of spatial dimensions, 2 or 3. */
    public int spatialDims() {
        return spatialSize.length;
    }

    /** Spatial size, x first. */
    public long[] spatialSize() {
        return spatialSize.clone();
    }

    public int channels() {
        return channels;
    }

    /** Voxel spacing per spatial axis, x first. */
    public double[] spacing() {
        return spacing.clone();
    }

    /** Number of voxels of one channel. */
    public long voxelsPerChannel() {
        return VolumeShapes.voxels(spatialSize);
    }

    @Override
    public String toString() {
        return "ImageVolume[" + name + ", size=" + Arrays.toString(spatialSize) + ", channels=" + channels
                + ", spacing=" + Arrays.toString(spacing) + "]";
    }
}
