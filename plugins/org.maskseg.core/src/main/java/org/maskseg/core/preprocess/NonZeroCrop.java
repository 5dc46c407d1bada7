package org.maskseg.core.preprocess;

import java.util.Arrays;

import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.image.VolumeShapes;

/**
 * nnU-Net's crop to the non-zero region, done before normalisation: the image is cut to the bounding box of the
 * voxels where any channel is non-zero, z-score statistics then come from the cut image (with {@code useMask}, from
 * the non-zero mask inside it), and the prediction is put back into the full image with background outside.
 * <p>
 * The mask is nnU-Net's: non-zero in any channel, enclosed zero regions filled in 3D (face neighbours). nnU-Net
 * holds a 2D image as a volume of one slice, in which every voxel touches the border, so no hole of a 2D image is
 * filled; the mask here does the same. An image without any non-zero voxel is not cut.
 *
 * @param offset   first voxel of the box, x first
 * @param size     size of the box, x first
 * @param fullSize size of the image the box was cut from, x first
 * @param mask     the non-zero mask inside the box, C order ([z,] y, x)
 */
public record NonZeroCrop(long[] offset, long[] size, long[] fullSize, boolean[] mask) {

    /** The box and mask of an image's non-zero voxels. */
    public static NonZeroCrop of(ImageVolume image) {
        long[] full = image.spatialSize();
        int voxels = (int) image.voxelsPerChannel();
        boolean[] mask = Normalizer.anyChannelNonZero(image);
        if (full.length == 3) {
            Normalizer.fillHoles(mask, full);
        }
        int dims = full.length;
        long[] lo = new long[dims];
        long[] hi = new long[dims];
        Arrays.fill(lo, Long.MAX_VALUE);
        Arrays.fill(hi, -1);
        long[] idx = new long[dims];
        for (int i = 0; i < voxels; i++) {
            if (mask[i]) {
                for (int a = 0; a < dims; a++) {
                    lo[a] = Math.min(lo[a], idx[a]);
                    hi[a] = Math.max(hi[a], idx[a]);
                }
            }
            for (int a = 0; a < dims; a++) {
                if (++idx[a] < full[a]) {
                    break;
                }
                idx[a] = 0;
            }
        }
        if (hi[0] < 0) {
            // nothing non-zero: nnU-Net keeps the whole image
            return new NonZeroCrop(new long[dims], full.clone(), full.clone(), mask);
        }
        long[] size = new long[dims];
        for (int a = 0; a < dims; a++) {
            size[a] = hi[a] - lo[a] + 1;
        }
        boolean[] inside = new boolean[(int) VolumeShapes.voxels(size)];
        long[] fs = VolumeShapes.strides(full);
        forEachVoxel(size, (j, p) -> {
            long i = 0;
            for (int a = 0; a < dims; a++) {
                i += (p[a] + lo[a]) * fs[a];
            }
            inside[j] = mask[(int) i];
        });
        return new NonZeroCrop(lo, size, full.clone(), inside);
    }

    /** Whether the box is smaller than the image. */
    public boolean cuts() {
        return !Arrays.equals(size, fullSize);
    }

    /** The image inside the box, with the image's spacing. */
    public ImageVolume crop(ImageVolume image) {
        return ImageVolume.wrap(image.name(), cropChannels(image.data(), image.channels()), size.clone(),
                image.channels(), image.spacing());
    }

    /** A label array of the full image (C order) inside the box. */
    public int[] crop(int[] labels) {
        int[] out = new int[(int) VolumeShapes.voxels(size)];
        long[] fs = VolumeShapes.strides(fullSize);
        forEachVoxel(size, (j, p) -> out[j] = labels[(int) fullIndex(p, fs)]);
        return out;
    }

    /** Maps of several channels, C order (c, [z,] y, x) on the full grid, cut to the box. */
    public float[] cropChannels(float[] maps, int channels) {
        int boxVoxels = (int) VolumeShapes.voxels(size);
        long fullVoxels = VolumeShapes.voxels(fullSize);
        float[] out = new float[channels * boxVoxels];
        long[] fs = VolumeShapes.strides(fullSize);
        for (int c = 0; c < channels; c++) {
            int co = c * boxVoxels;
            long fo = c * fullVoxels;
            forEachVoxel(size, (j, p) -> out[co + j] = maps[(int) (fo + fullIndex(p, fs))]);
        }
        return out;
    }

    /** Labels of the box put into the full image; 0 (background) outside. */
    public LabelVolume paste(LabelVolume boxLabels, double[] spacing) {
        int[] out = new int[(int) VolumeShapes.voxels(fullSize)];
        int[] in = boxLabels.data();
        long[] fs = VolumeShapes.strides(fullSize);
        forEachVoxel(size, (j, p) -> out[(int) fullIndex(p, fs)] = in[j]);
        return LabelVolume.wrap(boxLabels.name(), out, fullSize.clone(), spacing);
    }

    /**
     * Maps of the box (one value per channel and voxel) put into the full image; outside, channel c holds
     * {@code outside[c]} (e.g. probability 1 for background, 0 for the other classes).
     */
    public ImageVolume paste(ImageVolume boxMaps, float[] outside, double[] spacing) {
        int channels = boxMaps.channels();
        int fullVoxels = (int) VolumeShapes.voxels(fullSize);
        int boxVoxels = (int) VolumeShapes.voxels(size);
        float[] out = new float[channels * fullVoxels];
        float[] in = boxMaps.data();
        long[] fs = VolumeShapes.strides(fullSize);
        for (int c = 0; c < channels; c++) {
            Arrays.fill(out, c * fullVoxels, (c + 1) * fullVoxels, outside[c]);
            int co = c * boxVoxels;
            int fo = c * fullVoxels;
            forEachVoxel(size, (j, p) -> out[fo + (int) fullIndex(p, fs)] = in[co + j]);
        }
        return ImageVolume.wrap(boxMaps.name(), out, fullSize.clone(), channels, spacing);
    }

    private long fullIndex(long[] p, long[] fullStrides) {
        long i = 0;
        for (int a = 0; a < p.length; a++) {
            i += (p[a] + offset[a]) * fullStrides[a];
        }
        return i;
    }

    private interface VoxelVisitor {
        void visit(int index, long[] position);
    }

    /** Visits the voxels of a box in C order (x fastest), with their position x first. */
    private static void forEachVoxel(long[] size, VoxelVisitor v) {
        int n = (int) VolumeShapes.voxels(size);
        long[] p = new long[size.length];
        for (int j = 0; j < n; j++) {
            v.visit(j, p);
            for (int a = 0; a < size.length; a++) {
                if (++p[a] < size[a]) {
                    break;
                }
                p[a] = 0;
            }
        }
    }
}
