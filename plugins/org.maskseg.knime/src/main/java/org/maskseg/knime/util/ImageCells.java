package org.maskseg.knime.util;

import java.io.IOException;
import java.util.Arrays;

import org.knime.core.data.DataCell;
import org.knime.knip.base.data.img.ImgPlusCellFactory;
import org.knime.knip.base.data.img.ImgPlusValue;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.image.VolumeShapes;

import net.imagej.ImgPlus;
import net.imagej.axis.Axes;
import net.imagej.axis.AxisType;
import net.imagej.axis.CalibratedAxis;
import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.integer.IntType;
import net.imglib2.type.numeric.real.FloatType;

/**
 * Converts between KNIME Image Processing image cells and the engine's {@link ImageVolume} / {@link LabelVolume}.
 * Axes are matched by type (X, Y, Z, Channel), so images in any axis order work; other axes (e.g. Time) must have
 * size 1. A Z axis of size 1 makes a 2D image.
 * <p>
 * Compiled against what KNIME Image Processing ships (ImgLib2 5.8.0, imagej-common 0.28.2); every ImgLib2, ImageJ
 * and KNIME member used here is listed in {@code releng/knime-api/real-descriptors.txt} or checked against the
 * ImgLib2 5.8.0 jar by the node plugin's tests. The engine's volumes are plain arrays; the ImgLib2 images of the
 * output cells are built here, over those arrays without copying.
 */
public final class ImageCells {

    private ImageCells() {
    }

    /** Which source dimension holds x, y, z and channel (-1 = absent), and the resulting sizes. */
    private record Layout(int[] spatialDims, int channelDim, long[] spatialSize, int channels, double[] spacing) {
    }

    private static Layout layout(final ImgPlus<?> img, final String name, final String what) {
        int x = -1;
        int y = -1;
        int z = -1;
        int c = -1;
        for (int d = 0; d < img.numDimensions(); d++) {
            AxisType t = axis(img, d).type();
            if (Axes.X.equals(t) && x < 0) {
                x = d;
            } else if (Axes.Y.equals(t) && y < 0) {
                y = d;
            } else if (Axes.Z.equals(t) && z < 0) {
                z = d;
            } else if (Axes.CHANNEL.equals(t) && c < 0) {
                c = d;
            } else if (img.dimension(d) > 1) {
                throw new InvalidInputException(what + " '" + name + "': axis '" + t.getLabel() + "' has size "
                    + img.dimension(d) + "; only X, Y, Z and Channel axes are supported (split other axes into rows)");
            }
        }
        if (x < 0 || y < 0) {
            throw new InvalidInputException(what + " '" + name + "' has no X and Y axes; its dimensions are "
                + Arrays.toString(dims(img)));
        }
        int[] spatial = z >= 0 && img.dimension(z) > 1 ? new int[]{x, y, z} : new int[]{x, y};
        long[] size = new long[spatial.length];
        double[] spacing = new double[spatial.length];
        for (int i = 0; i < spatial.length; i++) {
            size[i] = img.dimension(spatial[i]);
            double s = axis(img, spatial[i]).averageScale(0, 1);
            spacing[i] = s > 0 && Double.isFinite(s) ? s : 1;
        }
        int channels = c < 0 ? 1 : Math.toIntExact(img.dimension(c));
        return new Layout(spatial, c, size, channels, spacing);
    }

    /**
     * The axis of dimension d. {@code ImgPlus.axis(int)} is declared in a generic superclass, so in bytecode it
     * returns {@code net.imagej.axis.Axis}; the cast to the calibrated axis every {@code ImgPlus} holds is made here.
     */
    private static CalibratedAxis axis(final ImgPlus<?> img, final int d) {
        return img.axis(d);
    }

    private static long[] dims(final ImgPlus<?> img) {
        long[] d = new long[img.numDimensions()];
        img.dimensions(d);
        return d;
    }

    /** The image as a float volume (x, y[, z], c); NaN and infinite values are kept for the engine to judge. */
    public static ImageVolume toImageVolume(final ImgPlusValue<?> value, final String name) {
        return copyImage(value.getImgPlus(), name);
    }

    private static <T extends RealType<T>> ImageVolume copyImage(final ImgPlus<T> img, final String name) {
        Layout l = layout(img, name, "image");
        long voxels = VolumeShapes.voxels(l.spatialSize());
        float[] data = new float[VolumeShapes.checkedArrayLength(name, voxels * l.channels())];
        RandomAccess<T> ra = img.getImg().randomAccess();
        long[] pos = new long[img.numDimensions()];
        int i = 0;
        for (int ch = 0; ch < l.channels(); ch++) {
            if (l.channelDim() >= 0) {
                pos[l.channelDim()] = img.getImg().min(l.channelDim()) + ch;
            }
            i = visit(img, l, pos, ra, (v, idx) -> data[idx] = v.getRealFloat(), i);
        }
        return ImageVolume.wrap(name, data, l.spatialSize(), l.channels(), l.spacing());
    }

