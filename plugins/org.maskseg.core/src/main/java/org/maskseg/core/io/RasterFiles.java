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
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.stream.FileImageOutputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.VolumeShapes;

/**
 * PNG and TIFF through the JDK's ImageIO plugins. A TIFF with several pages is a z-stack (one page per
 * slice); the samples of a pixel are the channels. Colour palettes are expanded for images and kept as
 * indices for labels; an alpha channel of RGBA/grey-alpha PNG and RGBA TIFF is dropped.
 */
final class RasterFiles {

    private RasterFiles() {
    }

    /** How the bands of a decoded page map to channels. */
    private record Layout(int width, int height, int pages, int bands, int channels, PixelType type,
            IndexColorModel palette, boolean paletteIsGrey) {
    }

    static ImageInfo info(Path file, ImageFormat format, String what) {
        return withReader(file, format, what, reader -> {
            Layout l = layout(reader, format, false, what);
            long[] size = l.pages > 1 ? new long[] {l.width, l.height, l.pages} : new long[] {l.width, l.height};
            double[] spacing = new double[size.length];
            Arrays.fill(spacing, 1);
            return new ImageInfo(file, size, l.channels, spacing, l.type);
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
                String fmt = r.getFormatName().toLowerCase(java.util.Locale.ROOT);
                if (format == ImageFormat.PNG ? fmt.equals("png") : fmt.startsWith("tif")) {
                    reader = r;
                    break;
                }
            }
            if (reader == null) {
                throw new InvalidInputException(what + ": not a valid " + format + " file (unrecognised content)");
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
        int channels;
        if (palette != null) {
            channels = labels || paletteIsGrey ? 1 : 3;
            type = labels ? type : PixelType.UINT8;
        } else if (cm != null && cm.hasAlpha() && hasAlphaSample(reader, format)) {
            channels = bands - 1;
        } else {
            channels = bands;
        }
        for (int p = 1; p < pages; p++) {
            if (reader.getWidth(p) != width || reader.getHeight(p) != height) {
                throw new InvalidInputException(what + ": page " + (p + 1) + " is " + reader.getWidth(p) + "×"
                        + reader.getHeight(p) + " but page 1 is " + width + "×" + height
                        + "; the pages of a TIFF z-stack must all have the same size");
            }
        }
        return new Layout(width, height, pages, bands, channels, type, palette, paletteIsGrey);
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
        long[] size = l.pages > 1 ? new long[] {l.width, l.height, l.pages} : new long[] {l.width, l.height};
        int plane = Math.multiplyExact(l.width, l.height);
        int n = VolumeShapes.checkedArrayLength(what, VolumeShapes.voxels(size) * l.channels);
        long volume = (long) plane * l.pages;
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
            if (l.palette != null && !labels) {
                expandPalette(r, l, (float[]) data, p * plane, volume);
                continue;
            }
            for (int c = 0; c < l.channels; c++) {
                int offset = (int) (c * volume + (long) p * plane);
                if (data instanceof float[] f) {
                    if (offset == 0) {
                        r.getSamples(0, 0, l.width, l.height, c, f); // fills the first plane in place
                    } else {
                        System.arraycopy(r.getSamples(0, 0, l.width, l.height, c, floatPlane), 0, f, offset, plane);
                    }
                } else if (data instanceof double[] d) {
                    System.arraycopy(r.getSamples(0, 0, l.width, l.height, c, (double[]) null), 0, d, offset, plane);
                } else {
                    System.arraycopy(r.getSamples(0, 0, l.width, l.height, c, (int[]) null), 0, (int[]) data, offset,
                            plane);
                }
            }
        }
        double[] spacing = new double[size.length];
        Arrays.fill(spacing, 1);
        return new RawVolume(size, l.channels, spacing, type, data, 1, 0);
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
     * Writes C-order (c, [z,] y, x) data, given as float[] or int[], as PNG (2D only) or TIFF (one page per
     * slice). The caller has chosen a storage type that holds every value.
     */
    static void write(Path temp, ImageFormat format, Object data, long[] size, int channels, Storage storage)
            throws IOException {
        int w = Math.toIntExact(size[0]);
        int h = Math.toIntExact(size[1]);
        int pages = size.length > 2 ? Math.toIntExact(size[2]) : 1;
        int plane = w * h;
        long volume = (long) plane * pages;
        ColorSpace cs = channels == 1 ? ColorSpace.getInstance(ColorSpace.CS_GRAY)
                : channels == 3 ? ColorSpace.getInstance(ColorSpace.CS_sRGB) : new ChannelColorSpace(channels);
        ComponentColorModel cm = new ComponentColorModel(cs, false, false, Transparency.OPAQUE,
                storage.dataBufferType);
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format == ImageFormat.PNG ? "png" : "tiff").next();
        try (ImageOutputStream out = new FileImageOutputStream(temp.toFile())) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (format == ImageFormat.TIFF) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionType("ZLib");
                writer.prepareWriteSequence(null);
            }
            for (int p = 0; p < pages; p++) {
                WritableRaster r = cm.createCompatibleWritableRaster(w, h);
                for (int c = 0; c < channels; c++) {
                    int from = (int) (c * volume + (long) p * plane);
                    if (data instanceof float[] f) {
                        r.setSamples(0, 0, w, h, c, Arrays.copyOfRange(f, from, from + plane));
                    } else {
                        r.setSamples(0, 0, w, h, c, Arrays.copyOfRange((int[]) data, from, from + plane));
                    }
                }
                IIOImage page = new IIOImage(new BufferedImage(cm, r, false, null), null, null);
                if (format == ImageFormat.TIFF) {
                    writer.writeToSequence(page, param);
                } else {
                    writer.write(null, page, param);
                }
            }
            if (format == ImageFormat.TIFF) {
                writer.endWriteSequence();
            }
        } finally {
            writer.dispose();
        }
    }

    /**
     * A colour space that only says "n independent channels", so that TIFF can store any channel count
     * (the TIFF writer needs a colour model; no colour conversion ever happens with it).
     */
    private static final class ChannelColorSpace extends ColorSpace {
        private static final long serialVersionUID = 1L;

        ChannelColorSpace(int n) {
            super(n <= 15 ? ColorSpace.TYPE_2CLR + n - 2 : ColorSpace.TYPE_FCLR, n);
        }

        @Override
        public float[] toRGB(float[] value) {
            return new float[] {value[0], value[0], value[0]};
        }

        @Override
        public float[] fromRGB(float[] rgb) {
            return new float[getNumComponents()];
        }

        @Override
        public float[] toCIEXYZ(float[] value) {
            return new float[3];
        }

        @Override
        public float[] fromCIEXYZ(float[] xyz) {
            return new float[getNumComponents()];
        }

        @Override
        public float getMinValue(int component) {
            return -Float.MAX_VALUE;
        }

        @Override
        public float getMaxValue(int component) {
            return Float.MAX_VALUE;
        }
    }
}
