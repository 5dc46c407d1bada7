package org.maskseg.core.nnunet;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a checkpoint in {@code torch.save}'s zip format, which {@code torch.load} reads (with or without {@code
 * weights_only}) and {@link TorchCheckpoint} reads back: {@code archive/data.pkl} (the pickled object, see {@link
 * PickleWriter}), {@code archive/byteorder}, one entry {@code archive/data/<key>} per float32 storage with its
 * elements little-endian, and {@code archive/version}. Entries are stored uncompressed with their data at offsets
 * that are multiples of 64, as PyTorch writes them (so that it can map them into memory).
 */
final class TorchCheckpointWriter {

    static final String ARCHIVE = "archive";
    private static final int ALIGNMENT = 64;
    /** Zip extra-field id for the padding; readers skip extra fields they do not know. */
    private static final int PADDING_FIELD = 0x4650;
    /** A fixed time stamp, so that the same checkpoint gives the same bytes. */
    private static final long TIME = 1_577_836_800_000L;

    private final List<float[]> storages = new ArrayList<>();

    /**
     * Registers a tensor's values (C order) as a new storage.
     *
     * @return the tensor to put into the pickled object
     */
    PickleWriter.Tensor tensor(float[] values, long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("shape and values differ: " + java.util.Arrays.toString(shape) + " for "
                    + values.length + " values");
        }
        storages.add(values);
        return new PickleWriter.Tensor(String.valueOf(storages.size() - 1), values.length, shape);
    }

    /** Writes the checkpoint of {@code root} (which refers to the registered tensors) to a file. */
    void write(Object root, Path file) throws IOException {
        byte[] pickle = PickleWriter.pickle(root);
        try (Counting counting = new Counting(Files.newOutputStream(file));
                ZipOutputStream zip = new ZipOutputStream(counting)) {
            entry(zip, counting, ARCHIVE + "/data.pkl", pickle);
            entry(zip, counting, ARCHIVE + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (int k = 0; k < storages.size(); k++) {
                float[] v = storages.get(k);
                ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                entry(zip, counting, ARCHIVE + "/data/" + k, b.array());
            }
            entry(zip, counting, ARCHIVE + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void entry(ZipOutputStream zip, Counting counting, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setTime(TIME);
        // local header: 30 bytes, the name, then the extra field; pad so that the data starts aligned
        long start = counting.count + 30 + name.getBytes(StandardCharsets.UTF_8).length + 4;
        int pad = (int) ((ALIGNMENT - start % ALIGNMENT) % ALIGNMENT);
        byte[] extra = new byte[4 + pad];
        extra[0] = (byte) PADDING_FIELD;
        extra[1] = (byte) (PADDING_FIELD >>> 8);
        extra[2] = (byte) pad;
        extra[3] = (byte) (pad >>> 8);
        e.setExtra(extra);
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** Counts the bytes written, for the offsets of the entries. */
    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
