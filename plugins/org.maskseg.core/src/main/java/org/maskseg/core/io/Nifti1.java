package org.maskseg.core.io;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

import org.maskseg.core.InvalidInputException;

/**
 * A compact NIfTI-1 single-file ({@code .nii}, {@code .nii.gz}) reader and writer.
 * <p>
 * Layout facts used here: the header is 348 bytes; {@code sizeof_hdr} (first int) is 348 in the file's
 * byte order, which is how the order is detected; the voxels start at {@code vox_offset} (352 for files
 * with no extension), x fastest, then y, z and the 4th dimension, which MaskSeg reads as channels. That
 * is exactly the C-order (c, z, y, x) of an image volume, so no reordering is needed. Gzip is recognised
 * by its magic bytes, whatever the file is called.
 */
final class Nifti1 {

    static final int HEADER_SIZE = 348;
    static final int VOX_OFFSET = 352;

    // NIfTI-1 datatype codes
    static final short DT_UINT8 = 2;
    static final short DT_INT16 = 4;
    static final short DT_INT32 = 8;
    static final short DT_FLOAT32 = 16;
    static final short DT_FLOAT64 = 64;
    static final short DT_INT8 = 256;
    static final short DT_UINT16 = 512;
    static final short DT_UINT32 = 768;

    /** NIFTI_UNITS_MM: spacing is written in millimetres, as medical tools assume. */
    private static final byte UNITS_MM = 2;

    private static final int CHUNK = 1 << 20;

    private Nifti1() {
    }

    /** The parts of the header MaskSeg uses. */
    record Header(ByteOrder order, long[] dims, double[] pixdim, short datatype, long voxOffset, double slope,
            double inter, Geometry geometry) {

        long[] spatialSize() {
            long z = dims.length > 2 ? dims[2] : 1;
            return z > 1 ? new long[] {dims[0], dims[1], z} : new long[] {dims[0], dims[1]};
        }

        int channels() {
            return dims.length > 3 ? (int) dims[3] : 1;
        }

        double[] spacing() {
            int n = spatialSize().length;
            double[] s = new double[n];
            for (int d = 0; d < n; d++) {
                double p = Math.abs(pixdim[d]);
                // 0, NaN or infinite spacing is meaningless: fall back to 1 like other readers do
                s[d] = p > 0 && Double.isFinite(p) ? p : 1;
            }
            return s;
        }

        PixelType pixelType() {
            return switch (datatype) {
                case DT_UINT8 -> PixelType.UINT8;
                case DT_INT8 -> PixelType.INT8;
                case DT_INT16 -> PixelType.INT16;
                case DT_UINT16 -> PixelType.UINT16;
                case DT_INT32 -> PixelType.INT32;
                case DT_UINT32 -> PixelType.UINT32;
                case DT_FLOAT32 -> PixelType.FLOAT32;
                case DT_FLOAT64 -> PixelType.FLOAT64;
                default -> throw new IllegalStateException();
            };
        }
    }

    /**
     * Where the voxel grid lies in space: the qform/sform orientation fields, copied from an input file to
     * the results computed from it, so that viewers overlay them exactly.
     */
    record Geometry(short qformCode, short sformCode, float qfac, float[] quatern, float[] qoffset, float[] srow,
            byte units) {

        static Geometry read(ByteBuffer b) {
            float[] quatern = {b.getFloat(256), b.getFloat(260), b.getFloat(264)};
            float[] qoffset = {b.getFloat(268), b.getFloat(272), b.getFloat(276)};
            float[] srow = new float[12];
            for (int i = 0; i < 12; i++) {
                srow[i] = b.getFloat(280 + 4 * i);
            }
            return new Geometry(b.getShort(252), b.getShort(254), b.getFloat(76), quatern, qoffset, srow, b.get(123));
        }

        /** The default of files MaskSeg creates: axes aligned with the scanner frame, origin at voxel 0. */
        static Geometry aligned(float[] spacing) {
            float[] srow = new float[12];
            srow[0] = spacing[0];
            srow[5] = spacing[1];
            srow[10] = spacing[2];
            return new Geometry((short) 1, (short) 1, 1f, new float[3], new float[3], srow, UNITS_MM);
        }

        void write(ByteBuffer b) {
            b.putShort(252, qformCode);
            b.putShort(254, sformCode);
            b.putFloat(76, qfac);
            for (int i = 0; i < 3; i++) {
                b.putFloat(256 + 4 * i, quatern[i]);
                b.putFloat(268 + 4 * i, qoffset[i]);
            }
            for (int i = 0; i < 12; i++) {
                b.putFloat(280 + 4 * i, srow[i]);
            }
            b.put(123, units);
        }
    }

