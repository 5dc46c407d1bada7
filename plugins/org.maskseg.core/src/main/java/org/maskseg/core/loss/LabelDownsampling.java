package org.maskseg.core.loss;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Nearest-neighbour resizing of label tensors for deep supervision. Output voxel i of an axis takes input
 * voxel floor((i + 0.5)·in/out) (the centre-aligned rule of PyTorch's "nearest-exact", which nnU-Net's
 * deep-supervision targets use); values are copied, never mixed, so the ignore value survives.
 */
public final class LabelDownsampling {

    private LabelDownsampling() {
    }

    /**
     * @param labels        (n, [z,] y, x) integer labels
     * @param targetSpatial target ([z,] y, x) in tensor order
     */
    public static NDArray nearest(NDArray labels, long[] targetSpatial) {
        Shape s = labels.getShape();
        if (s.dimension() != targetSpatial.length + 1) {
            throw new IllegalArgumentException("labels " + s + " do not have " + targetSpatial.length
                    + " spatial axes");
        }
        NDArray out = labels;
        for (int a = 0; a < targetSpatial.length; a++) {
            long in = s.get(1 + a);
            long target = targetSpatial[a];
            if (target < 1) {
                throw new IllegalArgumentException("target size " + Arrays.toString(targetSpatial));
            }
            if (in == target) {
                continue;
            }
            NDIndex index = new NDIndex();
            for (int b = 0; b <= a; b++) {
                index.addAllDim();
            }
            if (in % target == 0) {
                long f = in / target;
                // floor((i + 0.5)·f) = i·f + floor(f/2): a strided slice
                index.addSliceDim(f / 2, in, f);
                out = out.get(index);
            } else {
                long[] src = sourceIndices(in, target);
                NDArray idx = labels.getManager().create(src);
                index.addIndices("{}", idx);
                out = out.get(index);
            }
        }
        return out;
    }

    /** Source index of each output voxel along an axis of length in resized to out. */
    static long[] sourceIndices(long in, long out) {
        long[] src = new long[(int) out];
        for (int i = 0; i < out; i++) {
            // exact rational arithmetic: floor((2i + 1)·in / (2·out))
            src[i] = Math.min(in - 1, ((2L * i + 1) * in) / (2 * out));
        }
        return src;
    }

    /** The same as {@link #nearest} on a host array (n, [z,] y, x), for reference and host-side use. */
    public static int[] nearest(int[] labels, long[] shape, long[] targetSpatial) {
        int d = targetSpatial.length;
        long[][] src = new long[d][];
        long outVox = 1;
        for (int a = 0; a < d; a++) {
            src[a] = sourceIndices(shape[1 + a], targetSpatial[a]);
            outVox *= targetSpatial[a];
        }
        long inVox = 1;
        for (int a = 0; a < d; a++) {
            inVox *= shape[1 + a];
        }
        int[] out = new int[Math.toIntExact(shape[0] * outVox)];
        int[] pos = new int[d];
        for (int n = 0; n < shape[0]; n++) {
            for (long o = 0; o < outVox; o++) {
                long rem = o;
                for (int a = d - 1; a >= 0; a--) {
                    pos[a] = (int) (rem % targetSpatial[a]);
                    rem /= targetSpatial[a];
                }
                long i = 0;
                for (int a = 0; a < d; a++) {
                    i = i * shape[1 + a] + src[a][pos[a]];
                }
                out[(int) (n * outVox + o)] = labels[(int) (n * inVox + i)];
            }
        }
        return out;
    }
}
