package org.maskseg.core.io;

import java.util.Arrays;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.image.VolumeShapes;

/**
 * Pixel data as decoded from a file, before conversion to an image or labels. The data array is C-order
 * (c, [z,] y, x) and is an {@code int[]} for integer pixel types (UINT32 stored bit for bit), a
 * {@code float[]} for FLOAT32 and a {@code double[]} for FLOAT64; a reader that knows the data become an
 * image may also deliver integer types as {@code float[]}.
 */
final class RawVolume {

    final long[] size;
    final int channels;
    final double[] spacing;
    final PixelType type;
    final Object data;
    /** NIfTI intensity scaling value = stored * slope + inter; slope 1 and inter 0 mean none. */
    final double slope;
    final double inter;

    RawVolume(long[] size, int channels, double[] spacing, PixelType type, Object data, double slope, double inter) {
        this.size = size;
        this.channels = channels;
        this.spacing = spacing;
        this.type = type;
        this.data = data;
        this.slope = slope;
        this.inter = inter;
    }

    private boolean scaled() {
        return slope != 1 || inter != 0;
    }

    /** Converts to a float image; float32 data without scaling is wrapped without a copy. */
    ImageVolume toImage(String name) {
        if (data instanceof float[] f && !scaled()) {
            return ImageVolume.wrap(name, f, size, channels, spacing);
        }
        int n = length();
        float[] out = new float[n];
        if (data instanceof float[] f) {
            for (int i = 0; i < n; i++) {
                out[i] = (float) (f[i] * slope + inter);
            }
        } else if (data instanceof double[] d) {
            for (int i = 0; i < n; i++) {
                out[i] = (float) (d[i] * slope + inter);
            }
        } else {
            int[] v = (int[]) data;
            boolean unsigned = type == PixelType.UINT32;
            for (int i = 0; i < n; i++) {
                double x = unsigned ? Integer.toUnsignedLong(v[i]) : v[i];
                out[i] = (float) (x * slope + inter);
            }
        }
        return ImageVolume.wrap(name, out, size, channels, spacing);
    }

    /**
     * Converts to labels. Integer data is used as is (no copy when possible); float data must hold whole
     * numbers. A multi-channel file is accepted only when all channels are equal (a grey image saved as RGB).
     */
    LabelVolume toLabels(String name, String what) {
        int plane = VolumeShapes.checkedArrayLength(name, VolumeShapes.voxels(size));
        if (channels > 1) {
            checkChannelsEqual(plane, what);
        }
        if (data instanceof int[] v && !scaled() && type != PixelType.UINT32) {
            int[] d = v.length == plane ? v : Arrays.copyOf(v, plane);
            return LabelVolume.wrap(name, d, size, spacing);
        }
        int[] out = new int[plane];
        for (int i = 0; i < plane; i++) {
            double x = value(i) * slope + inter;
            if (x != Math.rint(x) || x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
                throw new InvalidInputException(what + ": value " + x + " at voxel " + position(i)
                        + " is not a whole number in the 32-bit integer range; label images must hold integer"
                        + " class values");
            }
            out[i] = (int) x;
        }
        return LabelVolume.wrap(name, out, size, spacing);
    }

    private void checkChannelsEqual(int plane, String what) {
        for (int c = 1; c < channels; c++) {
            for (int i = 0; i < plane; i++) {
                if (Double.compare(value(i), value(c * plane + i)) != 0) {
                    throw new InvalidInputException(what + ": label images must have one channel, this one has "
                            + channels + " different channels (first difference at voxel " + position(i)
                            + " in channel " + c + ")");
                }
            }
        }
    }

    private double value(int i) {
        if (data instanceof int[] v) {
            return type == PixelType.UINT32 ? Integer.toUnsignedLong(v[i]) : v[i];
        }
        if (data instanceof float[] f) {
            return f[i];
        }
        return ((double[]) data)[i];
    }

    private int length() {
        if (data instanceof int[] v) {
            return v.length;
        }
        if (data instanceof float[] f) {
            return f.length;
        }
        return ((double[]) data).length;
    }

    private String position(long index) {
        StringBuilder sb = new StringBuilder("(");
        for (int d = 0; d < size.length; d++) {
            sb.append(d == 0 ? "" : ", ").append(index % size[d]);
            index /= size[d];
        }
        return sb.append(")").toString();
    }
}
