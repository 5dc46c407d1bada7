package org.maskseg.core.io;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.stream.FileImageOutputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

import org.maskseg.core.InvalidInputException;

/**
 * PNG and TIFF through the JDK's ImageIO plugins. A TIFF with several pages is a z-stack (one page per
 * slice) unless its ImageJ description makes it a hyperstack with several channel pages per slice
 * ({@link ImageJDescription}); the samples of a pixel are channels too. Colour palettes are expanded for
 * images and kept as indices for labels; an alpha channel of RGBA/grey-alpha PNG and RGBA TIFF is dropped.
 */
final class RasterFiles {

    private RasterFiles() {
    }

    /**
     * How the pages and samples of a file map to the volume: page p holds channel
     * {@code p % pageChannels} of slice {@code p / pageChannels} (ImageJ hyperstack order); the samples of
     * a pixel are further channels.
     */
    private record Layout(int width, int height, int pages, int slices, int pageChannels, int bands, int channels,
            PixelType type, IndexColorModel palette, boolean paletteIsGrey, double[] spacing) {

        long[] size() {
            return slices > 1 ? new long[] {width, height, slices} : new long[] {width, height};
        }
    }

    static ImageInfo info(Path file, ImageFormat format, String what) {
        return withReader(file, format, what, reader -> {
            Layout l = layout(reader, format, false, what);
            return new ImageInfo(file, l.size(), l.channels, l.spacing, l.type);
        });
    }

    static RawVolume read(Path file, ImageFormat format, boolean labels, String what) {
        return withReader(file, format, what, reader -> {
            if (format == ImageFormat.PNG) {
                checkPngComplete(file, what);
            }
            return decode(reader, format, labels, what);
        });
    }

