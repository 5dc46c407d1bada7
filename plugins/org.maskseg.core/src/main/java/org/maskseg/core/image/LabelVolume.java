package org.maskseg.core.image;

import java.util.Arrays;
import java.util.Objects;

import org.maskseg.core.InvalidInputException;

/**
 * A 2D or 3D label image: one integer per voxel, dimensions (x, y[, z]). Values are the user's own
 * (class values and an ignore value such as -1, 255 or the highest class + 1); see
 * {@link org.maskseg.core.labels.LabelSpec} for their meaning. Stored as a signed int array so that
 * every convention fits, x varying fastest (C order ([z,] y, x)); plain arrays only, no image library.
 */
public final class LabelVolume {

    private final String name;
    private final int[] data;
    private final long[] size;
    private final double[] spacing;

    private LabelVolume(String name, int[] data, long[] size, double[] spacing) {
        this.name = name;
        this.data = data;
        this.size = size;
        this.spacing = spacing;
    }

    public static LabelVolume create(String name, long[] size, double[] spacing) {
        checkShape(name, size, spacing);
        return wrap(name, new int[VolumeShapes.checkedArrayLength(name, VolumeShapes.voxels(size))], size, spacing);
    }

    /** Wraps an existing array (no copy), C-order ([z,] y, x). */
    public static LabelVolume wrap(String name, int[] data, long[] size, double[] spacing) {
        checkShape(name, size, spacing);
        if (data.length != VolumeShapes.voxels(size)) {
            throw new IllegalArgumentException("labels '" + name + "': data length " + data.length
                    + " does not match size " + Arrays.toString(size));
        }
        return new LabelVolume(name, data, size.clone(), spacing.clone());
    }

    private static void checkShape(String name, long[] size, double[] spacing) {
        Objects.requireNonNull(name, "name");
        if (size.length != 2 && size.length != 3) {
            throw new InvalidInputException(
                    "labels '" + name + "': expected 2 or 3 dimensions, got " + size.length);
        }
        VolumeShapes.checkSpacing(name, size, spacing);
    }

    public String name() {
        return name;
    }

    public LabelVolume withName(String newName) {
        return new LabelVolume(newName, data, size, spacing);
    }

    public LabelVolume withSpacing(double[] newSpacing) {
        VolumeShapes.checkSpacing(name, size, newSpacing);
        return new LabelVolume(name, data, size, newSpacing.clone());
    }

    /** A deep copy, for operations that must not touch the input. */
    public LabelVolume copy(String newName) {
        return wrap(newName, data().clone(), size, spacing);
    }

    /** The backing array, C-order ([z,] y, x). Writes go straight into the image. */
    public int[] data() {
        return data;
    }

    public int dims() {
        return size.length;
    }

    /** Size per axis, x first. */
    public long[] size() {
        return size.clone();
    }

    /** Voxel spacing per axis, x first. */
    public double[] spacing() {
        return spacing.clone();
    }

    public long voxels() {
        return VolumeShapes.voxels(size);
    }

    @Override
    public String toString() {
        return "LabelVolume[" + name + ", size=" + Arrays.toString(size) + ", spacing=" + Arrays.toString(spacing)
                + "]";
    }
}
