package org.maskseg.core.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.RegionSet;
import org.maskseg.core.labels.Targets;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Derives a {@link Plan} from a {@link DatasetFingerprint}, following nnU-Net's default experiment planner:
 * <ol>
 * <li>Target spacing: the per-axis median spacing. When one axis is much coarser than the others (more than
 * 3x the finest spacing) and also has far fewer voxels (its median size times 3 is below the others'), its
 * target is the 10th percentile of its spacings instead, but never finer than the other axes.</li>
 * <li>Patch size: a patch with the aspect ratio of one physical unit per axis, as large as 256³ (3D) or 2048²
 * (2D) voxels, clipped to the median image size after resampling; then the topology
 * ({@link NetworkTopology}) rounds it up to a multiple of its total stride per axis.</li>
 * <li>While two patches do not fit into the memory budget, the axis that is largest relative to the median
 * image size is shortened by one stride multiple and the topology recomputed.</li>
 * <li>Batch size: as many patches as fit into the budget, at most as many as cover 5% of all voxels of the
 * dataset, at least 2 (then at most {@link PlannerOptions#maxBatchSize()} when set).</li>
 * <li>Normalisation: selected by the channel names as in nnU-Net ({@link #scheme}): CT clipping and dataset z-score
 * for "CT", none for "noNorm", per-image min-max for "rescale_to_0_1", /255 for "rgb_to_0_1", else per-image z-score; no
 * foreground mask, as the data is not cropped. Images are resampled with cubic B-splines; batch Dice in 2D.</li>
 * </ol>
 * Options are applied first, then {@link PlannerOptions#overrides()}, then the plan is validated. With a ResEnc
 * {@link Preset} the network, patch and batch size are planned as nnU-Net's ResEnc planners plan them instead
 * ({@link #configureResidualNetwork}); target spacing and normalisation stay as above.
 * Rounding to whole voxels and batches rounds halves to even, as numpy does.
 * <p>
 * <b>Memory model.</b> The activation memory of one patch is estimated as
 * {@value #BYTES_PER_FEATURE_VOXEL} bytes × (Σ over stages of features × voxels at that stage + (input
 * channels + classes) × patch voxels). The constant stands for about ten float32 values per encoder feature
 * voxel (each of the two convolutions per stage keeps its output, the normalised output and the activation; the
 * decoder mirrors the encoder and adds the upsampled and concatenated maps). It is calibrated so that an 8 GiB
 * budget gives nnU-Net's reference configurations: batch 12 of 512² patches with 7 stages in 2D and batch 2 of
 * 128³ patches with 6 stages in 3D.
 */
public final class Planner {

    /** Bytes of activation memory per (feature × voxel) of the encoder; see the class comment. */
    public static final double BYTES_PER_FEATURE_VOXEL = 40;

    public static final int BASE_FEATURES = 32;
    public static final int MAX_FEATURES_2D = 512;
    public static final int MAX_FEATURES_3D = 320;
    public static final int MAX_POOLS_2D = 6;
    public static final int MAX_POOLS_3D = 5;
    public static final int MIN_BATCH_SIZE = 2;
    /** Largest share of the dataset's voxels one batch may cover (overfitting guard). */
    public static final double MAX_DATASET_COVERED = 0.05;
    public static final double ANISOTROPY_THRESHOLD = 3;
    /** The configuration name of nnU-Net's cascade (a low-resolution stage, then full resolution). */
    public static final String CASCADE = "3d_cascade";
    /** A low-resolution stage is planned while the full-resolution patch covers less of the median image. */
    public static final double LOWRES_CREATION_THRESHOLD = 0.25;
    /** Factor by which the low-resolution spacing grows per step. */
    public static final double LOWRES_SPACING_STEP = 1.03;
    /** The low-resolution median image must have at most 1/this of the full-resolution voxels. */
    public static final double LOWRES_MIN_SHRINK = 2;

    private static final double GIB = 1024.0 * 1024 * 1024;

    private Planner() {
    }

    /** Plans with the default options. */
    public static Plan plan(DatasetFingerprint fingerprint, LabelSpec spec) {
        return plan(fingerprint, spec, PlannerOptions.defaults());
    }

    public static Plan plan(DatasetFingerprint fingerprint, LabelSpec spec, PlannerOptions options) {
        int dataDims = fingerprint.spatialDims();
        // Volumes of a single slice are 2D data, as in nnU-Net.
        boolean flat = dataDims == 3 && fingerprint.maxSize()[2] == 1;
        if (isCascade(options.configuration())) {
            if (options.preset().residual()) {
                throw new InvalidInputException("preset " + options.preset().label() + " cannot be combined with the "
                        + CASCADE + " configuration: the cascade plans plain U-Nets; use 3d, or the default preset");
            }
            return cascadeOrRefuse(fingerprint, spec, options, flat ? 2 : dataDims);
        }
        String configuration = configuration(options.configuration(), flat ? 2 : dataDims);
        if (fingerprint.numClasses() != spec.numClasses()) {
            throw new IllegalArgumentException("fingerprint has " + fingerprint.numClasses()
                    + " classes but the label specification " + spec.numClasses());
        }
        if (!(options.memoryBudgetGiB() > 0) || Double.isInfinite(options.memoryBudgetGiB())) {
            throw new InvalidInputException("memory budget must be a positive number of GiB, got "
                    + options.memoryBudgetGiB());
        }
        if (options.maxBatchSize() < 0) {
            throw new InvalidInputException("maximum batch size must be positive (or 0 for no limit), got "
                    + options.maxBatchSize());
        }

        double[] fullSpacing = targetSpacing(fingerprint);
        double[] medianShape = medianShapeAfterResampling(fingerprint, fullSpacing);
        double datasetVoxels = fingerprint.numCases();
        for (double s : medianShape) {
            datasetVoxels *= s;
        }

        int dims = "3d".equals(configuration) ? 3 : 2;
        double[] spacing = Arrays.copyOf(fullSpacing, dims);
        double[] shape = Arrays.copyOf(medianShape, dims);

        Plan.Builder plan = Plan.builder()
                .configuration(configuration)
                .inputChannels(fingerprint.channels())
                .targets(Targets.of(spec, RegionSet.parse(options.regions(), spec), false))
                .targetSpacing(spacing)
                .batchDice(dims == 2);
        if (options.preset().residual()) {
            configureResidualNetwork(plan, spacing, shape, datasetVoxels, options);
        } else {
            configureNetwork(plan, spacing, shape, datasetVoxels, options);
        }
        plan.normalization(normalization(fingerprint, options.channelModalities()));

        if (options.overrides() != null && !options.overrides().isBlank()) {
            return applyOverrides(plan, options.overrides());
        }
        return plan.build();
    }

    /** Whether a configuration name asks for nnU-Net's cascade ("3d_cascade", any case). */
    public static boolean isCascade(String configuration) {
        return configuration != null && configuration.trim().toLowerCase(Locale.ROOT).equals(CASCADE);
    }

    /** The plan of a cascade: the 3D plan with its low-resolution stage, overrides applied to the result. */
    private static Plan cascadeOrRefuse(DatasetFingerprint fingerprint, LabelSpec spec, PlannerOptions options,
            int dataDims) {
        if (dataDims != 3) {
            throw new InvalidInputException("configuration '" + CASCADE + "' needs 3D images, but the images are 2D "
                    + "(or volumes of a single slice)");
        }
        Plan fullres = plan(fingerprint, spec, options.withConfiguration("3d").withOverrides(null));
        Plan cascade = cascadeOrRefuse(fullres, fingerprint, options);
        String overrides = options.overrides();
        return overrides == null || overrides.isBlank() ? cascade : applyOverrides(cascade.toBuilder(), overrides);
    }

    /**
     * {@link #cascade} or, when nnU-Net would add no low-resolution stage, an {@link InvalidInputException} that
     * says why.
     */
    public static Plan cascadeOrRefuse(Plan fullres, DatasetFingerprint fingerprint, PlannerOptions options) {
        Plan c = cascade(fullres, fingerprint, options);
        if (c == null) {
            double[] median = medianShapeAfterResampling(fingerprint, fullres.targetSpacing());
            throw new InvalidInputException(String.format(Locale.ROOT, "no low-resolution stage for a cascade: the "
                    + "full-resolution patch %s covers %.0f%% of the median image %s (after resampling), and nnU-Net "
                    + "adds one only below %.0f%% (or, with a coarser spacing, the images would shrink less than %.0fx); "
                    + "train with the 3d configuration", Arrays.toString(fullres.patchSize()),
                    100 * product(fullres.patchSize()) / product(median), Arrays.toString(round(median)),
                    100 * LOWRES_CREATION_THRESHOLD, LOWRES_MIN_SHRINK));
        }
        return c;
    }

    /**
     * nnU-Net's low-resolution stage for a 3D full-resolution plan, as the cascade's plan: the full-resolution plan
     * with one more input channel per foreground class and the low-resolution plan as its
     * {@link Plan#previousStage}; null when nnU-Net would add no low-resolution stage.
     * <p>
     * The rule: a low-resolution stage is planned while the full-resolution patch covers less than
     * {@value #LOWRES_CREATION_THRESHOLD} of the voxels of the median image (after resampling). Its spacing starts
     * at the full-resolution spacing and grows by the factor {@value #LOWRES_SPACING_STEP} per step, only along the
     * axes more than twice finer than the coarsest as long as there are such, else along all axes; after each step
     * the stage is planned anew (patch, topology, batch size, by the same rules and memory budget) for the median
     * image at that spacing, until its patch covers at least that share of it. The stage is dropped when its median
     * image has fewer than 1/{@value #LOWRES_MIN_SHRINK} of the full-resolution voxels (too close to be worth a
     * stage; this is also the case when the full-resolution patch covers enough already).
     *
     * @param fullres a 3D plan for classes (not regions), not a cascade
     */
    public static Plan cascade(Plan fullres, DatasetFingerprint fingerprint, PlannerOptions options) {
        if (!"3d".equals(fullres.configuration()) || fullres.isCascade()) {
            throw new IllegalArgumentException("a cascade is planned from a 3d plan that is not a cascade");
        }
        if (fullres.targets().regionBased()) {
            throw new InvalidInputException("a cascade of region-based networks is not supported: the previous "
                    + "stage's segmentation enters as one channel per class; train classes, or without a cascade");
        }
        double[] fullSpacing = fullres.targetSpacing();
        double[] median = round(medianShapeAfterResampling(fingerprint, fullSpacing));
        double fullVoxels = product(median);
        double medianVoxels = fullVoxels;
        double patchVoxels = product(fullres.patchSize());
        double[] spacing = fullSpacing.clone();
        Plan.Builder low = null;
        while (patchVoxels / medianVoxels < LOWRES_CREATION_THRESHOLD) {
            double max = Arrays.stream(spacing).max().getAsDouble();
            boolean anisotropic = Arrays.stream(spacing).anyMatch(v -> max / v > 2);
            double[] shape = new double[3];
            for (int a = 0; a < 3; a++) {
                if (!anisotropic || max / spacing[a] > 2) {
                    spacing[a] *= LOWRES_SPACING_STEP;
                }
            }
            medianVoxels = 1;
            for (int a = 0; a < 3; a++) {
                double exact = fullSpacing[a] / spacing[a] * median[a];
                medianVoxels *= exact;
                shape[a] = Math.rint(exact);
            }
            low = Plan.builder()
                    .configuration("3d")
                    .inputChannels(fullres.inputChannels())
                    .targets(fullres.targets())
                    .targetSpacing(spacing);
            configureNetwork(low, spacing.clone(), shape, medianVoxels * fingerprint.numCases(), options);
            low.imageInterpolation(fullres.imageInterpolation());
            patchVoxels = product(low.patchSize);
        }
        if (low == null || fullVoxels / medianVoxels < LOWRES_MIN_SHRINK) {
            return null;
        }
        low.batchDice(false).normalization(fullres.normalization()).training(fullres.training());
        Plan.Builder cascade = fullres.toBuilder()
                .inputChannels(fullres.inputChannels() + fullres.targets().numClasses() - 1);
        cascade.previousStage = low;
        return cascade.build();
    }

    private static double[] round(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.rint(v[i]);
        }
        return r;
    }

    /**
     * Overrides as in {@link PlanJson#applyOverrides}, except that a new patch size or target spacing without a
     * new network gets the network the planner would derive for it, so that a smaller patch also gets fewer
     * stages. The batch size stays as planned unless overridden too.
     */
    private static Plan applyOverrides(Plan.Builder planned, String overrides) {
        ObjectNode fragment = PlanJson.parseOverrides(overrides);
        Plan.Builder plan = PlanJson.mergeToBuilder(planned, fragment);
        rederiveNetwork(plan, fragment);
        if (plan.previousStage != null && fragment.get("previousStage") instanceof ObjectNode nested) {
            rederiveNetwork(plan.previousStage, nested);
        }
        return plan.build(PlanJson.AFTER_OVERRIDES + " is invalid: ");
    }

    /** The network the planner derives for an overridden patch size or spacing, unless the network is overridden. */
    private static void rederiveNetwork(Plan.Builder plan, ObjectNode fragment) {
        boolean geometry = fragment.has("patchSize") || fragment.has("targetSpacing");
        if (geometry && !fragment.has("network") && hasConsistentGeometry(plan)) {
            NetworkTopology t = topology(plan, plan.patchSize);
            if (!Arrays.equals(t.patchSize(), plan.patchSize)) {
                throw new InvalidInputException("patch size " + Arrays.toString(plan.patchSize)
                        + " does not suit a U-Net: its network halves the axes " + Arrays.toString(t.poolsPerAxis())
                        + " times, so each axis must be divisible by " + Arrays.toString(t.divisor()) + "; use "
                        + Arrays.toString(t.patchSize()) + " (or override the network as well)");
            }
            setNetwork(plan, t);
        }
    }

    /**
     * The topology the planner derives for a patch (x first) at the plan's target spacing: at most {@link
     * #MAX_POOLS_2D} / {@link #MAX_POOLS_3D} downsamplings per axis for the plain U-Net, as many as the patch
     * allows for a {@value Plan.Network#RESIDUAL_ENCODER_UNET} (as nnU-Net's planners allow).
     */
    public static NetworkTopology topology(Plan plan, int[] patch) {
        return NetworkTopology.of(plan.targetSpacing(), patch, maxPools(plan.spatialDims(),
                Plan.Network.RESIDUAL_ENCODER_UNET.equals(plan.network().architecture())));
    }

    /** {@link #topology(Plan, int[])} for the values a builder holds. */
    public static NetworkTopology topology(Plan.Builder plan, int[] patch) {
        return NetworkTopology.of(plan.targetSpacing, patch, maxPools(plan.spatialDims(),
                Plan.Network.RESIDUAL_ENCODER_UNET.equals(plan.network.architecture)));
    }

    static int maxPools(int dims, boolean residual) {
        return residual ? Integer.MAX_VALUE : dims == 3 ? MAX_POOLS_3D : MAX_POOLS_2D;
    }

    /**
     * Sets the builder's network to a topology, keeping its architecture: stages, strides and kernels, the planner's
     * features per stage and, for a {@value Plan.Network#RESIDUAL_ENCODER_UNET}, the ResEnc presets' residual
     * blocks per stage ({@link Preset#ENCODER_BLOCKS}).
     */
    public static void setNetwork(Plan.Builder plan, NetworkTopology t) {
        int dims = plan.spatialDims();
        Plan.Network.Builder net = plan.network;
        net.numStages(t.numStages())
                .features(features(t.numStages(), dims == 3 ? MAX_FEATURES_3D : MAX_FEATURES_2D))
                .strides(t.strides())
                .kernelSizes(t.kernelSizes());
        if (Plan.Network.RESIDUAL_ENCODER_UNET.equals(net.architecture)) {
            net.blocksPerStage(encoderBlocks(t.numStages()));
        }
    }

    private static int[] encoderBlocks(int stages) {
        if (stages > Preset.ENCODER_BLOCKS.length) {
            throw new InvalidInputException("a residual encoder U-Net of " + stages + " stages is too deep; the "
                    + "ResEnc presets define at most " + Preset.ENCODER_BLOCKS.length + " (use a smaller patch)");
        }
        return Arrays.copyOf(Preset.ENCODER_BLOCKS, stages);
    }

    /** Whether the merged configuration, patch size and spacing can be given to {@link NetworkTopology}. */
    private static boolean hasConsistentGeometry(Plan.Builder plan) {
        if (!"2d".equals(plan.configuration) && !"3d".equals(plan.configuration) || plan.network == null
                || plan.patchSize == null || plan.targetSpacing == null) {
            return false;
        }
        int dims = plan.spatialDims();
        return plan.patchSize.length == dims && plan.targetSpacing.length == dims
                && Arrays.stream(plan.patchSize).allMatch(v -> v > 0)
                && Arrays.stream(plan.targetSpacing).allMatch(v -> v > 0 && Double.isFinite(v));
    }

    private static String configuration(String requested, int dataDims) {
        if (requested == null || requested.isBlank()) {
            return dataDims == 3 ? "3d" : "2d";
        }
        String c = requested.trim().toLowerCase(Locale.ROOT);
        if (!c.equals("2d") && !c.equals("3d")) {
            throw new InvalidInputException("configuration must be '2d' or '3d', got '" + requested + "'");
        }
        if (c.equals("3d") && dataDims == 2) {
            throw new InvalidInputException("configuration '3d' needs 3D images, but the images are 2D (or volumes "
                    + "of a single slice)");
        }
        return c;
    }

    /** The target spacing, x first (nnU-Net's full-resolution rule, see the class comment). */
    public static double[] targetSpacing(DatasetFingerprint fp) {
        double[] target = fp.medianSpacing().clone();
        int dims = target.length;
        int worst = 0;
        for (int a = 1; a < dims; a++) {
            if (target[a] > target[worst]) {
                worst = a;
            }
        }
        double maxOtherSpacing = 0;
        double minOtherSize = Double.POSITIVE_INFINITY;
        for (int a = 0; a < dims; a++) {
            if (a != worst) {
                maxOtherSpacing = Math.max(maxOtherSpacing, target[a]);
                minOtherSize = Math.min(minOtherSize, fp.medianSize()[a]);
            }
        }
        boolean anisotropicSpacing = target[worst] > ANISOTROPY_THRESHOLD * maxOtherSpacing;
        boolean anisotropicVoxels = fp.medianSize()[worst] * ANISOTROPY_THRESHOLD < minOtherSize;
        if (anisotropicSpacing && anisotropicVoxels) {
            double[] axis = new double[fp.numCases()];
            for (int i = 0; i < axis.length; i++) {
                axis[i] = fp.spacings().get(i)[worst];
            }
            Arrays.sort(axis);
            double t = DatasetFingerprint.percentileOfSorted(axis, 10);
            if (t < maxOtherSpacing) {
                // Never make the coarse axis finer than the others.
                t = Math.max(maxOtherSpacing, t) + 1e-5;
            }
            target[worst] = t;
        }
        return target;
    }

    /** Per-axis median of the case sizes after resampling to the target spacing. */
    static double[] medianShapeAfterResampling(DatasetFingerprint fp, double[] target) {
        int dims = target.length;
        double[] median = new double[dims];
        for (int a = 0; a < dims; a++) {
            double[] s = new double[fp.numCases()];
            for (int i = 0; i < s.length; i++) {
                s[i] = Math.max(1, Math.rint(fp.sizes().get(i)[a] * fp.spacings().get(i)[a] / target[a]));
            }
            Arrays.sort(s);
            median[a] = Math.rint(DatasetFingerprint.percentileOfSorted(s, 50));
        }
        return median;
    }

    private static void configureNetwork(Plan.Builder plan, double[] spacing, double[] medianShape,
            double datasetVoxels, PlannerOptions options) {
        int dims = spacing.length;
        int maxPools = dims == 3 ? MAX_POOLS_3D : MAX_POOLS_2D;
        int maxFeatures = dims == 3 ? MAX_FEATURES_3D : MAX_FEATURES_2D;
        double budget = options.memoryBudgetGiB() * GIB;

        NetworkTopology topology = shrinkToFit(spacing, medianShape, maxPools, options,
                t -> patchBytes(t, maxFeatures, plan.inputChannels, plan.targets.outputChannels()) * MIN_BATCH_SIZE
                        > budget);
        int[] patch = topology.patchSize();
        double perPatch = patchBytes(topology, maxFeatures, plan.inputChannels, plan.targets.outputChannels());

        int batch = (int) Math.min(Integer.MAX_VALUE, Math.floor(budget / perPatch));
        double coverageBound = Math.rint(datasetVoxels * MAX_DATASET_COVERED / product(patch));
        batch = (int) Math.max(Math.min(batch, coverageBound), MIN_BATCH_SIZE);
        if (options.maxBatchSize() > 0) {
            batch = Math.min(batch, options.maxBatchSize());
        }

        plan.patchSize(patch).batchSize(batch).network(Plan.Network.builder()
                .numStages(topology.numStages())
                .features(features(topology.numStages(), maxFeatures))
                .strides(topology.strides())
                .kernelSizes(topology.kernelSizes())
                .build());
    }

    /**
     * The topology of the initial patch, shrunk one axis at a time ({@link #axisToShrink}, by {@link #shrinkStep})
     * while {@code tooLarge} holds for it; both planners size their patch this way and differ only in the test.
     */
    private static NetworkTopology shrinkToFit(double[] spacing, double[] medianShape, int maxPools,
            PlannerOptions options, java.util.function.Predicate<NetworkTopology> tooLarge) {
        NetworkTopology topology = NetworkTopology.of(spacing, initialPatch(spacing, medianShape), maxPools);
        int[] patch = topology.patchSize();
        while (tooLarge.test(topology)) {
            int axis = axisToShrink(patch, medianShape);
            int step = shrinkStep(spacing, patch, topology, axis, maxPools);
            patch = patch.clone();
            patch[axis] -= step;
            if (patch[axis] < 1) {
                throw new InvalidInputException(String.format(Locale.ROOT,
                        "memory budget of %.3g GiB is too small for even a minimal training patch; raise it",
                        options.memoryBudgetGiB()));
            }
            topology = NetworkTopology.of(spacing, patch, maxPools);
            patch = topology.patchSize();
        }
        return topology;
    }

    /**
     * The network, patch and batch size of a ResEnc preset, as nnU-Net's ResEnc planners plan them (see {@link
     * Preset}): the topology of the initial patch, shrunk one axis at a time (the one largest relative to the median
     * shape, by the divisor of the shrunk patch, as in {@link #configureNetwork}) while the feature-map size of the
     * network exceeds reference × memory budget / reference memory; then the batch size.
     */
    private static void configureResidualNetwork(Plan.Builder plan, double[] spacing, double[] medianShape,
            double datasetVoxels, PlannerOptions options) {
        int dims = spacing.length;
        Preset preset = options.preset();
        int maxFeatures = dims == 3 ? MAX_FEATURES_3D : MAX_FEATURES_2D;
        int maxPools = maxPools(dims, true);
        int out = plan.targets.outputChannels();
        double reference = preset.referenceValue(dims) * (options.memoryBudgetGiB() / preset.referenceGiB());

        NetworkTopology topology = shrinkToFit(spacing, medianShape, maxPools, options,
                t -> residualFeatureMapSize(t, maxFeatures, out, false) > reference);
        int[] patch = topology.patchSize();
        double estimate = residualFeatureMapSize(topology, maxFeatures, out, false);
        int referenceBatch = dims == 3 ? 2 : 12;
        double batch = Math.rint(reference / estimate * referenceBatch);
        // the ResEnc presets let a batch cover the whole dataset (nnU-Net's 5% cap is lifted)
        double coverageBound = Math.rint(datasetVoxels / product(patch));
        int b = (int) Math.max(Math.min(Math.min(batch, coverageBound), Integer.MAX_VALUE), MIN_BATCH_SIZE);
        if (options.maxBatchSize() > 0) {
            b = Math.min(b, options.maxBatchSize());
        }
        plan.patchSize(patch).batchSize(b).network(Plan.Network.builder()
                .architecture(Plan.Network.RESIDUAL_ENCODER_UNET)
                .convsPerStage(1)
                .build());
        setNetwork(plan, topology);
    }

    /**
     * The number of feature-map values a {@value Plan.Network#RESIDUAL_ENCODER_UNET} of the ResEnc presets (features
     * {@link #features}, {@link Preset#ENCODER_BLOCKS} blocks, one convolution per decoder stage) computes for one
     * patch, counted as dynamic-network-architectures counts them (its {@code compute_conv_feature_map_size}): the
     * output of every convolution of stem, residual blocks (both convolutions, and the skip path's where it pools or
     * projects), decoder stages and transposed convolutions, and of the segmentation heads (only the full-resolution
     * one unless {@code allHeads}). Sizes are divided by each stride, rounding down. nnU-Net's planner counts
     * without deep supervision.
     *
     * @param classes output channels of the heads
     */
    public static double residualFeatureMapSize(NetworkTopology topology, int maxFeatures, int classes,
            boolean allHeads) {
        int stages = topology.numStages();
        int[] f = features(stages, maxFeatures);
        int[] blocks = encoderBlocks(stages);
        int dims = topology.patchSize().length;
        long[] size = new long[dims];
        for (int a = 0; a < dims; a++) {
            size[a] = topology.patchSize()[a];
        }
        double total = f[0] * voxels(size); // stem
        double[] levelVoxels = new double[stages];
        int in = f[0];
        for (int s = 0; s < stages; s++) {
            boolean strided = false;
            for (int a = 0; a < dims; a++) {
                strided |= topology.strides()[s][a] != 1;
                size[a] /= topology.strides()[s][a];
            }
            double v = voxels(size);
            levelVoxels[s] = v;
            total += 2.0 * blocks[s] * f[s] * v; // conv1 and conv2 of every block
            if (strided || in != f[s]) {
                total += f[s] * v; // the first block's skip path
            }
            in = f[s];
        }
        for (int l = stages - 2; l >= 0; l--) {
            total += 2.0 * f[l] * levelVoxels[l]; // transposed convolution and one decoder convolution
            if (allHeads || l == 0) {
                total += (double) classes * levelVoxels[l];
            }
        }
        return total;
    }

    private static double voxels(long[] size) {
        double p = 1;
        for (long v : size) {
            p *= v;
        }
        return p;
    }

    /** The axis a too large patch shrinks along: the one largest relative to the median shape (nnU-Net's rule). */
    static int axisToShrink(int[] patch, double[] medianShape) {
        int axis = 0;
        for (int a = 1; a < patch.length; a++) {
            if (patch[a] / medianShape[a] > patch[axis] / medianShape[axis]) {
                axis = a;
            }
        }
        return axis;
    }

    /**
     * How much one shortening of an axis takes off a patch: the divisor of the shortened patch's network along the
     * axis. Shrinking by the current divisor could skip valid sizes (256 -> 192 instead of 224).
     */
    static int shrinkStep(double[] spacing, int[] patch, NetworkTopology topology, int axis, int maxPools) {
        int[] tmp = patch.clone();
        tmp[axis] -= topology.divisor()[axis];
        return tmp[axis] < 1 ? 1 : NetworkTopology.of(spacing, tmp, maxPools).divisor()[axis];
    }

    /** Largest patch of the physical aspect ratio (256³ or 2048² voxels), clipped to the median shape. */
    static int[] initialPatch(double[] spacing, double[] medianShape) {
        int dims = spacing.length;
        double volume = dims == 3 ? Math.pow(256, 3) : Math.pow(2048, 2);
        double prod = 1;
        for (double s : spacing) {
            prod *= 1 / s;
        }
        double scale = Math.pow(volume / prod, 1.0 / dims);
        int[] patch = new int[dims];
        for (int a = 0; a < dims; a++) {
            patch[a] = (int) Math.max(1, Math.min(Math.rint(scale / spacing[a]), medianShape[a]));
        }
        return patch;
    }

    /** Features per stage: 32 doubling per stage, capped. */
    public static int[] features(int stages, int maxFeatures) {
        int[] f = new int[stages];
        for (int s = 0; s < stages; s++) {
            f[s] = (int) Math.min(maxFeatures, (long) BASE_FEATURES << Math.min(s, 30));
        }
        return f;
    }

    /** Estimated activation memory of one patch in bytes (see the class comment). */
    public static double patchBytes(NetworkTopology topology, int maxFeatures, int inputChannels, int classes) {
        int[] f = features(topology.numStages(), maxFeatures);
        double[] size = new double[topology.patchSize().length];
        for (int a = 0; a < size.length; a++) {
            size[a] = topology.patchSize()[a];
        }
        double units = (inputChannels + classes) * product(size);
        for (int s = 0; s < topology.numStages(); s++) {
            for (int a = 0; a < size.length; a++) {
                size[a] = Math.ceil(size[a] / topology.strides()[s][a]);
            }
            units += (double) f[s] * product(size);
        }
        return units * BYTES_PER_FEATURE_VOXEL;
    }

    private static Plan.Normalization normalization(DatasetFingerprint fp, List<String> modalities) {
        int channels = fp.channels();
        if (!modalities.isEmpty() && modalities.size() != channels) {
            throw new InvalidInputException(modalities.size() + " channel modalities given for " + channels
                    + " image channels");
        }
        List<String> schemes = new ArrayList<>();
        double[] clipLow = new double[channels];
        double[] clipHigh = new double[channels];
        double[] mean = new double[channels];
        double[] std = new double[channels];
        for (int c = 0; c < channels; c++) {
            String scheme = modalities.isEmpty() ? "zscore" : scheme(modalities.get(c));
            std[c] = 1;
            if (scheme.equals("ct")) {
                DatasetFingerprint.ChannelIntensities in = fp.intensities().get(c);
                if (in.voxels() == 0) {
                    throw new InvalidInputException("channel " + c + " is CT, but no voxel of the dataset is annotated "
                            + "with a foreground class, so there are no intensities to derive the CT clipping from");
                }
                schemes.add("ct");
                clipLow[c] = in.percentile00_5();
                clipHigh[c] = in.percentile99_5();
                mean[c] = in.mean();
                std[c] = in.std();
            } else {
                schemes.add(scheme);
            }
        }
        return Plan.Normalization.builder().schemes(schemes).useMask(new boolean[channels]).clipLow(clipLow)
                .clipHigh(clipHigh).mean(mean).std(std).build();
    }

    /**
     * The normalisation scheme a channel (modality) name selects, by nnU-Net's rule, ignoring case: "CT" → ct,
     * "noNorm" → none, "zscore" → zscore, "rescale_to_0_1" and "rgb_to_0_1" → themselves; any other name → zscore.
     */
    public static String scheme(String channelName) {
        String name = channelName == null ? "" : channelName.trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "ct" -> "ct";
            case "nonorm" -> "none";
            case "rescale_to_0_1", "rgb_to_0_1" -> name;
            default -> "zscore";
        };
    }

    private static double product(double[] a) {
        double p = 1;
        for (double v : a) {
            p *= v;
        }
        return p;
    }

    /** The product of the sizes, e.g. the voxels of a patch. */
    static double product(int[] a) {
        double p = 1;
        for (int v : a) {
            p *= v;
        }
        return p;
    }
}
