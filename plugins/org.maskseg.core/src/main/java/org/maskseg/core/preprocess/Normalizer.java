package org.maskseg.core.preprocess;

import java.util.List;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.VolumeShapes;
import org.maskseg.core.plan.Plan;

/**
 * Intensity normalisation per channel, as chosen by the plan:
 * <ul>
 * <li>{@code zscore}: (x − mean) / max(std, 1e-8) with mean and (population) standard deviation of this image
 * and channel. With {@code useMask}, the statistics come from the non-zero mask only (see
 * {@link #nonZeroMask}) and voxels outside it are set to 0.</li>
 * <li>{@code ct}: clip to [clipLow, clipHigh], then (x − mean) / max(std, 1e-8) with the dataset-wide values
 * stored in the plan.</li>
 * <li>{@code none}: unchanged.</li>
 * <li>{@code rescale_to_0_1}: (x − min) / max(max − min, 1e-8) with minimum and maximum of this image and
 * channel.</li>
 * <li>{@code rgb_to_0_1}: x / 255; values outside 0..255 are refused (the channel is not 8-bit colour).</li>
 * </ul>
 * The names and formulas are nnU-Net's; its channel names select them (see {@code plan.Planner}).
 */
public final class Normalizer {

    /** Lower bound of the divisor, so constant images do not divide by zero. */
    public static final double MIN_STD = 1e-8;

    private Normalizer() {
    }

    /** A normalised copy of the image; the input is not changed. */
    public static ImageVolume normalize(ImageVolume image, Plan.Normalization normalization) {
        return normalize(image, normalization, null);
    }

    /**
     * A normalised copy of the image, where z-score with {@code useMask} takes its statistics inside the given mask
     * (one flag per voxel, C order) instead of {@link #nonZeroMask}; null = {@link #nonZeroMask}.
     */
    public static ImageVolume normalize(ImageVolume image, Plan.Normalization normalization, boolean[] nonZero) {
        int channels = image.channels();
        List<String> schemes = normalization.schemes();
        if (schemes.size() != channels) {
            throw new InvalidInputException("image '" + image.name() + "' has " + channels
                    + " channels but the plan normalises " + schemes.size());
        }
        boolean[] useMask = normalization.useMask();
        double[] clipLow = normalization.clipLow();
        double[] clipHigh = normalization.clipHigh();
        double[] mean = normalization.mean();
        double[] std = normalization.std();
        float[] in = image.data();
        float[] out = in.clone();
        int voxels = (int) image.voxelsPerChannel();
        boolean[] mask = nonZero;
        for (int c = 0; c < channels; c++) {
            int off = c * voxels;
            String scheme = schemes.get(c);
            switch (scheme) {
                case "zscore" -> {
                    if (useMask[c]) {
                        if (mask == null) {
                            mask = nonZeroMask(image);
                        }
                        zscore(out, off, voxels, mask);
                    } else {
                        zscore(out, off, voxels, null);
                    }
                }
                case "ct" -> ct(out, off, voxels, clipLow[c], clipHigh[c], mean[c], std[c]);
                case "none" -> {
                }
                case "rescale_to_0_1" -> rescale(out, off, voxels);
                case "rgb_to_0_1" -> rgb(out, off, voxels, image.name(), c);
                default -> throw new InvalidInputException("unknown normalisation scheme '" + scheme + "' for channel "
                        + c + "; expected zscore, ct, none, rescale_to_0_1 or rgb_to_0_1");
            }
        }
        return ImageVolume.wrap(image.name(), out, image.spatialSize(), channels, image.spacing());
    }

