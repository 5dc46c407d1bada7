package org.maskseg.core.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binary encoding of named float32 tensors ({@code weights.bin}, {@code optimizer.bin}).
 * <p>
 * Layout, all little-endian: magic {@code "MSTN"}, int32 codec version, int32 tensor count; then per
 * tensor: int32 byte length + UTF-8 name, int32 rank, int64 extent per axis, float32 values in C order.
 */
final class TensorCodec {

    private static final int MAGIC = 0x4e54534d; // "MSTN" read as a little-endian int
    private static final int VERSION = 1;

    private TensorCodec() {
    }

    static byte[] encode(Map<String, HostTensor> tensors) {
        long total = 12;
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            total += 8 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 8L * e.getValue().shape().length
                    + 4L * e.getValue().data().length;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensors too large for one entry: " + total + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putInt(tensors.size());
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            b.putInt(name.length).put(name);
            long[] shape = e.getValue().shape();
            b.putInt(shape.length);
            for (long s : shape) {
                b.putLong(s);
            }
            b.asFloatBuffer().put(e.getValue().data());
            b.position(b.position() + 4 * e.getValue().data().length);
        }
        return b.array();
    }

    /**
     * Decodes tensors, keeping their order.
     *
     * @param what names the entry in error messages, e.g. "model file 'a.zip': weights.bin"
     * @throws java.io.IOException when the bytes are not a valid encoding
     */
    static LinkedHashMap<String, HostTensor> decode(byte[] bytes, String what) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            if (b.getInt() != MAGIC) {
                throw new IOException(what + " is not a MaskSeg tensor file");
            }
            int version = b.getInt();
            if (version != VERSION) {
                throw new IOException(what + " uses tensor encoding " + version + ", this version reads " + VERSION);
            }
            int count = b.getInt();
            LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
            for (int t = 0; t < count; t++) {
                int nameLength = b.getInt();
                if (nameLength < 0 || nameLength > b.remaining()) {
                    throw new IOException(what + " is damaged (tensor " + t + ")");
                }
                byte[] name = new byte[nameLength];
                b.get(name);
                int rank = b.getInt();
                if (rank < 0 || rank > 16) {
                    throw new IOException(what + " is damaged (tensor " + t + " has rank " + rank + ")");
                }
                long[] shape = new long[rank];
                long n = 1;
                for (int d = 0; d < rank; d++) {
                    shape[d] = b.getLong();
                    if (shape[d] < 0) {
                        throw new IOException(what + " is damaged (negative extent)");
                    }
                    n = Math.multiplyExact(n, shape[d]);
                }
                if (4 * n > b.remaining()) {
                    throw new IOException(what + " is truncated (tensor " + new String(name, StandardCharsets.UTF_8)
                            + ")");
                }
                float[] data = new float[(int) n];
                b.asFloatBuffer().get(data);
                b.position(b.position() + 4 * data.length);
                out.put(new String(name, StandardCharsets.UTF_8), new HostTensor(shape, data));
            }
            if (b.hasRemaining()) {
                throw new IOException(what + " has " + b.remaining() + " unexpected trailing bytes");
            }
            return out;
        } catch (java.nio.BufferUnderflowException | ArithmeticException e) {
            throw new IOException(what + " is truncated or damaged", e);
        }
    }
}
