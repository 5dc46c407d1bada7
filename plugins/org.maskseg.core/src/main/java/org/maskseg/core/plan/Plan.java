package org.maskseg.core.plan;

import java.util.ArrayList;
import java.util.List;

import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Everything needed to build, train and apply a network for one dataset: the counterpart of nnU-Net's
 * plans file. Serialised as JSON (see {@code PlanJson}); every field can be overridden by the user.
 * <p>
 * Spatial arrays are x first, like the volumes' sizes: {@code patchSize = {x, y[, z]}}. Tensors are
 * laid out (n, c, [z,] y, x), so code that builds tensor shapes reverses them.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public final class Plan {

    /**
     * Newest version of the plan format; readers refuse plans from a newer format. Plans of a cascade (with a
     * {@link #previousStage}) are written as version 2, all others as version 1, so that older readers refuse only
     * what they cannot apply.
     */
    public static final int FORMAT_VERSION = 2;

    public int formatVersion = FORMAT_VERSION;

    /** "2d" or "3d". A 2D plan applied to 3D images works slice by slice (xy planes). */
    public String configuration = "2d";

    /** Number of input channels (modalities). */
    public int inputChannels = 1;

    /**
     * Classes and their names, the user's ignore value, regions and partial-label mode: everything about what the
     * network outputs. Stored in plan files as the flat fields {@code numClasses}, {@code classNames},
     * {@code ignoreValue}, {@code regions} and {@code training.partialLabels} (see {@link PlanJson}).
     */
    @JsonIgnore
    public Targets targets = Targets.classes(LabelSpec.withDefaultIgnore(2));

    /** Spacing the data is resampled to before training and prediction, x first. */
    public double[] targetSpacing = {1, 1};

    /**
     * Interpolation of image intensities when resampling to the target spacing: "cubic" (B-spline, nnU-Net's
     * choice) or "linear". Labels always use nearest neighbour, class maps linear interpolation.
     */
    public String imageInterpolation = "cubic";

    /**
     * Cut every image to the bounding box of its non-zero voxels before normalising, and put the prediction back
     * with background outside, as nnU-Net does (see {@code preprocess.NonZeroCrop}). Set for models imported from
     * nnU-Net; MaskSeg's own plans leave it off. Written to plan files only when on.
     */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public boolean cropToNonZero = false;

    /** Training patch size, x first. */
    public int[] patchSize = {128, 128};

    public int batchSize = 2;

    /** Batch Dice: sum the Dice terms over the batch as well (nnU-Net does this for 3D full-res). */
    public boolean batchDice = false;

    public Network network = new Network();

    public Normalization normalization = new Normalization();

    public Training training = new Training();

    /**
     * For the full-resolution stage of nnU-Net's cascade: the plan of the low-resolution stage, which segments the
     * image first; its labels, resampled to this plan's spacing, enter this stage's network as one channel per
     * foreground class after the image channels, so {@code inputChannels} = image channels + foreground classes.
     * Null for every other plan. Shares this plan's targets.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Plan previousStage;

    /**
     * U-Net topology: nnU-Net's PlainConvUNet, or its ResidualEncoderUNet (the network of the ResEnc presets). Plan
     * files of the plain U-Net leave out {@code architecture} and {@code blocksPerStage}, as files written before
     * the residual encoder existed do.
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public static final class Network {
        /** The plain convolutional U-Net (the default). */
        public static final String PLAIN_CONV_UNET = "PlainConvUNet";
        /** The U-Net whose encoder stages are residual blocks. */
        public static final String RESIDUAL_ENCODER_UNET = "ResidualEncoderUNet";

        /** {@value #PLAIN_CONV_UNET} or {@value #RESIDUAL_ENCODER_UNET}. */
        public String architecture = PLAIN_CONV_UNET;
        /** Number of resolution stages (encoder stages including the bottleneck). */
        public int numStages = 5;
        /** Output features per stage. */
        public int[] features = {32, 64, 128, 256, 512};
        /** Stride of each stage's first convolution, x first; stage 0 has stride 1. */
        public int[][] strides = {{1, 1}, {2, 2}, {2, 2}, {2, 2}, {2, 2}};
        /** Convolution kernel size per stage, x first. */
        public int[][] kernelSizes = {{3, 3}, {3, 3}, {3, 3}, {3, 3}, {3, 3}};
        /**
         * Convolutions per encoder and decoder stage; in a {@value #RESIDUAL_ENCODER_UNET}, convolutions per decoder
         * stage (its encoder stages hold {@link #blocksPerStage} residual blocks).
         */
        public int convsPerStage = 2;
        /** Residual blocks per encoder stage of a {@value #RESIDUAL_ENCODER_UNET}; null for the plain U-Net. */
        public int[] blocksPerStage;
        /** One output head per decoder stage (deep supervision). */
        public boolean deepSupervision = true;
    }

    /** Intensity normalisation, per channel. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public static final class Normalization {
        /**
         * Per channel: "zscore" (per image), "ct" (clip to dataset percentiles, global z-score), "none",
         * "rescale_to_0_1" (per image min-max) or "rgb_to_0_1" (divide by 255).
         */
        public List<String> schemes = new ArrayList<>(List.of("zscore"));
        /** Per channel: compute z-score statistics only inside the non-zero foreground mask. */
        public boolean[] useMask = {false};
        /** Per channel, for "ct": dataset statistics of annotated foreground voxels. */
        public double[] clipLow = {0};
        public double[] clipHigh = {0};
        public double[] mean = {0};
        public double[] std = {1};
    }

    /** Optimisation settings (nnU-Net defaults). */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public static final class Training {
        public int epochs = 1000;
        public int iterationsPerEpoch = 250;
        public int validationIterations = 50;
        public double initialLearningRate = 1e-2;
        public double momentum = 0.99;
        public double weightDecay = 3e-5;
        public double gradientClip = 12;
        /** Share of each batch forced to contain foreground. */
        public double foregroundOversampling = 0.33;
    }

    /** A deep copy: changing the copy's fields leaves this plan as it is. */
    public Plan copy() {
        return PlanJson.copy(this);
    }

    /** Whether this is the full-resolution stage of a cascade ({@link #previousStage} is set). */
    @JsonIgnore
    public boolean isCascade() {
        return previousStage != null;
    }

    /**
     * Channels of the images this plan segments: {@code inputChannels}, less the previous stage's one-hot channels
     * in a cascade.
     */
    public int imageChannels() {
        return previousStage == null ? inputChannels : previousStage.inputChannels;
    }

    /** Network input channels that carry the previous stage's segmentation (0 outside a cascade). */
    public int previousStageChannels() {
        return inputChannels - imageChannels();
    }

    /** Number of spatial dimensions of the network: 2 or 3. */
    public int spatialDims() {
        return "3d".equals(configuration) ? 3 : 2;
    }
}
