package org.maskseg.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;

/**
 * Reads and writes images and label images as PNG, TIFF and NIfTI-1, choosing the format from the file
 * extension ({@link ImageFormat}).
 * <ul>
 * <li>Images are read as float with channels: grey = 1 channel, RGB(A) = 3 (alpha dropped), TIFF samples
 * per pixel, the channels of an ImageJ hyperstack and the NIfTI 4th dimension = channels; NIfTI intensity
 * scaling (scl_slope/scl_inter) is applied. Multi-page TIFF is a z-stack. Spacing comes from NIfTI pixdim
 * or from an ImageJ TIFF (resolution tags and {@code spacing=}), else 1.</li>
 * <li>Labels are read as int; float files must hold whole numbers.</li>
 * <li>TIFF is written as an ImageJ-compatible stack (one grey page per channel and slice, channel fastest,
 * spacing in the resolution tags and description), which Fiji, KNIME and tifffile open as such.</li>
 * <li>Images are written as 32-bit float TIFF or NIfTI; PNG only when every value is a whole number that
 * fits 8 (or else 16) bits. Labels are written with the smallest type holding all values: 8-bit unsigned,
 * 16-bit unsigned, else 32-bit signed (TIFF, NIfTI; e.g. for an ignore value of -1).</li>
 * <li>Every write is atomic: a temporary file in the target folder is moved into place.</li>
 * </ul>
 * Unreadable, corrupt or unsupported files raise an {@link InvalidInputException} naming the file.
 */
public final class ImageFiles {

    private ImageFiles() {
    }

    /** Header-only information: size, channels, spacing and pixel type, without decoding pixels. */
    public static ImageInfo readInfo(Path file) {
        return readInfo(file, "image");
    }

    /** Header-only information; {@code role} ("image", "labels") starts error messages. */
    static ImageInfo readInfo(Path file, String role) {
        String what = role + " '" + file + "'";
        ImageFormat format = formatForReading(file, what);
        return format.isNifti() ? Nifti1.info(file, what) : RasterFiles.info(file, format, what);
    }

    /** Reads an image; its name is the file's base name (without extension). */
    public static ImageVolume readImage(Path file) {
        return readImage(file, ImageFormat.baseName(file));
    }

    /** Reads an image under the given name. */
    public static ImageVolume readImage(Path file, String name) {
        String what = "image '" + file + "'";
        return readRaw(file, false, what).toImage(name);
    }

    /** Reads a label image; its name is the file's base name. */
    public static LabelVolume readLabels(Path file) {
        return readLabels(file, ImageFormat.baseName(file));
    }

    /** Reads a label image under the given name. */
    public static LabelVolume readLabels(Path file, String name) {
        String what = "labels '" + file + "'";
        return readRaw(file, true, what).toLabels(name, what);
    }

    private static RawVolume readRaw(Path file, boolean labels, String what) {
        ImageFormat format = formatForReading(file, what);
        return format.isNifti() ? Nifti1.read(file, what) : RasterFiles.read(file, format, labels, what);
    }

