package org.maskseg.core.nnunet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.io.ReadLimits;
import org.maskseg.core.nnunet.CheckpointUnpickler.PickledStorage;
import org.maskseg.core.nnunet.CheckpointUnpickler.PickledTensor;


/**
 * A PyTorch checkpoint file ({@code torch.save}'s zip format): {@code <name>/data.pkl}, the pickled object,
 * and {@code <name>/data/<key>}, one entry per storage with its raw little-endian elements. The pickle is read
 * on opening (see {@link CheckpointUnpickler} for what it may contain); tensor data is read only when asked
 * for, so optimiser state that is not needed is never loaded.
 */
final class TorchCheckpoint implements AutoCloseable {

    private final ZipFile zip;
    private final String prefix;
    private final String what;
    private final Object root;
    private long budget = ReadLimits.maxArchiveBytes();

    private TorchCheckpoint(ZipFile zip, String prefix, String what, Object root) {
        this.zip = zip;
        this.prefix = prefix;
        this.what = what;
        this.root = root;
    }

    /**
     * Opens a checkpoint and reads its pickle.
     *
     * @throws InvalidInputException for a missing, foreign, corrupt or unsafe file
     */
    static TorchCheckpoint open(Path file) {
        String what = "checkpoint '" + file + "'";
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new InvalidInputException(what + " does not exist", e);
        } catch (ZipException e) {
            throw new InvalidInputException(what + " is not a PyTorch checkpoint in zip format (saved by PyTorch 1.6 "
                    + "or newer): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new InvalidInputException(what + " cannot be read: " + e.getMessage(), e);
        }
        boolean ok = false;
        try {
            String prefix = null;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements();) {
                String name = en.nextElement().getName();
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                    if (prefix != null) {
                        throw new InvalidInputException(what + " holds more than one data.pkl");
                    }
                    prefix = name.substring(0, name.length() - "data.pkl".length());
                }
            }
            if (prefix == null) {
                throw new InvalidInputException(what + " is not a PyTorch checkpoint (no <name>/data.pkl entry)");
            }
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null) {
                String o = new String(readEntry(zip, order, 16, what), StandardCharsets.US_ASCII).trim();
                if (!"little".equals(o)) {
                    throw new InvalidInputException(what + " was saved with byte order '" + o
                            + "'; only little-endian checkpoints are read");
                }
            }
            ZipEntry pkl = zip.getEntry(prefix + "data.pkl");
            byte[] pickle = readEntry(zip, pkl, ReadLimits.maxArchiveBytes(), what);
            Object root = CheckpointUnpickler.load(pickle, what, java.util.Set.of());
            TorchCheckpoint c = new TorchCheckpoint(zip, prefix, what, root);
            ok = true;
            return c;
        } finally {
            if (!ok) {
                try {
                    zip.close();
                } catch (IOException ignored) {
                    // the original failure is what the user needs to see
                }
            }
        }
    }

    /** The unpickled object (for nnU-Net: a dict). */
    Object root() {
        return root;
    }

    /** The file, as messages start. */
    String what() {
        return what;
    }

    /**
     * A floating-point tensor's values as float32, C order (any strides; float64, float16 and bfloat16 are
     * converted).
     */
    float[] floats(PickledTensor t, String name) {
        PickledStorage s = t.storage();
        if (!s.type().floating()) {
            throw new InvalidInputException(what + ": tensor '" + name + "' holds " + s.type()
                    + " values, a floating-point type was expected");
        }
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException(what + ": tensor '" + name + "' has more values than fit one array");
        }
        ZipEntry e = zip.getEntry(prefix + "data/" + s.key());
        if (e == null) {
            throw new InvalidInputException(what + " is corrupt: the data of tensor '" + name + "' (" + prefix
                    + "data/" + s.key() + ") is missing");
        }
        long bytes = s.numel() * s.type().bytes;
        byte[] raw = readEntry(zip, e, Math.min(budget, bytes), what);
        if (raw.length != bytes) {
            throw new InvalidInputException(what + " is corrupt: storage '" + s.key() + "' has " + raw.length
                    + " bytes, its tensors need " + bytes);
        }
        budget -= raw.length;
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(int) n];
        long[] size = t.size();
        long[] stride = t.stride();
        long[] idx = new long[size.length];
        for (int i = 0; i < out.length; i++) {
            long off = t.offset();
            for (int a = 0; a < size.length; a++) {
                off += idx[a] * stride[a];
            }
            out[i] = element(b, s.type(), (int) off);
            for (int a = size.length - 1; a >= 0; a--) {
                if (++idx[a] < size[a]) {
                    break;
                }
                idx[a] = 0;
            }
        }
        return out;
    }

    private static float element(ByteBuffer b, CheckpointUnpickler.StorageType type, int i) {
        return switch (type) {
            case FLOAT32 -> b.getFloat(4 * i);
            case FLOAT64 -> (float) b.getDouble(8 * i);
            case FLOAT16 -> halfToFloat(b.getShort(2 * i));
            case BFLOAT16 -> Float.intBitsToFloat((b.getShort(2 * i) & 0xFFFF) << 16);
            default -> throw new IllegalStateException(type.toString());
        };
    }

    /** IEEE 754 binary16 to binary32, exactly (subnormals, infinities and NaN included). */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    private static byte[] readEntry(ZipFile zip, ZipEntry e, long limit, String what) {
        try (InputStream in = zip.getInputStream(e)) {
            return ReadLimits.readBounded(in, limit, what);
        } catch (IOException ex) {
            throw new InvalidInputException(what + " is corrupt: entry " + e.getName() + " cannot be read ("
                    + ex.getMessage() + ")", ex);
        }
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException e) {
            // read-only; nothing is lost
        }
    }
}
