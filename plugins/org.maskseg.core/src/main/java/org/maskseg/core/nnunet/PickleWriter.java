package org.maskseg.core.nnunet;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes the few Python objects a PyTorch checkpoint holds as a pickle of protocol 2, with nothing but what
 * PyTorch's restricted loader ({@code torch.load(weights_only=True)}) accepts: None, booleans, integers, strings,
 * lists, tuples, dicts, {@code collections.OrderedDict} and tensors rebuilt by {@code
 * torch._utils._rebuild_tensor_v2} from storages named by persistent id. Floating-point numbers are refused: the
 * restricted loader of PyTorch 1.13 has no opcode for them.
 * <p>
 * Opcodes (Python's {@code pickletools}): PROTO 0x80, STOP '.', NONE 'N', NEWTRUE 0x88, NEWFALSE 0x89, BININT1 'K',
 * BININT 'J', LONG1 0x8a, BINUNICODE 'X', EMPTY_LIST ']', APPENDS 'e', EMPTY_TUPLE ')', TUPLE1..3 0x85..0x87, TUPLE
 * 't', EMPTY_DICT '}', SETITEMS 'u', MARK '(', GLOBAL 'c', REDUCE 'R', BINPERSID 'Q'. No memo is written: every
 * object is written where it occurs.
 */
final class PickleWriter {

    /** A Python tuple. */
    record Tuple(List<?> items) {
        static Tuple of(Object... items) {
            return new Tuple(java.util.Arrays.asList(items));
        }
    }

    /** A reference to a Python function or class by module and name (written, never called). */
    record Global(String module, String name) {
    }

    /** A {@code collections.OrderedDict} with the map's entries, in the map's order. */
    record OrderedDict(Map<String, ?> entries) {
    }

    /**
     * A float32 tensor, contiguous in C order, whose elements are entry {@code data/<key>} of the archive.
     *
     * @param key   the storage's name in the archive
     * @param numel elements of the storage
     * @param shape the tensor's size
     */
    record Tensor(String key, long numel, long[] shape) {
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private PickleWriter() {
    }

    /** The pickle of one object. */
    static byte[] pickle(Object root) {
        PickleWriter w = new PickleWriter();
        w.out.write(0x80);
        w.out.write(2);
        w.write(root);
        w.out.write('.');
        return w.out.toByteArray();
    }

    private void write(Object o) {
        if (o == null) {
            out.write('N');
        } else if (o instanceof Boolean b) {
            out.write(b ? 0x88 : 0x89);
        } else if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            integer(((Number) o).longValue());
        } else if (o instanceof String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write('X');
            int32(b.length);
            out.writeBytes(b);
        } else if (o instanceof Tuple t) {
            tuple(t.items());
        } else if (o instanceof List<?> l) {
            out.write(']');
            if (!l.isEmpty()) {
                out.write('(');
                l.forEach(this::write);
                out.write('e');
            }
        } else if (o instanceof OrderedDict d) {
            global("collections", "OrderedDict");
            out.write(')');
            out.write('R');
            items(d.entries());
        } else if (o instanceof Map<?, ?> m) {
            out.write('}');
            items(m);
        } else if (o instanceof Tensor t) {
            tensor(t);
        } else if (o instanceof Global g) {
            global(g.module(), g.name());
        } else if (o instanceof int[] a) {
            List<Object> l = new java.util.ArrayList<>();
            for (int v : a) {
                l.add(v);
            }
            write(l);
        } else {
            throw new IllegalArgumentException("no pickle for " + o.getClass().getName());
        }
    }

    private void items(Map<?, ?> m) {
        if (m.isEmpty()) {
            return;
        }
        out.write('(');
        for (Map.Entry<?, ?> e : m.entrySet()) {
            write(e.getKey());
            write(e.getValue());
        }
        out.write('u');
    }

    private void tuple(List<?> items) {
        switch (items.size()) {
            case 0 -> out.write(')');
            case 1, 2, 3 -> {
                items.forEach(this::write);
                out.write(0x84 + items.size());
            }
            default -> {
                out.write('(');
                items.forEach(this::write);
                out.write('t');
            }
        }
    }

    /**
     * {@code _rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())}, the storage given by the persistent
     * id {@code ('storage', torch.FloatStorage, key, 'cpu', numel)} as {@code torch.save} writes it.
     */
    private void tensor(Tensor t) {
        global("torch._utils", "_rebuild_tensor_v2");
        out.write('(');
        out.write('(');
        write("storage");
        global("torch", "FloatStorage");
        write(t.key());
        write("cpu");
        integer(t.numel());
        out.write('t');
        out.write('Q');
        integer(0);
        long[] shape = t.shape();
        long[] stride = new long[shape.length];
        long s = 1;
        for (int a = shape.length - 1; a >= 0; a--) {
            stride[a] = s;
            s *= shape[a];
        }
        tuple(boxed(shape));
        tuple(boxed(stride));
        write(Boolean.FALSE);
        write(new OrderedDict(Map.of()));
        out.write('t');
        out.write('R');
    }

    private static List<Long> boxed(long[] a) {
        List<Long> l = new java.util.ArrayList<>();
        for (long v : a) {
            l.add(v);
        }
        return l;
    }

    private void global(String module, String name) {
        out.write('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private void integer(long v) {
        if (v >= 0 && v < 256) {
            out.write('K');
            out.write((int) v);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            out.write('J');
            int32((int) v);
        } else {
            // LONG1: length byte, then two's complement little-endian
            byte[] b = java.math.BigInteger.valueOf(v).toByteArray();
            out.write(0x8a);
            out.write(b.length);
            for (int i = b.length - 1; i >= 0; i--) {
                out.write(b[i]);
            }
        }
    }

    private void int32(int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }
}
