package org.maskseg.core.nnunet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.nnunet.CheckpointUnpickler.PickledTensor;

/**
 * Hand-written pickles (protocol 2, opcodes spelled out) in hand-built checkpoint archives: what PyTorch and
 * nnU-Net store is read; anything that names another Python object is refused.
 */
class CheckpointUnpicklerTest {

    @TempDir
    Path tmp;

    /** Builds a pickle opcode by opcode. */
    private static final class Pickle {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Pickle() {
            op(0x80, 2); // PROTO 2
        }

        Pickle op(int... bytes) {
            for (int x : bytes) {
                b.write(x);
            }
            return this;
        }

        Pickle global(String module, String name) {
            op('c');
            b.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle str(String s) { // BINUNICODE
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            op('X', u.length & 0xFF, (u.length >> 8) & 0xFF, 0, 0);
            b.writeBytes(u);
            return this;
        }

        Pickle small(int v) { // BININT1
            return op('K', v);
        }

        byte[] stop() {
            op('.');
            return b.toByteArray();
        }
    }

    private Path archive(byte[] pickle, Map<String, byte[]> data) throws IOException {
        Path f = tmp.resolve("checkpoint.pth");
        try (OutputStream o = Files.newOutputStream(f); ZipOutputStream z = new ZipOutputStream(o)) {
            z.putNextEntry(new ZipEntry("checkpoint/data.pkl"));
            z.write(pickle);
            for (Map.Entry<String, byte[]> e : data.entrySet()) {
                z.putNextEntry(new ZipEntry("checkpoint/data/" + e.getKey()));
                z.write(e.getValue());
            }
        }
        return f;
    }

    private static byte[] littleEndian(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    @Test
    void readsTensorsOrderedDictsNumpyScalarsAndDevices() throws IOException {
        Pickle p = new Pickle();
        p.op('}', '(');
        // "w": _rebuild_tensor_v2(storage, 0, (2, 2), (1, 2), False, OrderedDict()) -- a transposed view
        p.str("w").global("torch._utils", "_rebuild_tensor_v2").op('(');
        p.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").small(4).op('t', 'Q');
        p.small(0).small(2).small(2).op(0x86).small(1).small(2).op(0x86).op(0x89);
        p.global("collections", "OrderedDict").op(')', 'R');
        p.op('t', 'R');
        // "ema": numpy.core.multiarray.scalar(dtype('f8') with state, _codecs.encode(<8 latin-1 chars>, 'latin1'))
        p.str("ema").global("numpy.core.multiarray", "scalar");
        p.global("numpy", "dtype").str("f8").op(0x89, 0x88, 0x87, 'R');
        p.op('(').small(3).str("<").op('N', 'N', 'N').op('J', 0xFF, 0xFF, 0xFF, 0xFF).op('J', 0xFF, 0xFF, 0xFF, 0xFF)
                .small(0).op('t', 'b');
        byte[] bits = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.8125).array();
        StringBuilder latin = new StringBuilder();
        for (byte x : bits) {
            latin.append((char) (x & 0xFF));
        }
        p.global("_codecs", "encode").str(latin.toString()).str("latin1").op(0x86, 'R');
        p.op(0x86, 'R');
        // "device": torch.device("cuda", 0)
        p.str("device").global("torch", "device").str("cuda").small(0).op(0x86, 'R');
        p.op('u');
        Path f = archive(p.stop(), Map.of("0", littleEndian(1, 2, 3, 4)));

        try (TorchCheckpoint c = TorchCheckpoint.open(f)) {
            Map<?, ?> root = (Map<?, ?>) c.root();
            PickledTensor w = (PickledTensor) root.get("w");
            assertArrayEquals(new long[] {2, 2}, w.size());
            // element [i][j] is storage[i * 1 + j * 2]
            assertArrayEquals(new float[] {1, 3, 2, 4}, c.floats(w, "w"));
            assertEquals(0.8125, (Double) root.get("ema"), 0);
            assertEquals("cuda:0", root.get("device"));
        }
    }

