package org.maskseg.core.nn;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * Functional layers for (n, c, [z,] y, x) tensors on DJL's PyTorch engine, including exact replacements
 * for what that engine lacks (transposed convolution, instance normalisation).
 * <p>
 * Arrays derived from parameters (rearranged weights, repeated biases and norm parameters) are attached to the manager of
 * the activation they are combined with, so that closing the step's manager or scope frees them and the
 * parameter manager never accumulates temporaries.
 */
public final class TorchOps {

    /** Negative slope of the LeakyReLU used throughout the network. */
    public static final float LEAKY_SLOPE = 0.01f;

    /** Epsilon of the instance normalisation. */
    public static final float NORM_EPS = 1e-5f;

    private TorchOps() {
    }

    /**
     * Convolution with zero padding, dilation 1, one group.
     *
     * @param weight  (c_out, c_in, k...) in tensor order
     * @param bias    (c_out) or null
     * @param stride  per spatial axis in tensor order
     * @param padding per spatial axis in tensor order
     */
    public static NDArray conv(NDArray x, NDArray weight, NDArray bias, long[] stride, long[] padding) {
        long[] dilation = new long[stride.length];
        Arrays.fill(dilation, 1);
        return x.getNDArrayInternal()
                .convolution(x, weight, bias, new Shape(stride), new Shape(padding), new Shape(dilation), 1)
                .singletonOrThrow();
    }

    /**
     * Transposed convolution whose kernel equals its stride (no overlap, no padding), computed as a 1×1(×1)
     * convolution to c_out·∏s channels followed by a pixel shuffle that spreads those channels over each
     * s_z×s_y×s_x output block. Equal to PyTorch's ConvTranspose with kernel_size = stride.
     *
     * @param weight (c_in, c_out, s...) in PyTorch's ConvTranspose layout, spatial axes in tensor order
     * @param bias   (c_out) or null
     * @param stride per spatial axis in tensor order; must match the weight's spatial extent
     */
    public static NDArray transposedConv(NDArray x, NDArray weight, NDArray bias, long[] stride) {
        Shape ws = weight.getShape();
        int d = stride.length;
        long cIn = ws.get(0);
        long cOut = ws.get(1);
        long block = 1;
        for (int i = 0; i < d; i++) {
            if (ws.get(2 + i) != stride[i]) {
                throw new IllegalArgumentException("transposed convolution kernel " + ws + " does not match stride "
                        + Arrays.toString(stride));
            }
            block *= stride[i];
        }
        NDManager local = x.getManager();
        // (c_in, c_out, s...) -> (c_out, s..., c_in) -> (c_out·∏s, c_in, 1...): output channel index is
        // co·∏s + offset within the block (row-major over the stride axes).
        int[] perm = new int[2 + d];
        perm[0] = 1;
        for (int i = 0; i < d; i++) {
            perm[1 + i] = 2 + i;
        }
        perm[1 + d] = 0;
        long[] kShape = new long[2 + d];
        kShape[0] = cOut * block;
        kShape[1] = cIn;
        Arrays.fill(kShape, 2, 2 + d, 1);
        NDArray k = attach(weight.transpose(perm), local);
        NDArray k2 = attach(k.reshape(kShape), local);
        long[] ones = new long[d];
        long[] zeros = new long[d];
        Arrays.fill(ones, 1);
        // bias per output channel, repeated for each position in the block: added by the convolution
        // itself instead of by a separate pass over the upsampled output
        NDArray b2 = bias == null ? null : attach(bias.repeat(0, block), local);
        NDArray y = conv(x, k2, b2, ones, zeros);
        Shape xs = x.getShape();
        long n = xs.get(0);
        // (n, c_out, s_1..s_d, X_1..X_d) -> (n, c_out, X_1, s_1, ..., X_d, s_d) -> (n, c_out, X_1·s_1, ...)
        long[] split = new long[2 + 2 * d];
        split[0] = n;
        split[1] = cOut;
        for (int i = 0; i < d; i++) {
            split[2 + i] = stride[i];
            split[2 + d + i] = xs.get(2 + i);
        }
        int[] interleave = new int[2 + 2 * d];
        interleave[0] = 0;
        interleave[1] = 1;
        for (int i = 0; i < d; i++) {
            interleave[2 + 2 * i] = 2 + d + i;
            interleave[3 + 2 * i] = 2 + i;
        }
        long[] outShape = new long[2 + d];
        outShape[0] = n;
        outShape[1] = cOut;
        for (int i = 0; i < d; i++) {
            outShape[2 + i] = xs.get(2 + i) * stride[i];
        }
        return y.reshape(split).transpose(interleave).reshape(outShape);
    }

