package org.maskseg.core.io;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.plugins.tiff.TIFFTag;

import org.maskseg.core.InvalidInputException;

/**
 * The ImageJ convention for TIFF stacks, which Fiji, KNIME and Python's tifffile share: the first page's
 * ImageDescription starts with {@code ImageJ=} and lists {@code channels=}, {@code slices=},
 * {@code frames=} and the z {@code spacing=}; pages are ordered channel fastest, then slice; the x/y pixel
 * size is the inverse of the XResolution/YResolution tags.
 *
 * @param channels channels per slice (pages per slice)
 * @param slices   z slices
 * @param spacing  x, y, z pixel size (1 where not given)
 */
record ImageJDescription(int channels, int slices, double[] spacing) {

    private static final String MAGIC = "ImageJ=";
    /** Resolution tags are rationals; this denominator keeps six significant digits of the pixel size. */
    private static final long RESOLUTION_DENOMINATOR = 1_000_000;

    /** The description of the first page, or null when the TIFF was not written the ImageJ way. */
    static ImageJDescription of(ImageReader reader, String what) throws IOException {
        TIFFDirectory dir = TIFFDirectory.createFromMetadata(reader.getImageMetadata(0));
        TIFFField description = dir.getTIFFField(BaselineTIFFTagSet.TAG_IMAGE_DESCRIPTION);
        if (description == null || !description.getAsString(0).startsWith(MAGIC)) {
            return null;
        }
        Map<String, String> values = new HashMap<>();
        for (String line : description.getAsString(0).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq).trim().toLowerCase(Locale.ROOT), line.substring(eq + 1).trim());
            }
        }
        int channels = intValue(values, "channels");
        int slices = intValue(values, "slices");
        int frames = intValue(values, "frames");
        if (frames > 1 && slices > 1) {
            throw new InvalidInputException(what + ": an ImageJ hyperstack with " + frames + " time frames of "
                    + slices + " slices; time series are not supported, save one time point per file");
        }
        // a z-stack saved as frames instead of slices is still a z-stack
        slices = Math.max(slices, frames);
        double[] spacing = {inverse(dir.getTIFFField(BaselineTIFFTagSet.TAG_X_RESOLUTION)),
            inverse(dir.getTIFFField(BaselineTIFFTagSet.TAG_Y_RESOLUTION)), doubleValue(values, "spacing")};
        return new ImageJDescription(channels, slices, spacing);
    }

    private static int intValue(Map<String, String> values, String key) {
        try {
            return Math.max(1, Integer.parseInt(values.getOrDefault(key, "1")));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static double doubleValue(Map<String, String> values, String key) {
        try {
            double v = Math.abs(Double.parseDouble(values.getOrDefault(key, "1")));
            return v > 0 && Double.isFinite(v) ? v : 1;
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static double inverse(TIFFField resolution) {
        if (resolution == null) {
            return 1;
        }
        double r = resolution.getAsDouble(0);
        return r > 0 && Double.isFinite(r) ? 1 / r : 1;
    }

    /**
     * Metadata for the first page of a stack: an ImageJ description when there is more than one page or a
     * spacing other than 1, plus resolution tags for the x/y pixel size; null when a plain page says it all.
     */
    static IIOMetadata metadata(ImageWriter writer, BufferedImage page, ImageWriteParam param, int channels,
            int slices, double[] spacing) throws IOException {
        boolean xyScaled = spacing[0] != 1 || spacing[1] != 1;
        boolean zScaled = spacing.length > 2 && spacing[2] != 1;
        if (channels == 1 && slices == 1 && !xyScaled) {
            return null;
        }
        StringBuilder d = new StringBuilder(MAGIC).append("1.11a\n");
        d.append("images=").append(channels * slices).append('\n');
        if (channels > 1) {
            d.append("channels=").append(channels).append('\n');
        }
        if (slices > 1) {
            d.append("slices=").append(slices).append('\n');
        }
        if (channels > 1) {
            d.append("hyperstack=true\nmode=grayscale\n");
        }
        if (zScaled) {
            d.append("spacing=").append(spacing[2]).append('\n');
        }
        d.append("loop=false\n");

        IIOMetadata defaults = writer.getDefaultImageMetadata(new ImageTypeSpecifier(page), param);
        TIFFDirectory dir = TIFFDirectory.createFromMetadata(defaults);
        BaselineTIFFTagSet tags = BaselineTIFFTagSet.getInstance();
        dir.addTIFFField(new TIFFField(tags.getTag(BaselineTIFFTagSet.TAG_IMAGE_DESCRIPTION), TIFFTag.TIFF_ASCII, 1,
                new String[] {d.toString()}));
        if (xyScaled) {
            dir.addTIFFField(new TIFFField(tags.getTag(BaselineTIFFTagSet.TAG_X_RESOLUTION), TIFFTag.TIFF_RATIONAL, 1,
                    new long[][] {resolution(spacing[0])}));
            dir.addTIFFField(new TIFFField(tags.getTag(BaselineTIFFTagSet.TAG_Y_RESOLUTION), TIFFTag.TIFF_RATIONAL, 1,
                    new long[][] {resolution(spacing[1])}));
            dir.addTIFFField(new TIFFField(tags.getTag(BaselineTIFFTagSet.TAG_RESOLUTION_UNIT),
                    BaselineTIFFTagSet.RESOLUTION_UNIT_NONE));
        }
        return dir.getAsMetadata();
    }

    /** Pixels per unit as a rational {numerator, denominator}. */
    private static long[] resolution(double pixelSize) {
        return new long[] {Math.round(RESOLUTION_DENOMINATOR / pixelSize), RESOLUTION_DENOMINATOR};
    }
}