    @Test
    void halfPrecisionIsConvertedExactly() {
        assertEquals(1f, TorchCheckpoint.halfToFloat((short) 0x3C00));
        assertEquals(-2f, TorchCheckpoint.halfToFloat((short) 0xC000));
        assertEquals(65504f, TorchCheckpoint.halfToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, TorchCheckpoint.halfToFloat((short) 0x0001)); // smallest subnormal
        assertEquals(0.333251953125f, TorchCheckpoint.halfToFloat((short) 0x3555));
        assertEquals(Float.NEGATIVE_INFINITY, TorchCheckpoint.halfToFloat((short) 0xFC00));
        assertTrue(Float.isNaN(TorchCheckpoint.halfToFloat((short) 0x7E00)));
    }

    @Test
    void foreignGlobalsAreRefused() throws IOException {
        // os.system("echo hi"): what a malicious checkpoint would run under Python's pickle
        byte[] evil = new Pickle().global("os", "system").str("echo hi").op(0x85, 'R').stop();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TorchCheckpoint.open(archive(evil, Map.of())));
        assertTrue(e.getMessage().contains("'os.system'") && e.getMessage().contains("refused"), e.getMessage());
        assertTrue(e.getMessage().startsWith("checkpoint '"), e.getMessage());

        // the same by STACK_GLOBAL (protocol 4), and a global of an allowed module under another name
        byte[] stacked = new Pickle().str("builtins").str("eval").op(0x93).str("1").op(0x85, 'R').stop();
        e = assertThrows(InvalidInputException.class, () -> TorchCheckpoint.open(archive(stacked, Map.of())));
        assertTrue(e.getMessage().contains("'builtins.eval'"), e.getMessage());
        byte[] torchLoad = new Pickle().global("torch", "load").stop();
        e = assertThrows(InvalidInputException.class, () -> TorchCheckpoint.open(archive(torchLoad, Map.of())));
        assertTrue(e.getMessage().contains("'torch.load'"), e.getMessage());

        // INST names a class inline
        Pickle inst = new Pickle().op('(');
        inst.b.writeBytes("isubprocess\nPopen\n".getBytes(StandardCharsets.US_ASCII));
        byte[] instBytes = inst.stop();
        e = assertThrows(InvalidInputException.class, () -> TorchCheckpoint.open(archive(instBytes, Map.of())));
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
    }

    @Test
    void tensorsReachingPastTheirStorageAndMissingDataAreRefused() throws IOException {
        Pickle p = new Pickle();
        p.global("torch._utils", "_rebuild_tensor_v2").op('(');
        p.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").small(4).op('t', 'Q');
        p.small(1).small(2).small(2).op(0x86).small(2).small(1).op(0x86).op(0x89).op('}').op('t', 'R');
        byte[] past = p.stop();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TorchCheckpoint.open(archive(past, Map.of("0", littleEndian(1, 2, 3, 4)))));
        assertTrue(e.getMessage().contains("reaches past the end of its storage"), e.getMessage());

        Pickle q = new Pickle();
        q.global("torch._utils", "_rebuild_tensor_v2").op('(');
        q.op('(').str("storage").global("torch", "FloatStorage").str("7").str("cpu").small(2).op('t', 'Q');
        q.small(0).small(2).op(0x85).small(1).op(0x85).op(0x89).op('}').op('t', 'R');
        Path f = archive(q.stop(), Map.of());
        try (TorchCheckpoint c = TorchCheckpoint.open(f)) {
            PickledTensor t = (PickledTensor) c.root();
            e = assertThrows(InvalidInputException.class, () -> c.floats(t, "x"));
            assertTrue(e.getMessage().contains("checkpoint/data/7") && e.getMessage().contains("missing"),
                    e.getMessage());
        }
    }

    @Test
    void filesThatAreNoCheckpointsAreNamed() throws IOException {
        Path text = tmp.resolve("notes.pth");
        Files.writeString(text, "not a zip");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TorchCheckpoint.open(text));
        assertTrue(e.getMessage().contains("notes.pth") && e.getMessage().contains("zip"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> TorchCheckpoint.open(tmp.resolve("absent.pth")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
