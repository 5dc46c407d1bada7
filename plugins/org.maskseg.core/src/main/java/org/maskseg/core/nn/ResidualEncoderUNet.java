package org.maskseg.core.nn;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.plan.Plan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * nnU-Net's U-Net with a residual encoder (dynamic-network-architectures' {@code ResidualEncoderUNet} with its
 * default {@code BasicBlockD} blocks), for 2D and 3D; the networks of nnU-Net's ResEnc M/L/XL presets.
 * <p>
 * Encoder: a stem (one convolution block: convolution with kernel k_0 → instance normalisation → LeakyReLU, to
 * features_0 channels), then per stage s {@code blocksPerStage[s]} residual blocks. A block computes
 * LeakyReLU(conv2(conv1(x)) + skip(x)) with conv1 = convolution (kernel k_s, the stage's stride in the first
 * block) → norm → LeakyReLU and conv2 = convolution (kernel k_s) → norm. The skip path is the identity, or, where
 * the block changes resolution or channels, an average pooling (kernel = stride) and/or a bias-free 1×1(×1)
 * convolution → norm (ResNet-D). The decoder is {@link UNet}'s with {@code convsPerStage} convolution blocks per
 * level (1 in nnU-Net's presets).
 * <p>
 * Encoder parameter names: {@code encoder.stem.conv0|norm0.*}, {@code encoder.<s>.block<b>.conv1|norm1|conv2|norm2.*},
 * {@code encoder.<s>.block<b>.skip.conv.weight} and {@code encoder.<s>.block<b>.skip.norm.*}. As in nnU-Net, the
 * scale and shift of each block's last normalisation (norm2) start at zero, so that every block starts as its
 * skip path.
 */
public final class ResidualEncoderUNet extends UNet {

    private int[] blocks;

    /**
     * Builds and initialises the network.
     *
     * @param topology stages, features, strides, kernels, {@code blocksPerStage} (encoder) and {@code convsPerStage}
     *                 (decoder); spatial arrays x first, as in the plan
     * @see PlainConvUNet#PlainConvUNet for the other parameters
     */
    public ResidualEncoderUNet(NDManager parent, Plan.Network topology, int inputChannels, int numClasses,
            int spatialDims, long seed) {
        super(parent, checked(topology), inputChannels, numClasses, spatialDims, seed);
    }

    /** The residual encoder U-Net a plan describes. */
    public static ResidualEncoderUNet fromPlan(NDManager parent, Plan plan, long seed) {
        return new ResidualEncoderUNet(parent, plan.network(), plan.inputChannels(), plan.targets().outputChannels(),
                plan.spatialDims(), seed);
    }

    private static Plan.Network checked(Plan.Network t) {
        int[] b = t.blocksPerStage();
        if (b == null || b.length != t.numStages()) {
            throw new InvalidInputException("plan network.blocksPerStage: a residual encoder needs one block count per "
                    + "stage (" + t.numStages() + "), got " + (b == null ? "none" : b.length));
        }
        for (int s = 0; s < b.length; s++) {
            if (b[s] < 1) {
                throw new InvalidInputException("plan network.blocksPerStage[" + s + "]: must be at least 1, got "
                        + b[s]);
            }
        }
        return t;
    }

    /** Residual blocks per encoder stage. */
    public int[] blocksPerStage() {
        return blocks.clone();
    }

    @Override
    protected void declareEncoder(Plan.Network t) {
        blocks = t.blocksPerStage().clone();
        declareBlock("encoder.stem", 0, inputChannels, features[0], kernels[0]);
        int in = features[0];
        for (int s = 0; s < numStages; s++) {
            for (int b = 0; b < blocks[s]; b++) {
                String p = "encoder." + s + ".block" + b;
                int blockIn = b == 0 ? in : features[s];
                declareConv(p + ".conv1", blockIn, features[s], kernels[s], true);
                declareNorm(p + ".norm1", features[s]);
                declareConv(p + ".conv2", features[s], features[s], kernels[s], true);
                declareNorm(p + ".norm2", features[s]);
                if (blockIn != features[s]) {
                    long[] one = ones(dims);
                    declareConv(p + ".skip.conv", blockIn, features[s], one, false);
                    declareNorm(p + ".skip.norm", features[s]);
                }
            }
            in = features[s];
        }
    }

    @Override
    protected boolean startsAtZero(String normWeightName) {
        return normWeightName.endsWith(".norm2.weight");
    }

    @Override
    protected NDArray encodeStage(NDArray x, int s) {
        NDArray h = s == 0 ? block(x, "encoder.stem", 0, null, kernels[0]) : x;
        for (int b = 0; b < blocks[s]; b++) {
            h = residualBlock(h, "encoder." + s + ".block" + b, b == 0 ? strides[s] : ones(dims), kernels[s]);
        }
        return h;
    }

    private NDArray residualBlock(NDArray x, String p, long[] stride, long[] kernel) {
        NDArray skip = x;
        boolean strided = false;
        for (long v : stride) {
            strided |= v != 1;
        }
        if (strided) {
            skip = TorchOps.avgPool(skip, stride);
        }
        if (parameters().containsKey(p + ".skip.conv.weight")) {
            skip = norm(convolve(skip, p + ".skip.conv", ones(dims), new long[dims]), p + ".skip.norm");
        }
        long[] pad = halfKernel(kernel);
        NDArray y = TorchOps.leakyRelu(norm(convolve(x, p + ".conv1", stride, pad), p + ".norm1"));
        y = norm(convolve(y, p + ".conv2", ones(dims), pad), p + ".norm2");
        return TorchOps.leakyRelu(y.add(skip));
    }
}
