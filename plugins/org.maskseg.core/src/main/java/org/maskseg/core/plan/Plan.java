package org.maskseg.core.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Everything needed to build, train and apply a network for one dataset: the counterpart of nnU-Net's
 * plans file. Serialised as JSON (see {@code PlanJson}); every field can be overridden by the user.
 * <p>
 * Spatial arrays are x first, like the volumes' sizes: {@code patchSize = {x, y[, z]}}. Tensors are
 * laid out (n, c, [z,] y, x), so code that builds tensor shapes reverses them.
 * <p>
 * <b>A plan never changes.</b> It is shared as it is (by models, trainers and loader threads) and never copied.
 * <ul>
 * <li>Read a field with its accessor of the same name: {@code plan.patchSize()}, {@code plan.network().numStages()},
 * {@code plan.training().epochs()}. Array accessors return a fresh copy each time (read them once outside a
 * loop); {@link Normalization#schemes()} is an unmodifiable list.</li>
 * <li>Change a field by building a new plan: {@code plan.toBuilder().batchSize(4).build()}; nested sections are
 * edited in place inside the builder: {@code plan.toBuilder().training(t -> t.epochs(10)).build()}. A plan from
 * scratch starts from {@link #builder()}, which holds the defaults documented on the builder's setters.</li>
 * <li>{@link Builder#build()} checks the whole plan at once and refuses an inconsistent one with an
 * {@link InvalidInputException} that names every problem, so every {@code Plan} is valid: spatial arrays have
 * one entry per axis, per-stage arrays one entry per stage, per-channel arrays one entry per channel, the
 * patch is divisible by the network's strides, and so on.</li>
 * </ul>
 * In short, field by field: reading {@code plan.x} is {@code plan.x()}; setting {@code x} is
 * {@code plan = plan.toBuilder().x(v).build()}; setting {@code network.x} is
 * {@code plan.toBuilder().network(n -> n.x(v)).build()} (likewise {@code normalization}, {@code training} and a
 * cascade's {@code previousStage}, whose targets are always this plan's);
 * a plan made field by field is {@code Plan.builder().x(v)...build()}; a network, normalisation or training section
 * on its own is {@code Plan.Network.builder()...build()} and so on.
 * <p>
 * A new field is added in four places: a private final field with its accessor here, a builder field (its
 * declaration order is the order in the JSON file; files without it read the builder's initial value) with its
 * setter, the copies in {@link #toBuilder()} and the constructor, and its checks in {@code PlanValidation}. Fields
 * of a nested section go the same way into the section's class and builder.
 */
public final class Plan {

    /**
     * Newest version of the plan format; readers refuse plans from a newer format. Plans of a cascade (with a
     * {@link #previousStage()}) are written as version 2, all others as version 1, so that older readers refuse only
     * what they cannot apply.
     */
    public static final int FORMAT_VERSION = 2;

    private final int formatVersion;
    private final String configuration;
    private final int inputChannels;
    private final Targets targets;
    private final double[] targetSpacing;
    private final String imageInterpolation;
    private final boolean cropToNonZero;
    private final int[] patchSize;
    private final int batchSize;
    private final boolean batchDice;
    private final Network network;
    private final Normalization normalization;
    private final Training training;
    private final Plan previousStage;

    private Plan(Builder b) {
        formatVersion = b.formatVersion;
        configuration = b.configuration;
        inputChannels = b.inputChannels;
        targets = b.targets;
        targetSpacing = b.targetSpacing.clone();
        imageInterpolation = b.imageInterpolation;
        cropToNonZero = b.cropToNonZero;
        patchSize = b.patchSize.clone();
        batchSize = b.batchSize;
        batchDice = b.batchDice;
        network = b.network.build();
        normalization = b.normalization.build();
        training = b.training.build();
        previousStage = b.previousStage == null ? null : new Plan(b.previousStage.targets(b.targets));
    }

    /** A builder holding the default plan (a 2D five-stage U-Net for one channel and two classes). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this plan's values; building it unchanged gives an equal plan. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.formatVersion = formatVersion;
        b.configuration = configuration;
        b.inputChannels = inputChannels;
        b.targets = targets;
        b.targetSpacing = targetSpacing.clone();
        b.imageInterpolation = imageInterpolation;
        b.cropToNonZero = cropToNonZero;
        b.patchSize = patchSize.clone();
        b.batchSize = batchSize;
        b.batchDice = batchDice;
        b.network = network.toBuilder();
        b.normalization = normalization.toBuilder();
        b.training = training.toBuilder();
        b.previousStage = previousStage == null ? null : previousStage.toBuilder();
        return b;
    }

    /** Version of the format this plan was written in. */
    public int formatVersion() {
        return formatVersion;
    }

    /** "2d" or "3d". A 2D plan applied to 3D images works slice by slice (xy planes). */
    public String configuration() {
        return configuration;
    }

    /** Number of spatial dimensions of the network: 2 or 3. */
    public int spatialDims() {
        return "3d".equals(configuration) ? 3 : 2;
    }

    /** Number of input channels (modalities). */
    public int inputChannels() {
        return inputChannels;
    }

    /**
     * Classes and their names, the user's ignore value, regions and partial-label mode: everything about what the
     * network outputs. Stored in plan files as the flat fields {@code numClasses}, {@code classNames},
     * {@code ignoreValue}, {@code regions} and {@code training.partialLabels} (see {@link PlanJson}).
     */
    public Targets targets() {
        return targets;
    }

    /** Spacing the data is resampled to before training and prediction, x first (a copy). */
    public double[] targetSpacing() {
        return targetSpacing.clone();
    }

    /**
     * Interpolation of image intensities when resampling to the target spacing: "cubic" (B-spline, nnU-Net's
     * choice) or "linear". Labels always use nearest neighbour, class maps linear interpolation.
     */
    public String imageInterpolation() {
        return imageInterpolation;
    }

    /**
     * Cut every image to the bounding box of its non-zero voxels before normalising, and put the prediction back
     * with background outside, as nnU-Net does (see {@code preprocess.NonZeroCrop}). Set for models imported from
     * nnU-Net; MaskSeg's own plans leave it off. Written to plan files only when on.
     */
    public boolean cropToNonZero() {
        return cropToNonZero;
    }

    /** Training patch size, x first (a copy). */
    public int[] patchSize() {
        return patchSize.clone();
    }

    /** Patches per training batch. */
    public int batchSize() {
        return batchSize;
    }

    /** Batch Dice: sum the Dice terms over the batch as well (nnU-Net does this for 3D full-res). */
    public boolean batchDice() {
        return batchDice;
    }

    /** The U-Net topology. */
    public Network network() {
        return network;
    }

    /** The intensity normalisation per channel. */
    public Normalization normalization() {
        return normalization;
    }

    /** The optimisation settings. */
    public Training training() {
        return training;
    }

    /**
     * For the full-resolution stage of nnU-Net's cascade: the plan of the low-resolution stage, which segments the
     * image first; its labels, resampled to this plan's spacing, enter this stage's network as one channel per
     * foreground class after the image channels, so {@code inputChannels} = image channels + foreground classes.
     * Null for every other plan. Shares this plan's targets.
     */
    public Plan previousStage() {
        return previousStage;
    }

    /** Whether this is the full-resolution stage of a cascade ({@link #previousStage()} is set). */
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

    /**
     * Collects the values of a plan; {@link #build()} checks them together. Setters copy the arrays and lists
     * they are given. The builder is also the form in which {@link PlanJson} reads and writes plans, so its fields
     * are the JSON fields, in file order.
     */
    @JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
            isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
    @JsonIgnoreProperties(ignoreUnknown = false)
    public static final class Builder {
        int formatVersion = FORMAT_VERSION;
        String configuration = "2d";
        int inputChannels = 1;
        @JsonIgnore
        Targets targets = Targets.classes(LabelSpec.withDefaultIgnore(2));
        double[] targetSpacing = {1, 1};
        String imageInterpolation = "cubic";
        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        boolean cropToNonZero = false;
        int[] patchSize = {128, 128};
        int batchSize = 2;
        boolean batchDice = false;
        Network.Builder network = new Network.Builder();
        Normalization.Builder normalization = new Normalization.Builder();
        Training.Builder training = new Training.Builder();
        @JsonInclude(JsonInclude.Include.NON_NULL)
        Builder previousStage = null;

        private Builder() {
        }

        /** Format version (default: {@link #FORMAT_VERSION}). */
        public Builder formatVersion(int v) {
            formatVersion = v;
            return this;
        }

        /** "2d" (default) or "3d". */
        public Builder configuration(String v) {
            configuration = v;
            return this;
        }

        /** Input channels (default 1). */
        public Builder inputChannels(int v) {
            inputChannels = v;
            return this;
        }

        /** What the network outputs (default: two classes, ignore value 2). */
        public Builder targets(Targets v) {
            targets = v;
            return this;
        }

        /** Target spacing, x first (default 1, 1). */
        public Builder targetSpacing(double... v) {
            targetSpacing = v == null ? null : v.clone();
            return this;
        }

        /** "cubic" (default) or "linear". */
        public Builder imageInterpolation(String v) {
            imageInterpolation = v;
            return this;
        }

        /** Crop to the non-zero box (default false). */
        public Builder cropToNonZero(boolean v) {
            cropToNonZero = v;
            return this;
        }

        /** Patch size, x first (default 128, 128). */
        public Builder patchSize(int... v) {
            patchSize = v == null ? null : v.clone();
            return this;
        }

        /** Batch size (default 2). */
        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        /** Batch Dice (default false). */
        public Builder batchDice(boolean v) {
            batchDice = v;
            return this;
        }

        /** Replaces the network section. */
        public Builder network(Network v) {
            network = v.toBuilder();
            return this;
        }

        /** Edits the network section: {@code network(n -> n.numStages(4))}. */
        public Builder network(Consumer<Network.Builder> edit) {
            edit.accept(network);
            return this;
        }

        /** Replaces the normalisation section. */
        public Builder normalization(Normalization v) {
            normalization = v.toBuilder();
            return this;
        }

        /** Edits the normalisation section. */
        public Builder normalization(Consumer<Normalization.Builder> edit) {
            edit.accept(normalization);
            return this;
        }

        /** Replaces the training section. */
        public Builder training(Training v) {
            training = v.toBuilder();
            return this;
        }

        /** Edits the training section: {@code training(t -> t.epochs(10))}. */
        public Builder training(Consumer<Training.Builder> edit) {
            edit.accept(training);
            return this;
        }

        /**
         * The low-resolution stage of a cascade, or null (default) for a plan without one. Its targets are replaced
         * by this plan's when built.
         */
        public Builder previousStage(Plan v) {
            previousStage = v == null ? null : v.toBuilder();
            return this;
        }

        /** Edits the previous stage: {@code previousStage(p -> p.batchSize(2))}; there must be one. */
        public Builder previousStage(Consumer<Builder> edit) {
            if (previousStage == null) {
                throw new IllegalStateException("the plan has no previous stage to edit");
            }
            edit.accept(previousStage);
            return this;
        }

        /**
         * The plan.
         *
         * @throws InvalidInputException "invalid plan: ..." listing every problem, each naming its field
         */
        public Plan build() {
            return build("invalid plan: ");
        }

        /**
         * The plan, or an exception whose message is {@code prefix} followed by every problem.
         */
        Plan build(String prefix) {
            List<String> problems = problems();
            if (!problems.isEmpty()) {
                throw new InvalidInputException(prefix + String.join("; ", problems));
            }
            return new Plan(this);
        }

        /** Every problem of the values collected so far; empty when {@link #build()} succeeds. */
        List<String> problems() {
            if (previousStage != null) {
                // the stages share one set of targets
                previousStage.targets = targets;
            }
            return PlanValidation.problems(this);
        }

        /** Whether a previous stage is set, as in {@link Plan#isCascade()}. */
        boolean isCascade() {
            return previousStage != null;
        }

        /** Image channels of the values collected so far, as in {@link Plan#imageChannels()}. */
        int imageChannels() {
            return previousStage == null ? inputChannels : previousStage.inputChannels;
        }

        /** Number of spatial dimensions of the configuration set so far: 3 for "3d", else 2. */
        int spatialDims() {
            return "3d".equals(configuration) ? 3 : 2;
        }
    }

    /**
     * U-Net topology: nnU-Net's PlainConvUNet, or its ResidualEncoderUNet (the network of the ResEnc presets). Plan
     * files of the plain U-Net leave out {@code architecture} and {@code blocksPerStage}, as files written before
     * the residual encoder existed do. A network on its own is not checked; it is checked as part of a plan, where
     * the number of axes is known.
     */
    public static final class Network {
        /** The plain convolutional U-Net (the default). */
        public static final String PLAIN_CONV_UNET = "PlainConvUNet";
        /** The U-Net whose encoder stages are residual blocks. */
        public static final String RESIDUAL_ENCODER_UNET = "ResidualEncoderUNet";

        private final String architecture;
        private final int numStages;
        private final int[] features;
        private final int[][] strides;
        private final int[][] kernelSizes;
        private final int convsPerStage;
        private final int[] blocksPerStage;
        private final boolean deepSupervision;

        private Network(Builder b) {
            architecture = b.architecture;
            numStages = b.numStages;
            features = copy(b.features);
            strides = copy(b.strides);
            kernelSizes = copy(b.kernelSizes);
            convsPerStage = b.convsPerStage;
            blocksPerStage = copy(b.blocksPerStage);
            deepSupervision = b.deepSupervision;
        }

        /** A builder holding the default network (five stages of 32 to 512 features, 2D). */
        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding this network's values. */
        public Builder toBuilder() {
            Builder b = new Builder();
            b.architecture = architecture;
            b.numStages = numStages;
            b.features = copy(features);
            b.strides = copy(strides);
            b.kernelSizes = copy(kernelSizes);
            b.convsPerStage = convsPerStage;
            b.blocksPerStage = copy(blocksPerStage);
            b.deepSupervision = deepSupervision;
            return b;
        }

        /** {@value #PLAIN_CONV_UNET} or {@value #RESIDUAL_ENCODER_UNET}. */
        public String architecture() {
            return architecture;
        }

        /** Number of resolution stages (encoder stages including the bottleneck). */
        public int numStages() {
            return numStages;
        }

        /** Output features per stage (a copy). */
        public int[] features() {
            return copy(features);
        }

        /** Stride of each stage's first convolution, x first; stage 0 has stride 1 (a deep copy). */
        public int[][] strides() {
            return copy(strides);
        }

        /** Convolution kernel size per stage, x first (a deep copy). */
        public int[][] kernelSizes() {
            return copy(kernelSizes);
        }

        /**
         * Convolutions per encoder and decoder stage; in a {@value #RESIDUAL_ENCODER_UNET}, convolutions per decoder
         * stage (its encoder stages hold {@link #blocksPerStage()} residual blocks).
         */
        public int convsPerStage() {
            return convsPerStage;
        }

        /** Residual blocks per encoder stage of a {@value #RESIDUAL_ENCODER_UNET} (a copy); null for the plain U-Net. */
        public int[] blocksPerStage() {
            return copy(blocksPerStage);
        }

        /** One output head per decoder stage (deep supervision). */
        public boolean deepSupervision() {
            return deepSupervision;
        }

        /** Collects the values of a network; see {@link Plan.Builder}. */
        @JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
                isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
        @JsonIgnoreProperties(ignoreUnknown = false)
        public static final class Builder {
            String architecture = PLAIN_CONV_UNET;
            int numStages = 5;
            int[] features = {32, 64, 128, 256, 512};
            int[][] strides = {{1, 1}, {2, 2}, {2, 2}, {2, 2}, {2, 2}};
            int[][] kernelSizes = {{3, 3}, {3, 3}, {3, 3}, {3, 3}, {3, 3}};
            int convsPerStage = 2;
            int[] blocksPerStage = null;
            boolean deepSupervision = true;

            private Builder() {
            }

            /** {@value Network#PLAIN_CONV_UNET} (default) or {@value Network#RESIDUAL_ENCODER_UNET}. */
            public Builder architecture(String v) {
                architecture = v;
                return this;
            }

            /** Stages (default 5). */
            public Builder numStages(int v) {
                numStages = v;
                return this;
            }

            /** Features per stage (default 32, 64, 128, 256, 512). */
            public Builder features(int... v) {
                features = copy(v);
                return this;
            }

            /** Strides per stage, x first (default 1 for stage 0, then 2 per axis). */
            public Builder strides(int[]... v) {
                strides = copy(v);
                return this;
            }

            /** Kernel sizes per stage, x first (default 3 per axis). */
            public Builder kernelSizes(int[]... v) {
                kernelSizes = copy(v);
                return this;
            }

            /** Convolutions per stage (default 2). */
            public Builder convsPerStage(int v) {
                convsPerStage = v;
                return this;
            }

            /** Residual blocks per encoder stage, for a residual encoder only (default null). */
            public Builder blocksPerStage(int... v) {
                blocksPerStage = copy(v);
                return this;
            }

            /** Deep supervision (default true). */
            public Builder deepSupervision(boolean v) {
                deepSupervision = v;
                return this;
            }

            /** The network, not checked (see {@link Network}). */
            public Network build() {
                return new Network(this);
            }
        }
    }

    /** Intensity normalisation, per channel. A normalisation on its own is checked as part of a plan. */
    public static final class Normalization {
        private final List<String> schemes;
        private final boolean[] useMask;
        private final double[] clipLow;
        private final double[] clipHigh;
        private final double[] mean;
        private final double[] std;

        private Normalization(Builder b) {
            schemes = b.schemes == null ? null : Collections.unmodifiableList(new ArrayList<>(b.schemes));
            useMask = b.useMask == null ? null : b.useMask.clone();
            clipLow = copy(b.clipLow);
            clipHigh = copy(b.clipHigh);
            mean = copy(b.mean);
            std = copy(b.std);
        }

        /** A builder holding the default normalisation: one channel, per-image z-score. */
        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding this normalisation's values. */
        public Builder toBuilder() {
            Builder b = new Builder();
            b.schemes = schemes == null ? null : new ArrayList<>(schemes);
            b.useMask = useMask == null ? null : useMask.clone();
            b.clipLow = copy(clipLow);
            b.clipHigh = copy(clipHigh);
            b.mean = copy(mean);
            b.std = copy(std);
            return b;
        }

        /**
         * Per channel (unmodifiable): "zscore" (per image), "ct" (clip to dataset percentiles, global z-score),
         * "none", "rescale_to_0_1" (per image min-max) or "rgb_to_0_1" (divide by 255).
         */
        public List<String> schemes() {
            return schemes;
        }

        /** Per channel: compute z-score statistics only inside the non-zero foreground mask (a copy). */
        public boolean[] useMask() {
            return useMask == null ? null : useMask.clone();
        }

        /** Per channel, for "ct": lower clipping bound, a dataset percentile of foreground voxels (a copy). */
        public double[] clipLow() {
            return copy(clipLow);
        }

        /** Per channel, for "ct": upper clipping bound (a copy). */
        public double[] clipHigh() {
            return copy(clipHigh);
        }

        /** Per channel, for "ct": mean of the foreground voxels (a copy). */
        public double[] mean() {
            return copy(mean);
        }

        /** Per channel, for "ct": standard deviation of the foreground voxels (a copy). */
        public double[] std() {
            return copy(std);
        }

        /** Collects the values of a normalisation; see {@link Plan.Builder}. */
        @JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
                isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
        @JsonIgnoreProperties(ignoreUnknown = false)
        public static final class Builder {
            List<String> schemes = new ArrayList<>(List.of("zscore"));
            boolean[] useMask = {false};
            double[] clipLow = {0};
            double[] clipHigh = {0};
            double[] mean = {0};
            double[] std = {1};

            private Builder() {
            }

            /** Schemes per channel (default "zscore"). */
            public Builder schemes(List<String> v) {
                schemes = v == null ? null : new ArrayList<>(v);
                return this;
            }

            /** Schemes per channel (default "zscore"). */
            public Builder schemes(String... v) {
                return schemes(v == null ? null : java.util.Arrays.asList(v));
            }

            /** Foreground mask per channel (default false). */
            public Builder useMask(boolean... v) {
                useMask = v == null ? null : v.clone();
                return this;
            }

            /** Lower CT clipping bound per channel (default 0). */
            public Builder clipLow(double... v) {
                clipLow = copy(v);
                return this;
            }

            /** Upper CT clipping bound per channel (default 0). */
            public Builder clipHigh(double... v) {
                clipHigh = copy(v);
                return this;
            }

            /** CT mean per channel (default 0). */
            public Builder mean(double... v) {
                mean = copy(v);
                return this;
            }

            /** CT standard deviation per channel (default 1). */
            public Builder std(double... v) {
                std = copy(v);
                return this;
            }

            /** The normalisation, not checked (see {@link Normalization}). */
            public Normalization build() {
                return new Normalization(this);
            }
        }
    }

    /** Optimisation settings (nnU-Net defaults); checked as part of a plan. */
    public static final class Training {
        private final int epochs;
        private final int iterationsPerEpoch;
        private final int validationIterations;
        private final double initialLearningRate;
        private final double momentum;
        private final double weightDecay;
        private final double gradientClip;
        private final double foregroundOversampling;

        private Training(Builder b) {
            epochs = b.epochs;
            iterationsPerEpoch = b.iterationsPerEpoch;
            validationIterations = b.validationIterations;
            initialLearningRate = b.initialLearningRate;
            momentum = b.momentum;
            weightDecay = b.weightDecay;
            gradientClip = b.gradientClip;
            foregroundOversampling = b.foregroundOversampling;
        }

        /** A builder holding nnU-Net's defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding these settings. */
        public Builder toBuilder() {
            Builder b = new Builder();
            b.epochs = epochs;
            b.iterationsPerEpoch = iterationsPerEpoch;
            b.validationIterations = validationIterations;
            b.initialLearningRate = initialLearningRate;
            b.momentum = momentum;
            b.weightDecay = weightDecay;
            b.gradientClip = gradientClip;
            b.foregroundOversampling = foregroundOversampling;
            return b;
        }

        /** Length of the learning-rate schedule. */
        public int epochs() {
            return epochs;
        }

        /** Training steps per epoch. */
        public int iterationsPerEpoch() {
            return iterationsPerEpoch;
        }

        /** Validation batches per epoch. */
        public int validationIterations() {
            return validationIterations;
        }

        /** Learning rate of the first epoch of the poly schedule. */
        public double initialLearningRate() {
            return initialLearningRate;
        }

        /** Nesterov momentum. */
        public double momentum() {
            return momentum;
        }

        /** Weight decay. */
        public double weightDecay() {
            return weightDecay;
        }

        /** Largest gradient norm; larger gradients are scaled down to it. */
        public double gradientClip() {
            return gradientClip;
        }

        /** Share of each batch forced to contain foreground. */
        public double foregroundOversampling() {
            return foregroundOversampling;
        }

        /** Collects optimisation settings; see {@link Plan.Builder}. */
        @JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE,
                isGetterVisibility = Visibility.NONE, setterVisibility = Visibility.NONE)
        @JsonIgnoreProperties(ignoreUnknown = false)
        public static final class Builder {
            int epochs = 1000;
            int iterationsPerEpoch = 250;
            int validationIterations = 50;
            double initialLearningRate = 1e-2;
            double momentum = 0.99;
            double weightDecay = 3e-5;
            double gradientClip = 12;
            double foregroundOversampling = 0.33;

            private Builder() {
            }

            /** Epochs (default 1000). */
            public Builder epochs(int v) {
                epochs = v;
                return this;
            }

            /** Iterations per epoch (default 250). */
            public Builder iterationsPerEpoch(int v) {
                iterationsPerEpoch = v;
                return this;
            }

            /** Validation iterations per epoch (default 50). */
            public Builder validationIterations(int v) {
                validationIterations = v;
                return this;
            }

            /** Initial learning rate (default 0.01). */
            public Builder initialLearningRate(double v) {
                initialLearningRate = v;
                return this;
            }

            /** Momentum (default 0.99). */
            public Builder momentum(double v) {
                momentum = v;
                return this;
            }

            /** Weight decay (default 3e-5). */
            public Builder weightDecay(double v) {
                weightDecay = v;
                return this;
            }

            /** Gradient clipping norm (default 12). */
            public Builder gradientClip(double v) {
                gradientClip = v;
                return this;
            }

            /** Foreground oversampling (default 0.33). */
            public Builder foregroundOversampling(double v) {
                foregroundOversampling = v;
                return this;
            }

            /** The settings, not checked (see {@link Training}). */
            public Training build() {
                return new Training(this);
            }
        }
    }

    private static int[] copy(int[] a) {
        return a == null ? null : a.clone();
    }

    private static double[] copy(double[] a) {
        return a == null ? null : a.clone();
    }

    private static int[][] copy(int[][] a) {
        if (a == null) {
            return null;
        }
        int[][] c = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = copy(a[i]);
        }
        return c;
    }
}
