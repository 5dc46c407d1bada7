package org.maskseg.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Casts between single and half precision that the backward pass sees. DJL's {@code toType} runs with gradient
 * recording off, so a cast through it would cut the graph. Here float32 → float16 copies the values into a fresh
 * half-precision array with an indexed assignment (a recorded in-place copy whose gradient flows back to the
 * source, cast to float32), and float16 → float32 adds a one-element float32 zero, which type promotion turns into
 * a float32 result (gradient cast back to float16).
 * <p>
 * New arrays belong to the manager of the array being cast unless another is given.
 */
public final class HalfCasts {

    private static final NDIndex ALL = new NDIndex("...");

    private HalfCasts() {
    }

    /** A float16 copy of x (x itself if it already is float16). */
    public static NDArray toHalf(NDArray x) {
        return toHalf(x, x.getManager());
    }

    /** A float16 copy of x owned by the given manager (x itself if it already is float16). */
    public static NDArray toHalf(NDArray x, NDManager m) {
        if (x.getDataType() == DataType.FLOAT16) {
            return x;
        }
        NDArray h = m.zeros(x.getShape(), DataType.FLOAT16);
        h.set(ALL, x);
        return h;
    }

    /** A float32 copy of x (x itself if it already is float32). */
    public static NDArray toFloat(NDArray x) {
        if (x.getDataType() == DataType.FLOAT32) {
            return x;
        }
        NDArray zero = x.getManager().zeros(new Shape(1), DataType.FLOAT32);
        return x.add(zero);
    }
}
