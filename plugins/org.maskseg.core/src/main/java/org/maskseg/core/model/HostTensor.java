package org.maskseg.core.model;

import java.util.Arrays;

/**
 * A named parameter or optimiser buffer in host memory: float32 values in C order with their tensor
 * shape. Model files and checkpoints hold these instead of device arrays, so they can be kept, copied and
 * serialised without an engine.
 *
 * @param shape tensor shape, outermost axis first
 * @param data  values, C order; length = product of the shape
 */
public record HostTensor(long[] shape, float[] data) {

    public HostTensor {
        long n = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative extent in shape " + Arrays.toString(shape));
            }
            n *= s;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** True when both shape and every value (bit for bit) are equal. */
    public boolean sameAs(HostTensor o) {
        return Arrays.equals(shape, o.shape) && Arrays.equals(data, o.data);
    }

    @Override
    public String toString() {
        return "HostTensor" + Arrays.toString(shape);
    }
}
