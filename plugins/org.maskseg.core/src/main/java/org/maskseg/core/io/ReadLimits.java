package org.maskseg.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

import org.maskseg.core.InvalidInputException;

/**
 * How much a file may make the readers allocate. A small file can declare a huge image (a NIfTI header, a PNG
 * or TIFF header, a compressed stream that expands without end); such files are refused from what they
 * declare, before anything of that size is allocated. The limits are system properties, for genuine files
 * that are larger:
 * <ul>
 * <li>{@code maskseg.io.maxVoxels}: values (voxels × channels) of one image; default an eighth of the
 * maximal Java heap (a float per value plus decoding buffers), at most what one Java array holds;</li>
 * <li>{@code maskseg.io.maxArchiveBytes}: uncompressed bytes of a model or checkpoint file; default half the
 * maximal Java heap, at most 2 GiB.</li>
 * </ul>
 */
public final class ReadLimits {

    public static final String MAX_VOXELS = "maskseg.io.maxVoxels";
    public static final String MAX_ARCHIVE_BYTES = "maskseg.io.maxArchiveBytes";

    private static final long ARRAY_LIMIT = Integer.MAX_VALUE - 8;

    private ReadLimits() {
    }

    /** The largest number of values one image may declare. */
    public static long maxVoxels() {
        return positive(MAX_VOXELS, Math.min(ARRAY_LIMIT, Runtime.getRuntime().maxMemory() / 8));
    }

    /** The largest number of uncompressed bytes a model or checkpoint file may hold. */
    public static long maxArchiveBytes() {
        return positive(MAX_ARCHIVE_BYTES, Math.min(ARRAY_LIMIT, Runtime.getRuntime().maxMemory() / 2));
    }

    /**
     * Refuses an image that declares more values than {@link #maxVoxels()}.
     *
     * @param what  the file, as error messages start
     * @param size  spatial size as declared, x first
     * @param channels channels as declared
     * @return the number of values, which fits a Java array
     */
    public static int checkDeclared(String what, long[] size, long channels) {
        long n = channels;
        StringBuilder dims = new StringBuilder();
        for (long s : size) {
            if (s < 1) {
                throw new InvalidInputException(what + ": the header declares an empty image (an axis of length " + s
                        + ")");
            }
            n = n > Long.MAX_VALUE / s ? Long.MAX_VALUE : n * s;
            dims.append(dims.length() == 0 ? "" : "×").append(s);
        }
        long limit = maxVoxels();
        if (n > limit) {
            throw new InvalidInputException(String.format(Locale.ROOT, "%s: the header declares %s voxels × %d "
                    + "channel(s) = %d values, more than the limit of %d; if the file is genuine, raise the limit "
                    + "with -D%s=N (and give Java more memory)", what, dims, channels, n, limit, MAX_VOXELS));
        }
        return (int) n;
    }

    /**
     * Reads a stream to its end, refusing it as soon as it holds more than {@code remaining} bytes.
     *
     * @throws InvalidInputException when the limit is exceeded
     */
    public static byte[] readBounded(InputStream in, long remaining, String what) throws IOException {
        byte[] data = in.readNBytes((int) Math.min(ARRAY_LIMIT, remaining));
        if (in.read() != -1) {
            throw new InvalidInputException(what + " expands to more than " + remaining + " bytes, more than the "
                    + "limit of " + maxArchiveBytes() + " for a model file; if the file is genuine, raise the limit "
                    + "with -D" + MAX_ARCHIVE_BYTES + "=N");
        }
        return data;
    }

    private static long positive(String property, long fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            long l = Long.parseLong(v.strip());
            if (l > 0) {
                return Math.min(l, ARRAY_LIMIT);
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new InvalidInputException("-D" + property + " must be a positive whole number, got '" + v + "'");
    }
}