    /** In place: z-score of data[off .. off+n) over all voxels or, with a mask, inside it (outside set to 0). */
    static void zscore(float[] data, int off, int n, boolean[] mask) {
        double sum = 0;
        long count = 0;
        for (int i = 0; i < n; i++) {
            if (mask == null || mask[i]) {
                sum += data[off + i];
                count++;
            }
        }
        if (count == 0) {
            // An all-zero image with a mask: nothing to normalise, everything is outside.
            for (int i = 0; i < n; i++) {
                data[off + i] = 0;
            }
            return;
        }
        double mean = sum / count;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            if (mask == null || mask[i]) {
                double d = data[off + i] - mean;
                sq += d * d;
            }
        }
        double div = Math.max(Math.sqrt(sq / count), MIN_STD);
        for (int i = 0; i < n; i++) {
            data[off + i] = mask == null || mask[i] ? (float) ((data[off + i] - mean) / div) : 0f;
        }
    }

    static void ct(float[] data, int off, int n, double low, double high, double mean, double std) {
        double div = Math.max(std, MIN_STD);
        for (int i = 0; i < n; i++) {
            double v = Math.min(Math.max(data[off + i], low), high);
            data[off + i] = (float) ((v - mean) / div);
        }
    }

    /** In place: data[off .. off+n) shifted to minimum 0 and divided by its range (at least {@link #MIN_STD}). */
    static void rescale(float[] data, int off, int n) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, data[off + i]);
            max = Math.max(max, data[off + i]);
        }
        double div = Math.max(max - min, MIN_STD);
        for (int i = 0; i < n; i++) {
            data[off + i] = (float) ((data[off + i] - min) / div);
        }
    }

    /** In place: data[off .. off+n) divided by 255, refusing values outside 0..255. */
    static void rgb(float[] data, int off, int n, String image, int channel) {
        for (int i = 0; i < n; i++) {
            float v = data[off + i];
            if (!(v >= 0 && v <= 255)) {
                throw new InvalidInputException("image '" + image + "', channel " + channel + ": value " + v
                        + " lies outside 0..255, so the channel is not 8-bit colour as its normalisation rgb_to_0_1 "
                        + "expects; name the channel differently to normalise it by z-score");
            }
        }
        for (int i = 0; i < n; i++) {
            data[off + i] = data[off + i] / 255f;
        }
    }

    /**
     * The region of the image that holds data: voxels where any channel is non-zero, with enclosed holes
     * filled (zero voxels not connected to the image border through face neighbours belong to the mask).
     * This is the region nnU-Net normalises when it uses a mask.
     *
     * @return one flag per voxel, C-order ([z,] y, x)
     */
    public static boolean[] nonZeroMask(ImageVolume image) {
        boolean[] mask = anyChannelNonZero(image);
        fillHoles(mask, image.spatialSize());
        return mask;
    }

    /** Voxels where any channel is non-zero, holes not filled; C-order ([z,] y, x). */
    static boolean[] anyChannelNonZero(ImageVolume image) {
        int voxels = (int) image.voxelsPerChannel();
        float[] data = image.data();
        boolean[] mask = new boolean[voxels];
        for (int c = 0; c < image.channels(); c++) {
            int off = c * voxels;
            for (int i = 0; i < voxels; i++) {
                if (data[off + i] != 0) {
                    mask[i] = true;
                }
            }
        }
        return mask;
    }

    /** Flood fill of the background from the border; everything the fill cannot reach joins the mask. */
    static void fillHoles(boolean[] mask, long[] size) {
        int dims = size.length;
        int nx = (int) size[0];
        int ny = (int) size[1];
        int nz = dims == 3 ? (int) size[2] : 1;
        long[] st = VolumeShapes.strides(size);
        int sy = (int) st[1];
        int sz = dims == 3 ? (int) st[2] : 0;
        boolean[] outside = new boolean[mask.length];
        int[] queue = new int[mask.length];
        int head = 0;
        int tail = 0;
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    boolean border = x == 0 || x == nx - 1 || y == 0 || y == ny - 1
                            || dims == 3 && (z == 0 || z == nz - 1);
                    int i = x + y * sy + z * sz;
                    if (border && !mask[i] && !outside[i]) {
                        outside[i] = true;
                        queue[tail++] = i;
                    }
                }
            }
        }
        while (head < tail) {
            int i = queue[head++];
            int x = i % nx;
            int y = (i / nx) % ny;
            int z = dims == 3 ? i / sz : 0;
            if (x > 0) {
                tail = visit(mask, outside, queue, tail, i - 1);
            }
            if (x < nx - 1) {
                tail = visit(mask, outside, queue, tail, i + 1);
            }
            if (y > 0) {
                tail = visit(mask, outside, queue, tail, i - sy);
            }
            if (y < ny - 1) {
                tail = visit(mask, outside, queue, tail, i + sy);
            }
            if (dims == 3 && z > 0) {
                tail = visit(mask, outside, queue, tail, i - sz);
            }
            if (dims == 3 && z < nz - 1) {
                tail = visit(mask, outside, queue, tail, i + sz);
            }
        }
        for (int i = 0; i < mask.length; i++) {
            mask[i] = !outside[i];
        }
    }

    private static int visit(boolean[] mask, boolean[] outside, int[] queue, int tail, int j) {
        if (!mask[j] && !outside[j]) {
            outside[j] = true;
            queue[tail++] = j;
        }
        return tail;
    }
}
