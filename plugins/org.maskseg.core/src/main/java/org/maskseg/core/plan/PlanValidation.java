package org.maskseg.core.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The checks of {@link Plan.Builder#build()}: every rule a plan obeys, each problem named by its JSON field so that
 * a message points into the plan file or the overrides.
 */
final class PlanValidation {

    private static final Set<String> SCHEMES = Set.of("zscore", "ct", "none", "rescale_to_0_1", "rgb_to_0_1");

    private PlanValidation() {
    }

    /** Every problem of the builder's values, in field order; empty for a valid plan. */
    static List<String> problems(Plan.Builder plan) {
        List<String> problems = new ArrayList<>();
        if (plan.formatVersion < 1 || plan.formatVersion > Plan.FORMAT_VERSION) {
            problems.add("formatVersion must be between 1 and " + Plan.FORMAT_VERSION + ", got " + plan.formatVersion);
        }
        int dims = 0;
        if (!"2d".equals(plan.configuration) && !"3d".equals(plan.configuration)) {
            problems.add("configuration must be \"2d\" or \"3d\", got " + quoted(plan.configuration));
        } else {
            dims = plan.spatialDims();
        }
        if (plan.inputChannels < 1) {
            problems.add("inputChannels must be at least 1, got " + plan.inputChannels);
        }
        if (!"cubic".equals(plan.imageInterpolation) && !"linear".equals(plan.imageInterpolation)) {
            problems.add("imageInterpolation must be \"cubic\" or \"linear\", got " + quoted(plan.imageInterpolation));
        }
        if (plan.targets == null) {
            problems.add("targets are missing");
        }
        if (plan.batchSize < 1) {
            problems.add("batchSize must be at least 1, got " + plan.batchSize);
        }
        if (dims > 0) {
            checkSpatial(problems, "targetSpacing", plan.targetSpacing, dims);
            checkPositive(problems, "patchSize", plan.patchSize, dims);
            checkNetwork(problems, plan, dims);
        }
        checkNormalization(problems, plan.normalization, plan.imageChannels());
        checkTraining(problems, plan.training);
        if (plan.previousStage != null) {
            checkCascade(problems, plan);
        }
        return problems;
    }

    private static final String PREVIOUS_STAGE = "previousStage";

    /**
     * A cascade: two 3D stages, the first not a cascade itself, and the second's network taking the image channels
     * plus one channel per foreground class. The first stage holds the plan's targets (see
     * {@link Plan.Builder#problems()}).
     */
    private static void checkCascade(List<String> problems, Plan.Builder plan) {
        Plan.Builder first = plan.previousStage;
        for (String p : first.problems()) {
            problems.add(PREVIOUS_STAGE + "." + p);
        }
        if (first.previousStage != null) {
            problems.add(PREVIOUS_STAGE + " must not have a previous stage itself (a cascade has two stages)");
        }
        if (!"3d".equals(plan.configuration) || !"3d".equals(first.configuration)) {
            problems.add("a cascade needs the 3d configuration in both stages, got " + quoted(plan.configuration)
                    + " and " + quoted(first.configuration) + " (previousStage)");
        }
        if (plan.targets != null && plan.targets.regionBased()) {
            problems.add("a cascade of region-based networks is not supported; train classes, or without cascade");
        }
        int foreground = plan.targets == null ? 0 : plan.targets.numClasses() - 1;
        if (first.inputChannels >= 1 && plan.inputChannels != first.inputChannels + foreground) {
            problems.add("inputChannels must be the image channels (" + first.inputChannels + ", those of "
                    + PREVIOUS_STAGE + ") plus one per foreground class (" + foreground + ") = "
                    + (first.inputChannels + foreground) + ", got " + plan.inputChannels);
        }
    }

    private static void checkNetwork(List<String> problems, Plan.Builder plan, int dims) {
        Plan.Network.Builder net = plan.network;
        if (net == null) {
            problems.add("network is missing");
            return;
        }
        int stages = net.numStages;
        if (stages < 1) {
            problems.add("network.numStages must be at least 1, got " + stages);
            return;
        }
        if (net.features == null || net.features.length != stages) {
            problems.add("network.features must have numStages = " + stages + " entries, got "
                    + (net.features == null ? "none" : net.features.length));
        } else {
            for (int s = 0; s < stages; s++) {
                if (net.features[s] < 1) {
                    problems.add("network.features[" + s + "] must be positive, got " + net.features[s]);
                }
            }
        }
        if (net.convsPerStage < 1) {
            problems.add("network.convsPerStage must be at least 1, got " + net.convsPerStage);
        }
        if (Plan.Network.RESIDUAL_ENCODER_UNET.equals(net.architecture)) {
            if (net.blocksPerStage == null || net.blocksPerStage.length != stages) {
                problems.add("network.blocksPerStage must have numStages = " + stages + " entries for a "
                        + Plan.Network.RESIDUAL_ENCODER_UNET + ", got "
                        + (net.blocksPerStage == null ? "none" : net.blocksPerStage.length));
            } else if (Arrays.stream(net.blocksPerStage).anyMatch(b -> b < 1)) {
                problems.add("network.blocksPerStage entries must be at least 1, got "
                        + Arrays.toString(net.blocksPerStage));
            }
        } else if (Plan.Network.PLAIN_CONV_UNET.equals(net.architecture)) {
            if (net.blocksPerStage != null) {
                problems.add("network.blocksPerStage is only used by the " + Plan.Network.RESIDUAL_ENCODER_UNET
                        + " architecture; leave it out for the " + Plan.Network.PLAIN_CONV_UNET);
            }
        } else {
            problems.add("network.architecture must be " + quoted(Plan.Network.PLAIN_CONV_UNET) + " or "
                    + quoted(Plan.Network.RESIDUAL_ENCODER_UNET) + ", got " + quoted(net.architecture));
        }
        boolean stridesOk = checkPerStage(problems, "network.strides", net.strides, stages, dims);
        if (stridesOk) {
            for (int a = 0; a < dims; a++) {
                if (net.strides[0][a] != 1) {
                    problems.add("network.strides[0] must be all 1 (the first stage keeps full resolution), got "
                            + Arrays.toString(net.strides[0]));
                    break;
                }
            }
        }
        if (checkPerStage(problems, "network.kernelSizes", net.kernelSizes, stages, dims)) {
            for (int s = 0; s < stages; s++) {
                for (int a = 0; a < dims; a++) {
                    if (net.kernelSizes[s][a] % 2 == 0) {
                        problems.add("network.kernelSizes[" + s + "] must be odd, got "
                                + Arrays.toString(net.kernelSizes[s]));
                        break;
                    }
                }
            }
        }
        if (stridesOk && plan.patchSize != null && plan.patchSize.length == dims) {
            for (int a = 0; a < dims; a++) {
                long total = 1;
                for (int s = 0; s < stages; s++) {
                    total *= net.strides[s][a];
                }
                if (plan.patchSize[a] % total != 0) {
                    problems.add("patchSize[" + a + "] = " + plan.patchSize[a] + " is not divisible by " + total
                            + ", the product of the network strides along that axis; use "
                            + suggestion(plan.patchSize[a], total));
                }
            }
        }
    }

    private static String suggestion(int size, long multiple) {
        long below = size / multiple * multiple;
        long above = below + multiple;
        return below >= multiple ? below + " or " + above : String.valueOf(above);
    }

    private static boolean checkPerStage(List<String> problems, String name, int[][] values, int stages, int dims) {
        if (values == null || values.length != stages) {
            problems.add(name + " must have numStages = " + stages + " entries, got "
                    + (values == null ? "none" : values.length));
            return false;
        }
        boolean ok = true;
        for (int s = 0; s < stages; s++) {
            ok &= checkPositive(problems, name + "[" + s + "]", values[s], dims);
        }
        return ok;
    }

    private static boolean checkPositive(List<String> problems, String name, int[] values, int dims) {
        if (values == null || values.length != dims) {
            problems.add(name + " must have " + dims + " entries (one per axis), got "
                    + (values == null ? "none" : values.length));
            return false;
        }
        for (int v : values) {
            if (v < 1) {
                problems.add(name + " entries must be positive, got " + Arrays.toString(values));
                return false;
            }
        }
        return true;
    }

    private static void checkSpatial(List<String> problems, String name, double[] values, int dims) {
        if (values == null || values.length != dims) {
            problems.add(name + " must have " + dims + " entries (one per axis), got "
                    + (values == null ? "none" : values.length));
            return;
        }
        for (double v : values) {
            if (!(v > 0) || Double.isInfinite(v)) {
                problems.add(name + " entries must be positive and finite, got " + Arrays.toString(values));
                return;
            }
        }
    }

    private static void checkNormalization(List<String> problems, Plan.Normalization.Builder n, int channels) {
        if (n == null) {
            problems.add("normalization is missing");
            return;
        }
        if (n.schemes == null || n.schemes.size() != channels) {
            problems.add("normalization.schemes must have inputChannels = " + channels + " entries, got "
                    + (n.schemes == null ? "none" : n.schemes.size()));
        } else {
            for (int c = 0; c < channels; c++) {
                if (n.schemes.get(c) == null || !SCHEMES.contains(n.schemes.get(c))) {
                    problems.add("normalization.schemes[" + c + "] must be one of \"zscore\", \"ct\", \"none\", "
                            + "\"rescale_to_0_1\", \"rgb_to_0_1\", got "
                            + quoted(n.schemes.get(c)));
                }
            }
        }
        checkLength(problems, "normalization.useMask", n.useMask == null ? -1 : n.useMask.length, channels);
        boolean lengthsOk = checkLength(problems, "normalization.clipLow", length(n.clipLow), channels)
                & checkLength(problems, "normalization.clipHigh", length(n.clipHigh), channels)
                & checkLength(problems, "normalization.mean", length(n.mean), channels)
                & checkLength(problems, "normalization.std", length(n.std), channels);
        if (lengthsOk && n.schemes != null && n.schemes.size() == channels) {
            for (int c = 0; c < channels; c++) {
                if ("ct".equals(n.schemes.get(c))) {
                    if (!(n.clipLow[c] <= n.clipHigh[c])) {
                        problems.add("normalization channel " + c + ": clipLow " + n.clipLow[c]
                                + " must not exceed clipHigh " + n.clipHigh[c]);
                    }
                    if (!Double.isFinite(n.mean[c]) || !(n.std[c] >= 0) || Double.isInfinite(n.std[c])) {
                        problems.add("normalization channel " + c + ": mean and std must be finite, std >= 0");
                    }
                }
            }
        }
    }

    private static int length(double[] a) {
        return a == null ? -1 : a.length;
    }

    private static boolean checkLength(List<String> problems, String name, int length, int channels) {
        if (length != channels) {
            problems.add(name + " must have inputChannels = " + channels + " entries, got "
                    + (length < 0 ? "none" : length));
            return false;
        }
        return true;
    }

    private static void checkTraining(List<String> problems, Plan.Training.Builder t) {
        if (t == null) {
            problems.add("training is missing");
            return;
        }
        if (t.epochs < 1) {
            problems.add("training.epochs must be at least 1, got " + t.epochs);
        }
        if (t.iterationsPerEpoch < 1) {
            problems.add("training.iterationsPerEpoch must be at least 1, got " + t.iterationsPerEpoch);
        }
        if (t.validationIterations < 0) {
            problems.add("training.validationIterations must not be negative, got " + t.validationIterations);
        }
        if (!(t.initialLearningRate > 0) || Double.isInfinite(t.initialLearningRate)) {
            problems.add("training.initialLearningRate must be positive, got " + t.initialLearningRate);
        }
        if (!(t.momentum >= 0 && t.momentum < 1)) {
            problems.add("training.momentum must be in [0, 1), got " + t.momentum);
        }
        if (!(t.weightDecay >= 0) || Double.isInfinite(t.weightDecay)) {
            problems.add("training.weightDecay must not be negative, got " + t.weightDecay);
        }
        if (!(t.gradientClip > 0)) {
            problems.add("training.gradientClip must be positive, got " + t.gradientClip);
        }
        if (!(t.foregroundOversampling >= 0 && t.foregroundOversampling <= 1)) {
            problems.add("training.foregroundOversampling must be in [0, 1], got " + t.foregroundOversampling);
        }
    }

    private static String quoted(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