    private static ImageFormat formatForReading(Path file, String what) {
        ImageFormat format = ImageFormat.find(file).orElseThrow(() -> new InvalidInputException(
                what + ": unsupported file extension; expected " + ImageFormat.supportedExtensions()));
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(what + ": " + (Files.exists(file) ? "not a regular file" : "file not found"));
        }
        if (!Files.isReadable(file)) {
            throw new InvalidInputException(what + ": file is not readable (permissions)");
        }
        return format;
    }

    // ---------------------------------------------------------------------------------------------- writing

    /**
     * Writes an image in the format of the target's extension: float32 for TIFF and NIfTI; PNG only for a
     * 2D image with 1 (grey) or 3 (RGB) channels whose values are whole numbers in 0..65535.
     */
    public static void writeImage(ImageVolume image, Path target) {
        writeImage(image, target, null);
    }

    /**
     * Writes an image like {@link #writeImage(ImageVolume, Path)}; when target and {@code reference} are
     * both NIfTI, the reference's orientation (qform/sform) is copied so that the result overlays it.
     *
     * @param reference the input the image was computed from, or null
     */
    public static void writeImage(ImageVolume image, Path target, Path reference) {
        String what = "image '" + target + "'";
        ImageFormat format = formatForWriting(target, what);
        float[] data = image.data();
        long[] size = image.spatialSize();
        int channels = image.channels();
        if (format == ImageFormat.PNG) {
            checkPngShape(what, size, channels);
            RasterFiles.Storage storage = pngStorageForImage(data, what);
            int[] ints = new int[data.length];
            for (int i = 0; i < ints.length; i++) {
                ints[i] = (int) data[i];
            }
            write(target, what, temp -> RasterFiles.write(temp, format, ints, size, channels, image.spacing(),
                    storage));
        } else if (format == ImageFormat.TIFF) {
            write(target, what, temp -> RasterFiles.write(temp, format, data, size, channels, image.spacing(),
                    RasterFiles.Storage.FLOAT32));
        } else {
            Nifti1.Geometry geometry = geometry(reference, size, what);
            write(target, what, temp -> Nifti1.write(temp, format == ImageFormat.NIFTI_GZ, data, size, channels,
                    image.spacing(), Nifti1.DT_FLOAT32, geometry));
        }
    }

    /** The stored step of {@link #writeUnitInterval}: values are kept as multiples of 1/65535. */
    public static final double UNIT_INTERVAL_STEP = 1.0 / 65535;

    /**
     * Writes values in [0, 1] (probabilities) compactly as NIfTI: 16-bit unsigned integers, value × 65535 rounded,
     * with the header's intensity scaling slope 1/65535, so that every NIfTI reader (this one included) reads back
     * the value within half a step, 1/131070. Half the size of float32 before compression, and it compresses better.
     *
     * @param target a {@code .nii} or {@code .nii.gz} file
     * @throws InvalidInputException when a value lies outside [0, 1] or is not a number
     */
    public static void writeUnitInterval(ImageVolume image, Path target) {
        String what = "image '" + target + "'";
        ImageFormat format = formatForWriting(target, what);
        if (!format.isNifti()) {
            throw new InvalidInputException(what + ": values in [0, 1] are written as scaled 16-bit NIfTI; name the "
                    + "file .nii or .nii.gz");
        }
        float[] data = image.data();
        int[] stored = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            float v = data[i];
            if (!(v >= 0f && v <= 1f)) {
                throw new InvalidInputException(what + ": value " + v + " at index " + i + " lies outside [0, 1]");
            }
            stored[i] = (int) Math.round(v * 65535.0);
        }
        long[] size = image.spatialSize();
        write(target, what, temp -> Nifti1.write(temp, format == ImageFormat.NIFTI_GZ, stored, size,
                image.channels(), image.spacing(), Nifti1.DT_UINT16, null, (float) UNIT_INTERVAL_STEP));
    }

    /**
     * Writes labels in the format of the target's extension with the smallest type that holds every value:
     * 8-bit unsigned (0..255), 16-bit unsigned (0..65535), else 32-bit signed (TIFF, NIfTI). PNG refuses
     * values outside 0..65535.
     */
    public static void writeLabels(LabelVolume labels, Path target) {
        writeLabels(labels, target, null);
    }

    /**
     * Writes labels like {@link #writeLabels(LabelVolume, Path)}; when target and {@code reference} are
     * both NIfTI, the reference's orientation (qform/sform) is copied so that the labels overlay it.
     *
     * @param reference the image the labels belong to, or null
     */
    public static void writeLabels(LabelVolume labels, Path target, Path reference) {
        writeLabels(labels, target, reference, false);
    }

    /**
     * Writes labels like {@link #writeLabels(LabelVolume, Path, Path)}; with {@code nnUNetTypes} the integer type is
     * the one nnU-Net's writers choose for a segmentation: 8-bit unsigned while the largest value is below 255, else
     * 16-bit unsigned (and 32-bit signed only where 16 bits cannot hold the values).
     */
    public static void writeLabels(LabelVolume labels, Path target, Path reference, boolean nnUNetTypes) {
        String what = "labels '" + target + "'";
        ImageFormat format = formatForWriting(target, what);
        int[] data = labels.data();
        long[] size = labels.size();
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int v : data) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        final int lo = min;
        final int hi = max;
        // nnU-Net's writers take 16 bits from 255 on: the largest value counts as if one higher
        final int limit8 = nnUNetTypes ? 254 : 255;
        if (format == ImageFormat.PNG) {
            checkPngShape(what, size, 1);
            if (lo < 0 || hi > 65535) {
                throw new InvalidInputException(what + ": PNG holds only values 0..65535 but the labels contain "
                        + (lo < 0 ? lo : hi) + "; write TIFF (.tif) or NIfTI (.nii.gz) instead");
            }
        }
        Nifti1.Geometry geometry = format.isNifti() ? geometry(reference, size, what) : null;
        write(target, what, temp -> {
            if (format.isNifti()) {
                short dt = lo >= 0 && hi <= limit8 ? Nifti1.DT_UINT8
                        : lo >= 0 && hi <= 65535 ? Nifti1.DT_UINT16 : Nifti1.DT_INT32;
                Nifti1.write(temp, format == ImageFormat.NIFTI_GZ, data, size, 1, labels.spacing(), dt, geometry);
            } else {
                RasterFiles.Storage storage = lo >= 0 && hi <= limit8 ? RasterFiles.Storage.UINT8
                        : lo >= 0 && hi <= 65535 ? RasterFiles.Storage.UINT16 : RasterFiles.Storage.INT32;
                RasterFiles.write(temp, format, data, size, 1, labels.spacing(), storage);
            }
        });
    }

    /** The orientation of a NIfTI reference of the same spatial size; null when there is none to copy. */
    private static Nifti1.Geometry geometry(Path reference, long[] size, String what) {
        if (reference == null || !ImageFormat.find(reference).map(ImageFormat::isNifti).orElse(false)) {
            return null;
        }
        String ref = "image '" + reference + "'";
        formatForReading(reference, ref);
        Nifti1.Header h = Nifti1.header(reference, ref);
        if (!Arrays.equals(h.spatialSize(), size)) {
            throw new InvalidInputException(what + ": cannot take the orientation of " + ref + ", which is "
                    + ImageInfo.sizeText(h.spatialSize()) + " while the data are " + ImageInfo.sizeText(size));
        }
        return h.geometry();
    }

    private static ImageFormat formatForWriting(Path target, String what) {
        return ImageFormat.find(target).orElseThrow(() -> new InvalidInputException(
                what + ": cannot choose a file format from the extension; use one of "
                        + ImageFormat.supportedExtensions()));
    }

    private static void checkPngShape(String what, long[] size, int channels) {
        if (size.length != 2) {
            throw new InvalidInputException(what + ": PNG holds only 2D images, this one is 3D ("
                    + ImageInfo.sizeText(size) + "); write TIFF (.tif) or NIfTI (.nii.gz) instead");
        }
        if (channels != 1 && channels != 3) {
            throw new InvalidInputException(what + ": PNG holds 1 (grey) or 3 (RGB) channels, this image has "
                    + channels + "; write TIFF (.tif) or NIfTI (.nii.gz) instead");
        }
    }

    private static RasterFiles.Storage pngStorageForImage(float[] data, String what) {
        float max = 0;
        for (int i = 0; i < data.length; i++) {
            float v = data[i];
            if (!(v >= 0 && v <= 65535) || v != Math.rint(v)) {
                throw new InvalidInputException(what + ": PNG holds only whole numbers 0..65535 but the image "
                        + "contains " + v + "; write a float TIFF (.tif) or NIfTI (.nii.gz) instead");
            }
            max = Math.max(max, v);
        }
        return max <= 255 ? RasterFiles.Storage.UINT8 : RasterFiles.Storage.UINT16;
    }

    private static void write(Path target, String what, AtomicFiles.Content content) {
        try {
            AtomicFiles.write(target, content);
        } catch (IOException e) {
            throw new InvalidInputException(what + ": cannot write the file (" + e.getMessage() + ")", e);
        }
    }
}