    static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new GzipStream(new GZIPInputStream(in, 1 << 16));
        }
        return in;
    }

    /** Decompressed content of a gzip file, buffered. */
    private static final class GzipStream extends BufferedInputStream {
        GzipStream(InputStream in) {
            super(in, 1 << 16);
        }
    }

    static ImageInfo info(Path file, String what) {
        Header h = header(file, what);
        return new ImageInfo(file, h.spatialSize(), h.channels(), h.spacing(), h.pixelType());
    }

    static Header header(Path file, String what) {
        try (InputStream in = open(file)) {
            return readHeader(in, what);
        } catch (ZipException e) {
            throw new InvalidInputException(what + ": corrupt gzip data (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new InvalidInputException(what + ": cannot read the file (" + e.getMessage() + ")", e);
        }
    }

    static RawVolume read(Path file, String what) {
        try (InputStream in = open(file)) {
            Header h = readHeader(in, what);
            in.skipNBytes(h.voxOffset - HEADER_SIZE);
            long[] size = h.spatialSize();
            int channels = h.channels();
            int n = ReadLimits.checkDeclared(what, size, channels);
            Object data = readVoxels(in, h, n, what);
            if (in instanceof GzipStream) {
                // read to the end so that the gzip trailer (CRC and length) is checked
                in.transferTo(OutputStream.nullOutputStream());
            }
            return new RawVolume(size, channels, h.spacing(), h.pixelType(), data, h.slope(), h.inter());
        } catch (EOFException e) {
            throw new InvalidInputException(what + ": the file is truncated (it ends before the end of the voxel "
                    + "data the header announces)", e);
        } catch (ZipException e) {
            throw new InvalidInputException(what + ": corrupt gzip data (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new InvalidInputException(what + ": cannot read the file (" + e.getMessage() + ")", e);
        }
    }

    static Header readHeader(InputStream in, String what) throws IOException {
        byte[] raw = in.readNBytes(HEADER_SIZE);
        if (raw.length < HEADER_SIZE) {
            throw new InvalidInputException(what + ": not a NIfTI-1 file (only " + raw.length
                    + " bytes, a header has " + HEADER_SIZE + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != HEADER_SIZE) {
            b.order(ByteOrder.BIG_ENDIAN);
            if (b.getInt(0) != HEADER_SIZE) {
                int le = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
                if (le == 540 || b.getInt(0) == 540) {
                    throw new InvalidInputException(what + ": NIfTI-2 files are not supported; save it as NIfTI-1");
                }
                throw new InvalidInputException(what + ": not a NIfTI-1 file (header size field is not 348)");
            }
        }
        String magic = new String(raw, 344, 3, StandardCharsets.US_ASCII);
        if (magic.equals("ni1")) {
            throw new InvalidInputException(what + ": a NIfTI header/image pair (.hdr/.img) is not supported; "
                    + "save it as a single .nii or .nii.gz file");
        }
        if (!magic.equals("n+1") || raw[347] != 0) {
            throw new InvalidInputException(what + ": not a NIfTI-1 file (magic 'n+1' missing; Analyze 7.5 "
                    + "files are not supported)");
        }
        int ndim = b.getShort(40);
        if (ndim < 2 || ndim > 7) {
            throw new InvalidInputException(what + ": " + ndim + " dimensions; expected 2 to 4");
        }
        long[] dims = new long[Math.max(ndim, 3)];
        for (int d = 0; d < 7; d++) {
            int v = d < ndim ? b.getShort(42 + 2 * d) : 1;
            if (d < ndim && v < 1) {
                throw new InvalidInputException(what + ": dimension " + (d + 1) + " has size " + v);
            }
            if (d >= 4 && v > 1) {
                throw new InvalidInputException(what + ": " + ndim + "-dimensional data (size " + v + " along axis "
                        + (d + 1) + ") is not supported; expected x, y, z and optionally channels");
            }
            if (d < dims.length) {
                dims[d] = v;
            }
        }
        if (dims.length > 3 && dims[3] == 1) {
            dims = Arrays.copyOf(dims, 3);
        }
        short datatype = b.getShort(70);
        int bitpix = b.getShort(72);
        int expectedBits = switch (datatype) {
            case DT_UINT8, DT_INT8 -> 8;
            case DT_INT16, DT_UINT16 -> 16;
            case DT_INT32, DT_UINT32, DT_FLOAT32 -> 32;
            case DT_FLOAT64 -> 64;
            default -> throw new InvalidInputException(what + ": unsupported pixel type (NIfTI datatype code "
                    + datatype + "); supported are 8/16/32-bit integers and 32/64-bit floats");
        };
        if (bitpix != expectedBits) {
            throw new InvalidInputException(what + ": inconsistent header (datatype " + datatype + " has " + expectedBits
                    + " bits per voxel, bitpix says " + bitpix + ")");
        }
        double[] pixdim = new double[3];
        for (int d = 0; d < 3; d++) {
            pixdim[d] = b.getFloat(80 + 4 * d);
        }
        float voxOffset = b.getFloat(108);
        if (!(voxOffset >= HEADER_SIZE) || voxOffset != Math.rint(voxOffset) || voxOffset > Integer.MAX_VALUE) {
            throw new InvalidInputException(what + ": invalid voxel data offset " + voxOffset);
        }
        double slope = b.getFloat(112);
        double inter = b.getFloat(116);
        // slope 0 (or not a number) means "no scaling" in NIfTI-1
        if (slope == 0 || !Double.isFinite(slope) || !Double.isFinite(inter)) {
            slope = 1;
            inter = 0;
        }
        return new Header(b.order(), dims, pixdim, datatype, (long) voxOffset, slope, inter, Geometry.read(b));
    }

    private static Object readVoxels(InputStream in, Header h, int n, String what) throws IOException {
        PixelType type = h.pixelType();
        int bytes = switch (type) {
            case UINT8, INT8 -> 1;
            case UINT16, INT16 -> 2;
            case FLOAT64 -> 8;
            default -> 4;
        };
        Object out = switch (type) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            default -> new int[n];
        };
        int perChunk = CHUNK / bytes;
        byte[] chunk = new byte[perChunk * bytes];
        ByteBuffer b = ByteBuffer.wrap(chunk).order(h.order());
        for (int start = 0; start < n; start += perChunk) {
            int m = Math.min(perChunk, n - start);
            int len = m * bytes;
            if (in.readNBytes(chunk, 0, len) < len) {
                throw new EOFException();
            }
            b.clear();
            switch (type) {
                case UINT8 -> {
                    int[] o = (int[]) out;
                    for (int i = 0; i < m; i++) {
                        o[start + i] = chunk[i] & 0xff;
                    }
                }
                case INT8 -> {
                    int[] o = (int[]) out;
                    for (int i = 0; i < m; i++) {
                        o[start + i] = chunk[i];
                    }
                }
                case UINT16 -> {
                    int[] o = (int[]) out;
                    for (int i = 0; i < m; i++) {
                        o[start + i] = b.getShort(2 * i) & 0xffff;
                    }
                }
                case INT16 -> {
                    int[] o = (int[]) out;
                    for (int i = 0; i < m; i++) {
                        o[start + i] = b.getShort(2 * i);
                    }
                }
                case INT32, UINT32 -> b.asIntBuffer().get((int[]) out, start, m);
                case FLOAT32 -> b.asFloatBuffer().get((float[]) out, start, m);
                case FLOAT64 -> b.asDoubleBuffer().get((double[]) out, start, m);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------- writing

    /**
     * Writes a NIfTI-1 file (little endian, gzip when {@code gzip}). The data are C-order (c, [z,] y, x),
     * given as float[] (written as float32) or int[] (written with {@code datatype}, which the caller chose
     * to hold every value).
     */
    static void write(Path temp, boolean gzip, Object data, long[] size, int channels, double[] spacing,
            short datatype, Geometry geometry) throws IOException {
        write(temp, gzip, data, size, channels, spacing, datatype, geometry, 1f);
    }

    /**
     * Writes a NIfTI-1 file like {@link #write(Path, boolean, Object, long[], int, double[], short, Geometry)} whose
     * stored values mean {@code stored * slope} (the header's intensity scaling, which NIfTI readers apply).
     */
    static void write(Path temp, boolean gzip, Object data, long[] size, int channels, double[] spacing,
            short datatype, Geometry geometry, float slope) throws IOException {
        ByteBuffer header = header(size, channels, spacing, datatype, geometry);
        header.putFloat(112, slope);
        try (OutputStream file = Files.newOutputStream(temp);
                OutputStream out = gzip ? new FastGzipStream(file) : new BufferedOutputStream(file, 1 << 16)) {
            out.write(header.array());
            writeVoxels(out, data, datatype);
        }
    }

    /** Gzip at the fastest deflate level: several times faster than the default on image data. */
    private static final class FastGzipStream extends GZIPOutputStream {
        FastGzipStream(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    /**
     * The 348-byte header plus the 4-byte "no extension" block, little endian.
     *
     * @param geometry orientation to record, or null for axes aligned with the scanner frame
     */
    static ByteBuffer header(long[] size, int channels, double[] spacing, short datatype, Geometry geometry) {
        ByteBuffer b = ByteBuffer.allocate(VOX_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, HEADER_SIZE);
        b.put(38, (byte) 'r'); // "regular", kept for Analyze compatibility
        int ndim = channels > 1 ? 4 : size.length;
        long[] dims = {size[0], size[1], size.length > 2 ? size[2] : 1, channels};
        b.putShort(40, (short) ndim);
        for (int d = 0; d < 7; d++) {
            long v = d < 4 ? dims[d] : 1;
            if (v > Short.MAX_VALUE) {
                throw new InvalidInputException("NIfTI-1 cannot store an axis longer than 32767 voxels (got " + v + ")");
            }
            b.putShort(42 + 2 * d, (short) v);
        }
        b.putShort(70, datatype);
        b.putShort(72, (short) bits(datatype));
        float[] sp = {(float) spacing[0], (float) spacing[1], size.length > 2 ? (float) spacing[2] : 1f};
        for (int d = 0; d < 3; d++) {
            b.putFloat(80 + 4 * d, sp[d]);
        }
        b.putFloat(108, VOX_OFFSET);
        b.putFloat(112, 1f); // scl_slope: stored values are the values
        (geometry != null ? geometry : Geometry.aligned(sp)).write(b);
        b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1');
        return b;
    }

    static int bits(short datatype) {
        return switch (datatype) {
            case DT_UINT8, DT_INT8 -> 8;
            case DT_INT16, DT_UINT16 -> 16;
            case DT_FLOAT64 -> 64;
            default -> 32;
        };
    }

    private static void writeVoxels(OutputStream out, Object data, short datatype) throws IOException {
        int bytes = bits(datatype) / 8;
        int n = data instanceof float[] f ? f.length : ((int[]) data).length;
        int perChunk = CHUNK / bytes;
        ByteBuffer b = ByteBuffer.allocate(perChunk * bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < n; start += perChunk) {
            int m = Math.min(perChunk, n - start);
            b.clear();
            if (data instanceof float[] f) {
                b.asFloatBuffer().put(f, start, m);
            } else {
                int[] v = (int[]) data;
                switch (datatype) {
                    case DT_UINT8 -> {
                        for (int i = 0; i < m; i++) {
                            b.put(i, (byte) v[start + i]);
                        }
                    }
                    case DT_INT16, DT_UINT16 -> {
                        for (int i = 0; i < m; i++) {
                            b.putShort(2 * i, (short) v[start + i]);
                        }
                    }
                    case DT_INT32 -> b.asIntBuffer().put(v, start, m);
                    default -> throw new IllegalArgumentException("datatype " + datatype);
                }
            }
            out.write(b.array(), 0, m * bytes);
        }
    }
}