    /**
     * Instance normalisation (statistics per sample and channel over space, biased variance) with a
     * per-channel affine transform. Runs the engine's batch normalisation in training mode on the tensor
     * viewed as (1, n·c, ...), so every (sample, channel) pair becomes its own batch-norm channel.
     *
     * @param gamma (c) scale, or null for 1
     * @param beta  (c) shift, or null for 0
     */
    public static NDArray instanceNorm(NDArray x, NDArray gamma, NDArray beta, float eps) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long[] folded = s.getShape().clone();
        folded[0] = 1;
        folded[1] = n * c;
        NDManager local = x.getManager();
        // The engine updates running statistics in place; these buffers are throwaway.
        NDArray runningMean = local.zeros(new Shape(n * c), x.getDataType());
        NDArray runningVar = local.ones(new Shape(n * c), x.getDataType());
        // Per-channel affine parameters repeated per sample: folded channel b·c + ch uses gamma[ch].
        NDArray g = gamma != null ? attach(gamma.tile(n), local) : local.ones(new Shape(n * c), x.getDataType());
        NDArray b = beta != null ? attach(beta.tile(n), local) : local.zeros(new Shape(n * c), x.getDataType());
        return x.getNDArrayInternal()
                .batchNorm(x.reshape(folded), runningMean, runningVar, g, b, -1, 0.9f, eps, true)
                .singletonOrThrow()
                .reshape(s);
    }

    /**
     * Average pooling whose kernel equals its stride (PyTorch's AvgPool with kernel_size = stride): the mean of
     * each s_z×s_y×s_x block. Every spatial size must be a multiple of its stride.
     *
     * @param stride per spatial axis in tensor order
     */
    public static NDArray avgPool(NDArray x, long[] stride) {
        Shape s = x.getShape();
        int d = stride.length;
        // (n, c, X_1, ..., X_d) -> (n, c, X_1/s_1, s_1, ..., X_d/s_d, s_d), then sum over the s axes
        long[] split = new long[2 + 2 * d];
        split[0] = s.get(0);
        split[1] = s.get(1);
        int[] blockAxes = new int[d];
        long block = 1;
        for (int i = 0; i < d; i++) {
            long size = s.get(2 + i);
            if (stride[i] < 1 || size % stride[i] != 0) {
                throw new IllegalArgumentException("average pooling of size " + s + " by " + Arrays.toString(stride)
                        + ": sizes must be multiples of the stride");
            }
            split[2 + 2 * i] = size / stride[i];
            split[3 + 2 * i] = stride[i];
            blockAxes[i] = 3 + 2 * i;
            block *= stride[i];
        }
        // mean over several axes throws in this engine: sum, then divide
        return x.reshape(split).sum(blockAxes).div(block);
    }

    /** LeakyReLU with slope {@link #LEAKY_SLOPE}. */
    public static NDArray leakyRelu(NDArray x) {
        return Activation.leakyRelu(x, LEAKY_SLOPE);
    }

    private static NDArray attach(NDArray derived, NDManager manager) {
        if (derived.getManager() != manager) {
            derived.attach(manager);
        }
        return derived;
    }
}
