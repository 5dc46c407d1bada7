package org.maskseg.core.nn;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.plan.Plan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * nnU-Net's plain convolutional U-Net (dynamic-network-architectures' {@code PlainConvUNet}) for 2D and 3D.
 * <p>
 * Encoder stage s: {@code convsPerStage} × (convolution with kernel k_s and padding k_s/2 → instance
 * normalisation (eps 1e-5, affine) → LeakyReLU 0.01); the first convolution of a stage has the stage's stride
 * and so does the downsampling. The decoder is {@link UNet}'s.
 * <p>
 * Encoder parameter names: {@code encoder.<s>.conv<j>.weight|bias}, {@code encoder.<s>.norm<j>.weight|bias}.
 */
public final class PlainConvUNet extends UNet {

    /**
     * Builds and initialises the network.
     *
     * @param parent        manager whose device the parameters live on; the network owns a sub-manager of it
     * @param topology      stages, features, strides and kernels (spatial arrays x first, as in the plan)
     * @param inputChannels image channels
     * @param numClasses    output channels (classes including background, or regions of a region-based plan)
     * @param spatialDims   2 or 3
     * @param seed          seed of the weight initialisation; the same seed gives the same weights everywhere
     */
    public PlainConvUNet(NDManager parent, Plan.Network topology, int inputChannels, int numClasses,
            int spatialDims, long seed) {
        super(parent, topology, inputChannels, numClasses, spatialDims, seed);
    }

    /**
     * The plain U-Net a plan describes (2D or 3D, channels, classes, topology); {@link UNet#build} chooses the
     * network by the plan's architecture.
     *
     * @throws InvalidInputException if the plan describes another architecture
     */
    public static PlainConvUNet fromPlan(NDManager parent, Plan plan, long seed) {
        String a = plan.network().architecture();
        if (a != null && !Plan.Network.PLAIN_CONV_UNET.equals(a)) {
            throw new InvalidInputException("plan network.architecture is '" + a + "', not "
                    + Plan.Network.PLAIN_CONV_UNET);
        }
        return new PlainConvUNet(parent, plan.network(), plan.inputChannels(), plan.targets().outputChannels(),
                plan.spatialDims(), seed);
    }

    @Override
    protected void declareEncoder(Plan.Network t) {
        int in = inputChannels;
        for (int s = 0; s < numStages; s++) {
            for (int j = 0; j < t.convsPerStage(); j++) {
                declareBlock("encoder." + s, j, j == 0 ? in : features[s], features[s], kernels[s]);
            }
            in = features[s];
        }
    }

    @Override
    protected NDArray encodeStage(NDArray x, int s) {
        NDArray h = x;
        int convs = convsPerStage();
        for (int j = 0; j < convs; j++) {
            h = block(h, "encoder." + s, j, j == 0 ? strides[s] : null, kernels[s]);
        }
        return h;
    }
}
