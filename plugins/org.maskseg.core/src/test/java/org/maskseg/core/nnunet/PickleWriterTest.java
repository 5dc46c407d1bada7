package org.maskseg.core.nnunet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.maskseg.core.nnunet.CheckpointUnpickler.PickledTensor;

import net.razorvine.pickle.Unpickler;

/** The pickle writer against opcodes assembled by hand and against two independent readers. */
class PickleWriterTest {

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void plainValuesGiveTheOpcodesOfPickletools() throws Exception {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("a", List.of(1, -2, 300, 1L << 40));
        root.put("b", PickleWriter.Tuple.of(true, null));
        byte[] expected = bytes(0x80, 2, // PROTO 2
                '}', '(', // EMPTY_DICT MARK
                'X', 1, 0, 0, 0, 'a', // BINUNICODE 'a'
                ']', '(', // EMPTY_LIST MARK
                'K', 1, // BININT1 1
                'J', 0xfe, 0xff, 0xff, 0xff, // BININT -2
                'J', 0x2c, 0x01, 0, 0, // BININT 300
                0x8a, 6, 0, 0, 0, 0, 0, 1, // LONG1 2^40, little-endian two's complement
                'e', // APPENDS
                'X', 1, 0, 0, 0, 'b', 0x88, 'N', 0x86, // 'b', NEWTRUE NONE TUPLE2
                'u', '.'); // SETITEMS STOP
        byte[] written = PickleWriter.pickle(root);
        assertArrayEquals(expected, written);

        Object read = new Unpickler().loads(written);
        Map<?, ?> m = (Map<?, ?>) read;
        assertEquals(List.of(1, -2, 300, 1L << 40), m.get("a"));
        assertArrayEquals(new Object[] {true, null}, (Object[]) m.get("b"));
    }

    @Test
    void containersOfEverySizeAndUnicodeReadBack() throws Exception {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("empty list", List.of());
        root.put("empty dict", Map.of());
        root.put("t0", PickleWriter.Tuple.of());
        root.put("t1", PickleWriter.Tuple.of(-1));
        root.put("t3", PickleWriter.Tuple.of(1, 2, 3));
        root.put("t5", PickleWriter.Tuple.of(1, 2, 3, 4, 5));
        root.put("négatif", List.of(-(1L << 40), Integer.MIN_VALUE, 255, 256, false));
        root.put("ints", new int[] {7, 8});
        Map<?, ?> m = (Map<?, ?>) new Unpickler().loads(PickleWriter.pickle(root));
        assertEquals(List.of(), m.get("empty list"));
        assertEquals(Map.of(), m.get("empty dict"));
        assertArrayEquals(new Object[] {}, (Object[]) m.get("t0"));
        assertArrayEquals(new Object[] {-1}, (Object[]) m.get("t1"));
        assertArrayEquals(new Object[] {1, 2, 3}, (Object[]) m.get("t3"));
        assertArrayEquals(new Object[] {1, 2, 3, 4, 5}, (Object[]) m.get("t5"));
        assertEquals(List.of(-(1L << 40), Integer.MIN_VALUE, 255, 256, false), m.get("négatif"));
        assertEquals(List.of(7, 8), m.get("ints"));
    }

    @Test
    void tensorsAndOrderedDictsReadBackThroughTheCheckpointReader() throws Exception {
        Map<String, Object> sd = new LinkedHashMap<>();
        PickleWriter.Tensor t = new PickleWriter.Tensor("4", 24, new long[] {2, 3, 4});
        sd.put("w", t);
        sd.put("same", t);
        sd.put("b", new PickleWriter.Tensor("5", 3, new long[] {3}));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("network_weights", new PickleWriter.OrderedDict(sd));
        CheckpointUnpickler u = new CheckpointUnpickler("test");
        Map<?, ?> read = (Map<?, ?>) u.loads(PickleWriter.pickle(root));
        u.close();
        Map<?, ?> weights = (Map<?, ?>) read.get("network_weights");
        assertTrue(weights instanceof LinkedHashMap);
        // (the library reader fills a dict's items in reverse order; only the keys matter here)
        assertEquals(java.util.Set.of("w", "same", "b"), weights.keySet());
        PickledTensor w = (PickledTensor) weights.get("w");
        assertArrayEquals(new long[] {2, 3, 4}, w.size());
        assertArrayEquals(new long[] {12, 4, 1}, w.stride());
        assertEquals(0, w.offset());
        assertEquals("4", w.storage().key());
        assertEquals(24, w.storage().numel());
        assertEquals(CheckpointUnpickler.StorageType.FLOAT32, w.storage().type());
        assertEquals("4", ((PickledTensor) weights.get("same")).storage().key());
        assertEquals(Arrays.toString(new long[] {1}), Arrays.toString(((PickledTensor) weights.get("b")).stride()));
    }

    @Test
    void floatsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PickleWriter.pickle(List.of(0.5)));
    }
}
