package org.maskseg.core.nnunet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.maskseg.core.InvalidInputException;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Reads the pickle of a PyTorch checkpoint ({@code data.pkl}) into plain Java values, allowing only the
 * Python globals such checkpoints use. A checkpoint is untrusted input: loaded by Python, a pickle may call
 * any function it names. Here every named global is looked up in a fixed table and anything else ends the
 * read with an error naming it; nothing is ever instantiated by name.
 * <p>
 * What the allowed globals become:
 * <ul>
 * <li>{@code torch._utils._rebuild_tensor_v2}, {@code torch._utils._rebuild_parameter}: a {@link PickledTensor}
 * (a view of a storage, data not read);</li>
 * <li>{@code torch.FloatStorage} etc.: a storage type, used by the persistent ids of storages, which become
 * {@link PickledStorage};</li>
 * <li>{@code collections.OrderedDict}: a {@link LinkedHashMap};</li>
 * <li>{@code torch.device}: its name, e.g. "cuda:0";</li>
 * <li>numpy scalars ({@code numpy.core.multiarray.scalar} with a {@code numpy.dtype}): a Java number or
 * boolean; {@code _codecs.encode} (how protocol 2 stores bytes): a byte array.</li>
 * </ul>
 * Given function names (nnU-Net's postprocessing files name one) become a {@link PythonFunction}, never called.
 * Python tuples are {@code Object[]}, lists {@link java.util.List}, dicts {@link Map}, ints {@link Integer},
 * {@link Long} or {@link java.math.BigInteger}, floats {@link Double}, strings {@link String}.
 */
final class CheckpointUnpickler extends Unpickler {

    // opcodes handled here instead of by the library: every way a pickle can name a Python object
    private static final short GLOBAL = 'c';
    private static final short STACK_GLOBAL = 0x93;
    private static final short INST = 'i';
    private static final short OBJ = 'o';
    private static final short EXT1 = 0x82;
    private static final short EXT2 = 0x83;
    private static final short EXT4 = 0x84;
    // opcodes that call what the stack holds: a function named only as data must not be called
    private static final short REDUCE = 'R';
    private static final short NEWOBJ = 0x81;
    private static final short NEWOBJ_EX = 0x92;

    /** Element type of a tensor storage. */
    enum StorageType {
        FLOAT32(4), FLOAT64(8), FLOAT16(2), BFLOAT16(2), INT64(8), INT32(4), INT16(2), INT8(1), UINT8(1), BOOL(1);

        final int bytes;

        StorageType(int bytes) {
            this.bytes = bytes;
        }

        boolean floating() {
            return this == FLOAT32 || this == FLOAT64 || this == FLOAT16 || this == BFLOAT16;
        }
    }

    /** The data of a storage: entry {@code data/<key>} of the checkpoint archive, {@code numel} elements. */
    record PickledStorage(StorageType type, String key, long numel) {
    }

    /** A tensor: a strided view of a storage. */
    record PickledTensor(PickledStorage storage, long offset, long[] size, long[] stride) {

        long numel() {
            long n = 1;
            for (long s : size) {
                n *= s;
            }
            return n;
        }
    }

    private static final Map<String, StorageType> STORAGES = Map.of("FloatStorage", StorageType.FLOAT32,
            "DoubleStorage", StorageType.FLOAT64, "HalfStorage", StorageType.FLOAT16, "BFloat16Storage",
            StorageType.BFLOAT16, "LongStorage", StorageType.INT64, "IntStorage", StorageType.INT32, "ShortStorage",
            StorageType.INT16, "CharStorage", StorageType.INT8, "ByteStorage", StorageType.UINT8, "BoolStorage",
            StorageType.BOOL);

    /** A Python function named by the pickle (e.g. a postprocessing step), never called. */
    record PythonFunction(String qualifiedName) {
    }

    private final String what;
    private final Set<String> functions;

    /** @param what the file, as messages start ("checkpoint 'fold_0/checkpoint_final.pth'") */
    CheckpointUnpickler(String what) {
        this(what, Set.of());
    }

    /**
     * @param functions qualified names of Python functions the pickle may also name (as data: they become a
     *                  {@link PythonFunction}, and a pickle that calls one is refused)
     */
    CheckpointUnpickler(String what, Set<String> functions) {
        this.what = what;
        this.functions = Set.copyOf(functions);
    }

    /**
     * Unpickles {@code pickle} (see the class comment), allowing also the given functions as data.
     *
     * @throws InvalidInputException naming {@code what}, for anything refused or unreadable
     */
    static Object load(byte[] pickle, String what, Set<String> functions) {
        CheckpointUnpickler u = new CheckpointUnpickler(what, functions);
        try {
            return u.loads(pickle);
        } catch (net.razorvine.pickle.PickleException | IOException | ClassCastException
                | IndexOutOfBoundsException e) {
            throw new InvalidInputException(what + " is corrupt: its pickle cannot be read (" + e.getMessage() + ")",
                    e);
        } catch (RuntimeException e) {
            // the library wraps what the constructors above throw
            if (e.getCause() instanceof InvalidInputException bad) {
                throw bad;
            }
            throw e;
        } finally {
            u.close();
        }
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        switch (key) {
            case GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
                return NO_RETURN_VALUE;
            }
            case STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(name instanceof String n) || !(module instanceof String m)) {
                    throw new InvalidInputException(what + " is corrupt: a global is named by " + module + " and "
                            + name + " instead of two strings");
                }
                stack.add(resolve(m, n));
                return NO_RETURN_VALUE;
            }
            case REDUCE, NEWOBJ -> {
                Object args = stack.pop();
                Object callable = stack.pop();
                if (!(callable instanceof IObjectConstructor c) || !(args instanceof Object[] a)) {
                    throw new InvalidInputException(what + " calls " + describe(callable) + ", which is refused, "
                            + "since loading it could run code");
                }
                stack.add(c.construct(a));
                return NO_RETURN_VALUE;
            }
            case INST, OBJ, EXT1, EXT2, EXT4, NEWOBJ_EX -> throw new InvalidInputException(what + " builds Python objects in a "
                    + "way a PyTorch checkpoint does not (pickle opcode 0x" + Integer.toHexString(key)
                    + "); it is refused, since loading it could run code");
            default -> {
                return super.dispatch(key);
            }
        }
    }

    private Object resolve(String module, String name) {
        switch (module + "." + name) {
            case "torch._utils._rebuild_tensor_v2":
                return (IObjectConstructor) this::rebuildTensor;
            case "torch._utils._rebuild_parameter":
                return (IObjectConstructor) args -> {
                    checkArgs(args, 3, "_rebuild_parameter");
                    if (!(args[0] instanceof PickledTensor t)) {
                        throw new InvalidInputException(what + " is corrupt: a parameter wraps no tensor");
                    }
                    return t;
                };
            case "collections.OrderedDict":
                return (IObjectConstructor) args -> new OrderedDict();
            case "torch.device":
                return (IObjectConstructor) args -> {
                    if (args.length == 2 && args[1] != null) {
                        return args[0] + ":" + args[1];
                    }
                    return String.valueOf(args.length == 0 ? "" : args[0]);
                };
            case "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar":
                return (IObjectConstructor) this::numpyScalar;
            case "numpy.dtype":
                return (IObjectConstructor) args -> {
                    if (args.length < 1 || !(args[0] instanceof String s)) {
                        throw new InvalidInputException(what + " is corrupt: a numpy dtype without a name");
                    }
                    return new NumpyDtype(s);
                };
            case "_codecs.encode":
                return (IObjectConstructor) args -> {
                    if (args.length < 1 || !(args[0] instanceof String s)) {
                        throw new InvalidInputException(what + " is corrupt: encoded bytes without a string");
                    }
                    return s.getBytes(StandardCharsets.ISO_8859_1);
                };
            default:
                if ("torch".equals(module) && STORAGES.containsKey(name)) {
                    return STORAGES.get(name);
                }
                if (functions.contains(module + "." + name)) {
                    return new PythonFunction(module + "." + name);
                }
                throw new InvalidInputException(what + " refers to the Python object '" + module + "." + name
                        + "', which " + (functions.isEmpty() ? "a PyTorch model checkpoint" : "such a file")
                        + " does not use; it is refused, since loading it could run code");
        }
    }

    @Override
    protected Object persistentLoad(Object pid) {
        // ('storage', storage type, key, location, numel)
        if (pid instanceof Object[] t && t.length == 5 && "storage".equals(t[0]) && t[1] instanceof StorageType type
                && t[2] instanceof String key && t[4] instanceof Number n && n.longValue() >= 0) {
            if (!key.matches("[A-Za-z0-9_]{1,64}")) {
                throw new InvalidInputException(what + " is corrupt: storage key '" + key + "' is not a plain name");
            }
            return new PickledStorage(type, key, n.longValue());
        }
        throw new InvalidInputException(what + " is corrupt or not a PyTorch checkpoint: unexpected persistent id "
                + describe(pid));
    }

    private Object rebuildTensor(Object[] args) {
        // (storage, storage offset, size, stride, requires_grad, backward hooks[, metadata])
        if (args.length < 4 || !(args[0] instanceof PickledStorage storage) || !(args[1] instanceof Number offset)
                || !(args[2] instanceof Object[] size) || !(args[3] instanceof Object[] stride)
                || size.length != stride.length) {
            throw new InvalidInputException(what + " is corrupt: a tensor is described by " + describe(args));
        }
        long[] sz = longs(size);
        long[] st = longs(stride);
        long last = offset.longValue();
        for (int i = 0; i < sz.length; i++) {
            if (sz[i] < 0 || st[i] < 0) {
                throw new InvalidInputException(what + " is corrupt: a tensor has a negative size or stride");
            }
            last += sz[i] == 0 ? 0 : (sz[i] - 1) * st[i];
        }
        PickledTensor t = new PickledTensor(storage, offset.longValue(), sz, st);
        if (t.numel() > 0 && (offset.longValue() < 0 || last >= storage.numel())) {
            throw new InvalidInputException(what + " is corrupt: a tensor of size " + java.util.Arrays.toString(sz)
                    + " reaches past the end of its storage '" + storage.key() + "'");
        }
        return t;
    }

    private long[] longs(Object[] values) {
        long[] r = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] instanceof Number n)) {
                throw new InvalidInputException(what + " is corrupt: a tensor extent is " + describe(values[i]));
            }
            r[i] = n.longValue();
        }
        return r;
    }

    private Object numpyScalar(Object[] args) {
        if (args.length != 2 || !(args[0] instanceof NumpyDtype dtype) || !(args[1] instanceof byte[] b)) {
            throw new InvalidInputException(what + " is corrupt: a numpy scalar is described by " + describe(args));
        }
        String code = dtype.name;
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(dtype.bigEndian
                ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
        int need = switch (code) {
            case "f8", "i8", "u8" -> 8;
            case "f4", "i4", "u4" -> 4;
            case "i2", "u2" -> 2;
            case "b1", "i1", "u1" -> 1;
            default -> throw new InvalidInputException(what + " holds a numpy scalar of type '" + code
                    + "', which this reader does not know");
        };
        if (b.length != need) {
            throw new InvalidInputException(what + " is corrupt: a numpy '" + code + "' scalar has " + b.length
                    + " bytes");
        }
        return switch (code) {
            case "f8" -> buf.getDouble();
            case "f4" -> (double) buf.getFloat();
            case "i8", "u8" -> buf.getLong();
            case "i4" -> buf.getInt();
            case "u4" -> buf.getInt() & 0xFFFFFFFFL;
            case "i2" -> (int) buf.getShort();
            case "u2" -> buf.getShort() & 0xFFFF;
            case "i1" -> (int) buf.get();
            case "u1" -> buf.get() & 0xFF;
            default -> b[0] != 0;
        };
    }

    private void checkArgs(Object[] args, int n, String function) {
        if (args.length != n) {
            throw new InvalidInputException(what + " is corrupt: " + function + " called with " + args.length
                    + " arguments");
        }
    }

    private static String describe(Object o) {
        String s = o instanceof Object[] a ? java.util.Arrays.deepToString(a) : String.valueOf(o);
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }

    /** collections.OrderedDict; the attributes PyTorch attaches to state dicts (BUILD) are dropped. */
    public static final class OrderedDict extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;

        /** Called by the unpickler for the BUILD opcode. */
        public void __setstate__(HashMap<?, ?> state) {
            // the state dict's "_metadata" (module versions) plays no part in the weights
        }
    }

    /** numpy.dtype: its name (e.g. "f8") and byte order, which BUILD sets. */
    public static final class NumpyDtype {
        final String name;
        boolean bigEndian;

        NumpyDtype(String name) {
            this.name = name;
        }

        /** Called by the unpickler for the BUILD opcode: (version, byte order, ...). */
        public void __setstate__(Object[] state) {
            bigEndian = state.length > 1 && ">".equals(state[1]);
        }
    }
}
