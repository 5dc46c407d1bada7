package org.maskseg.core.io;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * What an image file holds, read from its header only (no pixel data decoded).
 *
 * @param file      the file
 * @param size      spatial size, x first (2 or 3 values)
 * @param channels  channels (colour channels of PNG/TIFF without alpha, 4th dimension of NIfTI)
 * @param spacing   voxel spacing, x first (1 where the file stores none)
 * @param pixelType the stored pixel type
 */
public record ImageInfo(Path file, long[] size, int channels, double[] spacing, PixelType pixelType) {

    public ImageInfo {
        size = size.clone();
        spacing = spacing.clone();
    }

    @Override
    public long[] size() {
        return size.clone();
    }

    @Override
    public double[] spacing() {
        return spacing.clone();
    }

    public int spatialDims() {
        return size.length;
    }

    /** "256×256" or "128×128×64", x first. */
    public String sizeText() {
        return sizeText(size);
    }

    static String sizeText(long[] size) {
        StringBuilder sb = new StringBuilder();
        for (long s : size) {
            sb.append(sb.length() == 0 ? "" : "×").append(s);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageInfo i && file.equals(i.file) && Arrays.equals(size, i.size) && channels == i.channels
                && Arrays.equals(spacing, i.spacing) && pixelType == i.pixelType;
    }

    @Override
    public int hashCode() {
        return file.hashCode() * 31 + Arrays.hashCode(size);
    }

    @Override
    public String toString() {
        return "ImageInfo[" + file + ", " + sizeText() + ", channels=" + channels + ", spacing="
                + Arrays.toString(spacing) + ", " + pixelType + "]";
    }
}