    /**
     * ImageIO decodes a PNG whose end is missing without complaint (missing rows become 0), so the chunk
     * structure is walked first: every chunk must lie inside the file, up to the closing IEND chunk.
     */
    private static void checkPngComplete(Path file, String what) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long pos = 8; // signature
            ByteBuffer head = ByteBuffer.allocate(8);
            while (true) {
                if (pos + 12 > size) {
                    break;
                }
                head.clear();
                while (head.hasRemaining() && ch.read(head, pos + head.position()) > 0) {
                    // read the chunk length and type
                }
                long length = Integer.toUnsignedLong(head.getInt(0));
                boolean end = head.get(4) == 'I' && head.get(5) == 'E' && head.get(6) == 'N' && head.get(7) == 'D';
                pos += 12 + length;
                if (pos > size) {
                    break;
                }
                if (end) {
                    return;
                }
            }
        }
        throw new InvalidInputException(what + ": the PNG file is truncated (its final IEND chunk is missing)");
    }

    /** More pages than any z-stack has: a longer chain of directories is damage. */
    private static final int MAX_TIFF_PAGES = 1 << 20;

    /**
     * The JDK's TIFF reader follows the chain of image directories without noticing a loop (a damaged
     * next-directory offset that points back) and then never returns. The chain is walked here first: every
     * directory must lie inside the file, and none may come twice. Files that are not classic TIFF are left to
     * the reader to judge.
     */
    private static void checkTiffDirectories(Path file, String what) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer head = read(ch, 0, 8);
            if (head == null) {
                return;
            }
            boolean little = head.get(0) == 'I' && head.get(1) == 'I';
            boolean big = head.get(0) == 'M' && head.get(1) == 'M';
            if (!little && !big) {
                return;
            }
            ByteOrder order = little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            head.order(order);
            if ((head.getShort(2) & 0xffff) != 42) {
                return;
            }
            long offset = Integer.toUnsignedLong(head.getInt(4));
            Set<Long> seen = new HashSet<>();
            while (offset != 0) {
                if (!seen.add(offset) || seen.size() > MAX_TIFF_PAGES) {
                    throw new InvalidInputException(what + ": the TIFF file is damaged (its chain of image "
                            + "directories loops back to byte " + offset + ")");
                }
                ByteBuffer count = read(ch, offset, 2);
                if (count == null) {
                    throw new InvalidInputException(what + ": the TIFF file is damaged or truncated (an image "
                            + "directory at byte " + offset + " lies outside the file of " + size + " bytes)");
                }
                long nextAt = offset + 2 + 12L * (count.order(order).getShort(0) & 0xffff);
                ByteBuffer next = read(ch, nextAt, 4);
                if (next == null) {
                    throw new InvalidInputException(what + ": the TIFF file is truncated (the image directory at "
                            + "byte " + offset + " runs past its end)");
                }
                offset = Integer.toUnsignedLong(next.order(order).getInt(0));
            }
        }
    }

    /** {@code length} bytes at {@code position}, or null when the file ends before. */
    private static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
        if (position < 0 || position + length > ch.size()) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                return null;
            }
        }
        return b;
    }

    private interface ReaderTask<T> {
        T run(ImageReader reader) throws IOException;
    }

    private static <T> T withReader(Path file, ImageFormat format, String what, ReaderTask<T> task) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new InvalidInputException(what + ": cannot open the file");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader reader = null;
            while (readers.hasNext()) {
                ImageReader r = readers.next();
                String fmt = r.getFormatName().toLowerCase(Locale.ROOT);
                if (format == ImageFormat.PNG ? fmt.equals("png") : fmt.startsWith("tif")) {
                    reader = r;
                    break;
                }
            }
            if (reader == null) {
                throw new InvalidInputException(what + ": not a valid " + format + " file (unrecognised content)");
            }
            if (format == ImageFormat.TIFF) {
                checkTiffDirectories(file, what);
            }
            try {
                reader.setInput(in, false, format == ImageFormat.PNG);
                return task.run(reader);
            } finally {
                reader.dispose();
            }
        } catch (InvalidInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO reports truncated or corrupt files with IIOException and occasionally runtime errors
            throw new InvalidInputException(what + ": cannot read the " + format + " file ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
        }
    }

    private static Layout layout(ImageReader reader, ImageFormat format, boolean labels, String what)
            throws IOException {
        int pages = format == ImageFormat.TIFF ? reader.getNumImages(true) : 1;
        if (pages < 1) {
            throw new InvalidInputException(what + ": the file holds no image");
        }
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        ImageTypeSpecifier spec = reader.getRawImageType(0);
        if (spec == null) {
            throw new InvalidInputException(what + ": unsupported pixel layout");
        }
        ColorModel cm = spec.getColorModel();
        int bands = spec.getSampleModel().getNumBands();
        PixelType type = pixelType(spec.getSampleModel().getDataType(), what);
        IndexColorModel palette = cm instanceof IndexColorModel icm ? icm : null;
        boolean paletteIsGrey = palette != null && isGrey(palette);
        int sampleChannels;
        if (palette != null) {
            sampleChannels = labels || paletteIsGrey ? 1 : 3;
            type = labels ? type : PixelType.UINT8;
        } else if (cm != null && cm.hasAlpha() && hasAlphaSample(reader, format)) {
            sampleChannels = bands - 1;
        } else {
            sampleChannels = bands;
        }
        for (int p = 1; p < pages; p++) {
            if (reader.getWidth(p) != width || reader.getHeight(p) != height) {
                throw new InvalidInputException(what + ": page " + (p + 1) + " is " + reader.getWidth(p) + "×"
                        + reader.getHeight(p) + " but page 1 is " + width + "×" + height
                        + "; the pages of a TIFF z-stack must all have the same size");
            }
        }
        int pageChannels = 1;
        int slices = pages;
        double[] spacing = {1, 1, 1};
        ImageJDescription ij = format == ImageFormat.TIFF ? ImageJDescription.of(reader, what) : null;
        if (ij != null) {
            if (ij.channels() > 1 && ij.channels() * ij.slices() == pages && bands == 1 && palette == null) {
                pageChannels = ij.channels();
                slices = ij.slices();
            }
            spacing = ij.spacing();
        }
        double[] s = Arrays.copyOf(spacing, slices > 1 ? 3 : 2);
        return new Layout(width, height, pages, slices, pageChannels, bands, pageChannels * sampleChannels, type,
                palette, paletteIsGrey, s);
    }

    /**
     * PNG alpha is always transparency, so it goes. A TIFF sample counts as alpha only when the file says
     * so (ExtraSamples 1 or 2); ImageIO would otherwise take the second of two channels, or the fourth of
     * four, for transparency.
     */
    private static boolean hasAlphaSample(ImageReader reader, ImageFormat format) throws IOException {
        if (format == ImageFormat.PNG) {
            return true;
        }
        TIFFField extra = TIFFDirectory.createFromMetadata(reader.getImageMetadata(0))
                .getTIFFField(BaselineTIFFTagSet.TAG_EXTRA_SAMPLES);
        if (extra == null || extra.getCount() == 0) {
            return false;
        }
        int last = extra.getAsInt(extra.getCount() - 1);
        return last == BaselineTIFFTagSet.EXTRA_SAMPLES_ASSOCIATED_ALPHA
                || last == BaselineTIFFTagSet.EXTRA_SAMPLES_UNASSOCIATED_ALPHA;
    }

    private static boolean isGrey(IndexColorModel icm) {
        for (int i = 0; i < icm.getMapSize(); i++) {
            if (icm.getRed(i) != icm.getGreen(i) || icm.getRed(i) != icm.getBlue(i)) {
                return false;
            }
        }
        return true;
    }

    private static PixelType pixelType(int dataBufferType, String what) {
        return switch (dataBufferType) {
            case DataBuffer.TYPE_BYTE -> PixelType.UINT8;
            case DataBuffer.TYPE_USHORT -> PixelType.UINT16;
            case DataBuffer.TYPE_SHORT -> PixelType.INT16;
            case DataBuffer.TYPE_INT -> PixelType.INT32;
            case DataBuffer.TYPE_FLOAT -> PixelType.FLOAT32;
            case DataBuffer.TYPE_DOUBLE -> PixelType.FLOAT64;
            default -> throw new InvalidInputException(what + ": unsupported pixel type (ImageIO data type "
                    + dataBufferType + ")");
        };
    }

    private static RawVolume decode(ImageReader reader, ImageFormat format, boolean labels, String what)
            throws IOException {
        Layout l = layout(reader, format, labels, what);
        long[] size = l.size();
        int n = ReadLimits.checkDeclared(what, size, l.channels); // before ImageIO decodes a page
        int plane = Math.multiplyExact(l.width, l.height);
        long volume = (long) plane * l.slices;
        Object data;
        PixelType type = l.type;
        if (!labels || type == PixelType.FLOAT32) {
            // images end up as float anyway: decode straight into the final array
            data = new float[n];
        } else if (type == PixelType.FLOAT64) {
            data = new double[n];
        } else {
            data = new int[n];
        }
        float[] floatPlane = data instanceof float[] && (l.channels > 1 || l.pages > 1) ? new float[plane] : null;
        for (int p = 0; p < l.pages; p++) {
            Raster r = reader.read(p).getRaster();
            if (r.getNumBands() != l.bands || pixelType(r.getDataBuffer().getDataType(), what) != pixelTypeOfPage(l)) {
                throw new InvalidInputException(what + ": page " + (p + 1)
                        + " has another pixel type or number of samples than page 1");
            }
            int z = p / l.pageChannels;
            int firstChannel = p % l.pageChannels;
            if (l.palette != null && !labels) {
                expandPalette(r, l, (float[]) data, z * plane, volume);
                continue;
            }
            int bandChannels = l.channels / l.pageChannels;
            for (int b = 0; b < bandChannels; b++) {
                int c = firstChannel + b;
                int offset = (int) (c * volume + (long) z * plane);
                if (data instanceof float[] f) {
                    if (offset == 0) {
                        r.getSamples(0, 0, l.width, l.height, b, f); // fills the first plane in place
                    } else {
                        System.arraycopy(r.getSamples(0, 0, l.width, l.height, b, floatPlane), 0, f, offset, plane);
                    }
                } else if (data instanceof double[] d) {
                    System.arraycopy(r.getSamples(0, 0, l.width, l.height, b, (double[]) null), 0, d, offset, plane);
                } else {
                    System.arraycopy(r.getSamples(0, 0, l.width, l.height, b, (int[]) null), 0, (int[]) data, offset,
                            plane);
                }
            }
        }
        return new RawVolume(size, l.channels, l.spacing, type, data, 1, 0);
    }

    private static PixelType pixelTypeOfPage(Layout l) {
        return l.palette != null ? PixelType.UINT8 : l.type;
    }

    private static void expandPalette(Raster r, Layout l, float[] out, int offset, long volume) {
        int[] idx = r.getSamples(0, 0, l.width, l.height, 0, (int[]) null);
        IndexColorModel p = l.palette;
        for (int i = 0; i < idx.length; i++) {
            int k = idx[i];
            out[offset + i] = p.getRed(k);
            if (!l.paletteIsGrey) {
                out[(int) (volume + offset + i)] = p.getGreen(k);
                out[(int) (2 * volume + offset + i)] = p.getBlue(k);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- writing

    /** Pixel types the writers produce. */
    enum Storage {
        UINT8(DataBuffer.TYPE_BYTE), UINT16(DataBuffer.TYPE_USHORT), INT32(DataBuffer.TYPE_INT),
        FLOAT32(DataBuffer.TYPE_FLOAT);

        final int dataBufferType;

        Storage(int dataBufferType) {
            this.dataBufferType = dataBufferType;
        }
    }

    /**
     * Writes C-order (c, [z,] y, x) data, given as float[] or int[], as PNG (2D, 1 or 3 channels) or TIFF.
     * TIFF gets one grey page per channel and slice in ImageJ hyperstack order (channel fastest) with an
     * ImageJ description of channels, slices and spacing, which Fiji/ImageJ, tifffile and MaskSeg read back.
     * The caller has chosen a storage type that holds every value.
     */
    static void write(Path temp, ImageFormat format, Object data, long[] size, int channels, double[] spacing,
            Storage storage) throws IOException {
        int w = Math.toIntExact(size[0]);
        int h = Math.toIntExact(size[1]);
        int slices = size.length > 2 ? Math.toIntExact(size[2]) : 1;
        int plane = w * h;
        long volume = (long) plane * slices;
        boolean tiff = format == ImageFormat.TIFF;
        int bands = tiff ? 1 : channels;
        ColorSpace cs = ColorSpace.getInstance(bands == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ComponentColorModel cm = new ComponentColorModel(cs, false, false, Transparency.OPAQUE,
                storage.dataBufferType);
        ImageWriter writer = ImageIO.getImageWritersByFormatName(tiff ? "tiff" : "png").next();
        try (ImageOutputStream out = new FileImageOutputStream(temp.toFile())) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (tiff) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionType("ZLib");
                // quality q means deflate level 1 + 8q; the default (level 9) is many times slower than
                // level 1 for a few percent smaller files
                param.setCompressionQuality(0f);
                writer.prepareWriteSequence(null);
            }
            int pages = tiff ? channels * slices : 1;
            for (int p = 0; p < pages; p++) {
                WritableRaster r = cm.createCompatibleWritableRaster(w, h);
                for (int b = 0; b < bands; b++) {
                    int c = tiff ? p % channels : b;
                    int z = tiff ? p / channels : 0;
                    int from = (int) (c * volume + (long) z * plane);
                    if (data instanceof float[] f) {
                        r.setSamples(0, 0, w, h, b, Arrays.copyOfRange(f, from, from + plane));
                    } else {
                        r.setSamples(0, 0, w, h, b, Arrays.copyOfRange((int[]) data, from, from + plane));
                    }
                }
                BufferedImage image = new BufferedImage(cm, r, false, null);
                if (tiff) {
                    IIOMetadata metadata = p == 0 ? ImageJDescription.metadata(writer, image, param, channels, slices,
                            spacing) : null;
                    writer.writeToSequence(new IIOImage(image, null, metadata), param);
                } else {
                    writer.write(null, new IIOImage(image, null, null), param);
                }
            }
            if (tiff) {
                writer.endWriteSequence();
            }
        } finally {
            writer.dispose();
        }
    }
}
