package org.maskseg.core.image;

import java.util.Arrays;
import java.util.Objects;

import org.maskseg.core.InvalidInputException;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * A 2D or 3D image with one or more channels (modalities), stored as a float {@link ArrayImg} with
 * dimensions (x, y[, z], c). The channel axis is always present, also for single-channel images.
 * <p>
 * Because ImgLib2's array images are x-fastest, the backing array is exactly a C-order tensor of shape
 * (c, [z,] y, x): the layout a network expects, so conversion to a tensor needs no reordering.
 */
public final class ImageVolume {

    private final String name;
    private final ArrayImg<FloatType, FloatArray> img;
    private final long[] spatialSize;
    private final int channels;
    private final double[] spacing;

    private ImageVolume(String name, ArrayImg<FloatType, FloatArray> img, long[] spatialSize, int channels,
            double[] spacing) {
        this.name = name;
        this.img = img;
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
        long[] dims = Arrays.copyOf(spatialSize, spatialSize.length + 1);
        dims[spatialSize.length] = channels;
        return new ImageVolume(name, ArrayImgs.floats(data, dims), spatialSize.clone(), channels, spacing.clone());
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
        return new ImageVolume(newName, img, spatialSize, channels, spacing);
    }

    /** The same pixels with another spacing (data shared). */
    public ImageVolume withSpacing(double[] newSpacing) {
        VolumeShapes.checkSpacing(name, spatialSize, newSpacing);
        return new ImageVolume(name, img, spatialSize, channels, newSpacing.clone());
    }

    /** The ImgLib2 view of all data, dimensions (x, y[, z], c). */
    public ArrayImg<FloatType, FloatArray> img() {
        return img;
    }

    /** One channel as an ImgLib2 view, dimensions (x, y[, z]). */
    public RandomAccessibleInterval<FloatType> channel(int c) {
        return Views.hyperSlice(img, spatialSize.length, c);
    }

    /** The backing array, C-order (c, [z,] y, x). Writes go straight into the image. */
    public float[] data() {
        return img.update(null).getCurrentStorageArray();
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