    /** The label image as an int volume; every value must be a whole number. */
    public static LabelVolume toLabelVolume(final ImgPlusValue<?> value, final String name) {
        return copyLabels(value.getImgPlus(), name);
    }

    private static <T extends RealType<T>> LabelVolume copyLabels(final ImgPlus<T> img, final String name) {
        Layout l = layout(img, name, "label image");
        if (l.channels() != 1) {
            throw new InvalidInputException("label image '" + name + "' has " + l.channels()
                + " channels; a label image has exactly one");
        }
        int[] data = new int[VolumeShapes.checkedArrayLength(name, VolumeShapes.voxels(l.spatialSize()))];
        RandomAccess<T> ra = img.getImg().randomAccess();
        long[] pos = new long[img.numDimensions()];
        visit(img, l, pos, ra, (v, idx) -> {
            double d = v.getRealDouble();
            if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
                throw new InvalidInputException("label image '" + name + "': value " + d + " at voxel "
                    + position(l.spatialSize(), idx) + " is not a whole number; labels must be integers");
            }
            data[idx] = (int)d;
        }, 0);
        return LabelVolume.wrap(name, data, l.spatialSize(), l.spacing());
    }

    private interface VoxelVisitor<T> {
        void accept(T value, int index);
    }

    /** Visits one channel's voxels in x-fastest order, starting at flat index {@code start}; returns the next. */
    private static <T extends RealType<T>> int visit(final ImgPlus<T> img, final Layout l, final long[] pos,
        final RandomAccess<T> ra, final VoxelVisitor<T> visitor, final int start) {
        int[] sd = l.spatialDims();
        long[] size = l.spatialSize();
        long depth = size.length == 3 ? size[2] : 1;
        int i = start;
        for (long zz = 0; zz < depth; zz++) {
            if (sd.length == 3) {
                pos[sd[2]] = img.getImg().min(sd[2]) + zz;
            }
            for (long yy = 0; yy < size[1]; yy++) {
                pos[sd[1]] = img.getImg().min(sd[1]) + yy;
                for (long xx = 0; xx < size[0]; xx++) {
                    pos[sd[0]] = img.getImg().min(sd[0]) + xx;
                    ra.setPosition(pos);
                    visitor.accept(ra.get(), i++);
                }
            }
        }
        return i;
    }

    private static String position(final long[] size, final long index) {
        long rest = index;
        StringBuilder sb = new StringBuilder("(");
        for (int d = 0; d < size.length; d++) {
            sb.append(d == 0 ? "" : ", ").append(rest % size[d]);
            rest /= size[d];
        }
        return sb.append(')').toString();
    }

    private static AxisType[] spatialAxes(final int dims, final boolean withChannel) {
        AxisType[] all = dims == 3 ? new AxisType[]{Axes.X, Axes.Y, Axes.Z} : new AxisType[]{Axes.X, Axes.Y};
        if (!withChannel) {
            return all;
        }
        AxisType[] t = Arrays.copyOf(all, dims + 1);
        t[dims] = Axes.CHANNEL;
        return t;
    }

    /** A label image cell (32-bit integer pixels, so negative ignore values such as -1 survive). */
    public static DataCell labelCell(final LabelVolume labels, final ImgPlusCellFactory factory) throws IOException {
        ImgPlus<IntType> img = new ImgPlus<>(ArrayImgs.ints(labels.data(), labels.size()), labels.name(),
            spatialAxes(labels.dims(), false), labels.spacing());
        return factory.createCell(img);
    }

    /** A float image cell with a channel axis (e.g. class probabilities: one channel per class). */
    public static DataCell imageCell(final ImageVolume image, final ImgPlusCellFactory factory) throws IOException {
        double[] cal = Arrays.copyOf(image.spacing(), image.spatialDims() + 1);
        cal[image.spatialDims()] = 1;
        long[] dims = Arrays.copyOf(image.spatialSize(), image.spatialDims() + 1);
        dims[image.spatialDims()] = image.channels();
        ImgPlus<FloatType> img =
            new ImgPlus<>(ArrayImgs.floats(image.data(), dims), image.name(), spatialAxes(image.spatialDims(), true), cal);
        return factory.createCell(img);
    }
}
