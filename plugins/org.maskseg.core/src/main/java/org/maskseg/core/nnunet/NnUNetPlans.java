package org.maskseg.core.nnunet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.io.Json;
import org.maskseg.core.io.JsonErrors;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Region;
import org.maskseg.core.labels.RegionSet;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.nn.TorchOps;
import org.maskseg.core.plan.Plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns an nnU-Net v2 {@code plans.json} configuration and its {@code dataset.json} into a MaskSeg plan and
 * label spec.
 * <p>
 * nnU-Net lists spatial values (spacing, patch size, kernel sizes, strides) in the array order of its images
 * after {@code transpose_forward}, slowest axis first: (z, y, x) for 3D, (y, x) for 2D. The plan lists them x
 * first; the network's tensors are (n, c, [z,] y, x) in both, so weights need no permutation.
 */
final class NnUNetPlans {

    static final ObjectMapper JSON = Json.MAPPER;

    /** The network class of a configuration and the checks that keep it equal to the engine's network. */
    enum Architecture {
        PLAIN_CONV_UNET, RESIDUAL_ENCODER_UNET
    }

    /** What an nnU-Net configuration becomes. */
    record Imported(Plan plan, LabelSpec labels, Architecture architecture, boolean convBias, boolean normAffine,
            List<Integer> regionOrder) {
    }

    private NnUNetPlans() {
    }

    /** Reads a JSON file into an object node, with one clear line for a missing or malformed file. */
    static ObjectNode readJson(Path file) {
        try {
            JsonNode n = JSON.readTree(Files.readAllBytes(file));
            if (!(n instanceof ObjectNode o)) {
                throw new InvalidInputException("'" + file + "' is not a JSON object");
            }
            return o;
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("'" + file + "' does not exist; an nnU-Net v2 results folder holds "
                    + "dataset.json, plans.json and fold_N/checkpoint_final.pth", e);
        } catch (IOException e) {
            throw new InvalidInputException("'" + file + "' cannot be read as JSON (" + JsonErrors.describe(e) + ")", e);
        }
    }

    /**
     * The plan and labels of one configuration.
     *
     * @param plansFile     for messages
     * @param datasetFile   for messages
     * @param configuration the configuration the checkpoint was trained with, e.g. "2d" or "3d_fullres"
     */
    static Imported convert(ObjectNode plans, Path plansFile, ObjectNode dataset, Path datasetFile,
            String configuration) {
        Ctx p = new Ctx(plansFile);
        Ctx d = new Ctx(datasetFile);
        JsonNode config = resolveConfiguration(plans, configuration, p);
        String cfg = "configurations." + configuration;

        JsonNode transpose = plans.get("transpose_forward");
        if (transpose != null && !transpose.isNull()) {
            int[] t = p.ints(transpose, "transpose_forward");
            for (int i = 0; i < t.length; i++) {
                if (t[i] != i) {
                    throw p.error("transpose_forward", "is " + Arrays.toString(t) + "; only models trained without "
                            + "axis transposition ([0, 1, 2]) can be imported");
                }
            }
        }

        // labels and channels
        JsonNode channels = dataset.has("channel_names") ? dataset.get("channel_names") : dataset.get("modality");
        if (channels == null || !channels.isObject() || channels.size() == 0) {
            throw d.error("channel_names", "is missing or empty");
        }
        int inputChannels = channels.size();
        JsonNode labelsNode = dataset.get("labels");
        if (labelsNode == null || !labelsNode.isObject()) {
            throw d.error("labels", "is missing or not an object");
        }
        Integer ignore = null;
        Map<String, List<Integer>> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = labelsNode.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = "labels." + e.getKey();
            List<Integer> values = new ArrayList<>();
            if (e.getValue().isArray()) {
                e.getValue().forEach(v -> values.add(d.integer(v, key)));
            } else {
                values.add(d.integer(e.getValue(), key));
            }
            if ("ignore".equals(e.getKey())) {
                if (values.size() != 1) {
                    throw d.error(key, "must be a single label value");
                }
                ignore = values.get(0);
            } else {
                entries.put(e.getKey(), values);
            }
        }
        boolean regionBased = entries.values().stream().anyMatch(v -> v.size() > 1);
        List<String> classNames = new ArrayList<>();
        List<Region> regions = new ArrayList<>();
        List<Integer> regionOrder = List.of();
        int numClasses;
        if (!regionBased) {
            TreeMap<Integer, String> byValue = new TreeMap<>();
            for (Map.Entry<String, List<Integer>> e : entries.entrySet()) {
                if (byValue.put(e.getValue().get(0), e.getKey()) != null) {
                    throw d.error("labels." + e.getKey(), "repeats the value " + e.getValue().get(0));
                }
            }
            numClasses = byValue.size();
            if (byValue.firstKey() != 0 || byValue.lastKey() != numClasses - 1) {
                throw d.error("labels", "must number the classes 0, 1, ..., got " + byValue.keySet());
            }
            classNames.addAll(byValue.values());
        } else {
            JsonNode order = dataset.get("regions_class_order");
            if (order == null || !order.isArray()) {
                throw d.error("regions_class_order", "is missing; region-based labels need it");
            }
            int[] exportLabels = d.ints(order, "regions_class_order");
            List<String> names = new ArrayList<>();
            List<List<Integer>> sets = new ArrayList<>();
            int maxClass = 0;
            for (Map.Entry<String, List<Integer>> e : entries.entrySet()) {
                List<Integer> v = e.getValue();
                if (v.size() == 1 && v.get(0) == 0) {
                    continue; // background
                }
                for (int c : v) {
                    if (c <= 0) {
                        throw d.error("labels." + e.getKey(), "holds " + c + "; regions hold foreground labels");
                    }
                    maxClass = Math.max(maxClass, c);
                }
                names.add(e.getKey());
                sets.add(v.stream().sorted().distinct().toList());
            }
            if (exportLabels.length != sets.size()) {
                throw d.error("regions_class_order", "has " + exportLabels.length + " entries for " + sets.size()
                        + " regions");
            }
            numClasses = maxClass + 1;
            classNames.add("background");
            for (int c = 1; c < numClasses; c++) {
                String name = "label " + c;
                for (int r = 0; r < sets.size(); r++) {
                    if (exportLabels[r] == c && !classNames.contains(names.get(r))) {
                        name = names.get(r);
                    }
                }
                classNames.add(name);
            }
            regionOrder = new ArrayList<>();
            for (int r = 0; r < sets.size(); r++) {
                regions.add(new Region(names.get(r), sets.get(r), exportLabels[r]));
                regionOrder.add(exportLabels[r]);
            }
        }
        int ignoreValue = ignore == null ? numClasses : ignore;
        if (ignore != null && ignore != numClasses) {
            throw d.error("labels.ignore", "is " + ignore + "; nnU-Net requires the highest label value ("
                    + numClasses + ")");
        }
        LabelSpec labels = new LabelSpec(numClasses, ignoreValue, classNames);

        // geometry
        int[] patch = p.ints(p.field(config, cfg, "patch_size"), cfg + ".patch_size");
        int dims = patch.length;
        if (dims != 2 && dims != 3) {
            throw p.error(cfg + ".patch_size", "has " + dims + " values; 2 or 3 were expected");
        }
        double[] spacing = p.doubles(p.field(config, cfg, "spacing"), cfg + ".spacing");
        if (spacing.length != dims) {
            throw p.error(cfg + ".spacing", "has " + spacing.length + " values for a " + dims + "D patch");
        }

        Plan.Builder plan = Plan.builder()
                .configuration(dims == 3 ? "3d" : "2d")
                .inputChannels(inputChannels)
                .targets(Targets.of(labels, RegionSet.of(regions, numClasses), false))
                .targetSpacing(reverse(spacing))
                .patchSize(reverse(patch))
                .batchSize(config.has("batch_size") ? p.integer(config.get("batch_size"), cfg + ".batch_size") : 2)
                .batchDice(config.path("batch_dice").asBoolean(false))
                .imageInterpolation("cubic")
                // nnU-Net's preprocessing cuts every case to its non-zero box before normalising
                .cropToNonZero(true);

        // network
        Plan.Network.Builder net = Plan.Network.builder();
        int numStages;
        boolean convBias;
        boolean affine = true;
        Architecture architecture = Architecture.PLAIN_CONV_UNET;
        JsonNode arch = config.get("architecture");
        if (arch != null && arch.isObject()) {
            String where = cfg + ".architecture";
            String cls = p.field(arch, where, "network_class_name").asText();
            if (isClass(cls, "ResidualEncoderUNet")) {
                architecture = Architecture.RESIDUAL_ENCODER_UNET;
            } else if (!isClass(cls, "PlainConvUNet")) {
                throw p.error(where + ".network_class_name", "is '" + cls + "'; only PlainConvUNet and "
                        + "ResidualEncoderUNet models can be imported");
            }
            String k = where + ".arch_kwargs";
            JsonNode a = p.field(arch, where, "arch_kwargs");
            numStages = p.integer(p.field(a, k, "n_stages"), k + ".n_stages");
            int[] features = perStage(p, p.field(a, k, "features_per_stage"), k + ".features_per_stage", numStages);
            net.numStages(numStages)
                    .features(features)
                    .kernelSizes(spatialPerStage(p, p.field(a, k, "kernel_sizes"), k + ".kernel_sizes", numStages,
                            dims))
                    .strides(spatialPerStage(p, p.field(a, k, "strides"), k + ".strides", numStages, dims));
            int[] decoderConvs = perStage(p, p.field(a, k, "n_conv_per_stage_decoder"), k + ".n_conv_per_stage_decoder",
                    numStages - 1);
            if (architecture == Architecture.RESIDUAL_ENCODER_UNET) {
                int[] blocksPerStage = perStage(p, p.field(a, k, "n_blocks_per_stage"), k + ".n_blocks_per_stage",
                        numStages);
                net.architecture(Plan.Network.RESIDUAL_ENCODER_UNET).blocksPerStage(blocksPerStage);
                for (int b : blocksPerStage) {
                    if (b < 1) {
                        throw p.error(k + ".n_blocks_per_stage", "is " + Arrays.toString(blocksPerStage)
                                + "; every stage needs at least one block");
                    }
                }
                if (Arrays.stream(decoderConvs).anyMatch(c -> c != decoderConvs[0] || c < 1)) {
                    throw p.error(k + ".n_conv_per_stage_decoder", "is " + Arrays.toString(decoderConvs) + "; only "
                            + "the same number of convolutions (at least one) in every decoder stage can be imported");
                }
                net.convsPerStage(decoderConvs[0]);
                JsonNode block = a.get("block");
                if (block != null && !block.isNull() && !isClass(block.asText(), "BasicBlockD")) {
                    throw p.error(k + ".block", "is '" + block.asText() + "'; only BasicBlockD residual blocks can "
                            + "be imported");
                }
                JsonNode stem = a.get("stem_channels");
                if (stem != null && !stem.isNull() && stem.asInt() != features[0]) {
                    throw p.error(k + ".stem_channels", "is " + stem + "; only a stem with features_per_stage[0] ("
                            + features[0] + ") channels can be imported");
                }
            } else {
                net.convsPerStage(convCount(p, perStage(p, p.field(a, k, "n_conv_per_stage"),
                        k + ".n_conv_per_stage", numStages), decoderConvs, k));
            }
            convBias = a.path("conv_bias").asBoolean(false);
            expectName(p, a, k, "conv_op", dims == 3 ? "Conv3d" : "Conv2d");
            expectName(p, a, k, "norm_op", dims == 3 ? "InstanceNorm3d" : "InstanceNorm2d");
            expectName(p, a, k, "nonlin", "LeakyReLU");
            JsonNode dropout = a.get("dropout_op");
            if (dropout != null && !dropout.isNull()) {
                throw p.error(k + ".dropout_op", "is " + dropout + "; networks with dropout cannot be imported");
            }
            if (a.path("nonlin_first").asBoolean(false)) {
                throw p.error(k + ".nonlin_first", "is true; only conv → norm → nonlinearity can be imported");
            }
            JsonNode normKw = a.path("norm_op_kwargs");
            double eps = normKw.path("eps").asDouble(1e-5);
            if (Math.abs(eps - TorchOps.NORM_EPS) > 1e-12) {
                throw p.error(k + ".norm_op_kwargs.eps", "is " + eps + "; the engine's instance norm uses "
                        + TorchOps.NORM_EPS);
            }
            affine = normKw.path("affine").asBoolean(false);
            JsonNode slope = a.path("nonlin_kwargs").get("negative_slope");
            if (slope != null && Math.abs(slope.asDouble() - TorchOps.LEAKY_SLOPE) > 1e-12) {
                throw p.error(k + ".nonlin_kwargs.negative_slope", "is " + slope.asDouble()
                        + "; the engine's LeakyReLU uses " + TorchOps.LEAKY_SLOPE);
            }
        } else {
            // plans of nnU-Net v2 before the architecture entry: the network is implied by these keys
            JsonNode cls = config.get("UNet_class_name");
            if (cls == null || !"PlainConvUNet".equals(cls.asText())) {
                throw p.error(cfg + ".UNet_class_name", "is " + (cls == null ? "missing" : "'" + cls.asText() + "'")
                        + "; only PlainConvUNet models can be imported");
            }
            int[][] kernelSizes = spatialPerStage(p, p.field(config, cfg, "conv_kernel_sizes"),
                    cfg + ".conv_kernel_sizes", -1, dims);
            numStages = kernelSizes.length;
            net.kernelSizes(kernelSizes).numStages(numStages).strides(spatialPerStage(p,
                    p.field(config, cfg, "pool_op_kernel_sizes"), cfg + ".pool_op_kernel_sizes", numStages, dims));
            int base = p.integer(p.field(config, cfg, "UNet_base_num_features"), cfg + ".UNet_base_num_features");
            int max = p.integer(p.field(config, cfg, "unet_max_num_features"), cfg + ".unet_max_num_features");
            int[] features = new int[numStages];
            for (int s = 0; s < numStages; s++) {
                features[s] = (int) Math.min((long) base << Math.min(s, 30), max);
            }
            net.features(features).convsPerStage(convCount(p, perStage(p,
                    p.field(config, cfg, "n_conv_per_stage_encoder"), cfg + ".n_conv_per_stage_encoder", numStages),
                    perStage(p, p.field(config, cfg, "n_conv_per_stage_decoder"), cfg + ".n_conv_per_stage_decoder",
                            numStages - 1), cfg));
            convBias = true;
        }
        plan.network(net.deepSupervision(true).build());

        // normalisation
        JsonNode schemesNode = p.field(config, cfg, "normalization_schemes");
        JsonNode maskNode = config.get("use_mask_for_norm");
        JsonNode props = plans.path("foreground_intensity_properties_per_channel");
        List<String> schemes = new ArrayList<>();
        boolean[] useMask = new boolean[inputChannels];
        double[] clipLow = new double[inputChannels];
        double[] clipHigh = new double[inputChannels];
        double[] mean = new double[inputChannels];
        double[] std = new double[inputChannels];
        Arrays.fill(std, 1);
        if (!schemesNode.isArray() || schemesNode.size() != inputChannels) {
            throw p.error(cfg + ".normalization_schemes", "needs one entry per channel (" + inputChannels + ")");
        }
        for (int c = 0; c < inputChannels; c++) {
            String s = schemesNode.get(c).asText();
            useMask[c] = maskNode != null && maskNode.isArray() && maskNode.size() > c
                    && maskNode.get(c).asBoolean(false);
            switch (s) {
                case "ZScoreNormalization" -> schemes.add("zscore");
                case "NoNormalization" -> schemes.add("none");
                case "RescaleTo01Normalization" -> schemes.add("rescale_to_0_1");
                case "RGBTo01Normalization" -> schemes.add("rgb_to_0_1");
                case "CTNormalization" -> {
                    schemes.add("ct");
                    String w = "foreground_intensity_properties_per_channel." + c;
                    JsonNode pc = props.get(String.valueOf(c));
                    if (pc == null || !pc.isObject()) {
                        throw p.error(w, "is missing; CT normalisation needs it");
                    }
                    clipLow[c] = p.number(p.field(pc, w, "percentile_00_5"), w + ".percentile_00_5");
                    clipHigh[c] = p.number(p.field(pc, w, "percentile_99_5"), w + ".percentile_99_5");
                    mean[c] = p.number(p.field(pc, w, "mean"), w + ".mean");
                    std[c] = p.number(p.field(pc, w, "std"), w + ".std");
                }
                default -> throw p.error(cfg + ".normalization_schemes[" + c + "]", "is '" + s + "'; supported are "
                        + "ZScoreNormalization, CTNormalization, NoNormalization, RescaleTo01Normalization and "
                        + "RGBTo01Normalization");
            }
        }
        plan.normalization(Plan.Normalization.builder().schemes(schemes).useMask(useMask).clipLow(clipLow)
                .clipHigh(clipHigh).mean(mean).std(std).build());
        return new Imported(plan.build(), labels, architecture, convBias, affine, regionOrder);
    }

    /** A configuration with what it inherits ({@code inherits_from}) filled in. */
    private static JsonNode resolveConfiguration(ObjectNode plans, String name, Ctx p) {
        JsonNode configs = plans.get("configurations");
        if (configs == null || !configs.isObject()) {
            throw p.error("configurations", "is missing");
        }
        ObjectNode merged = JSON.createObjectNode();
        List<JsonNode> chain = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String n = name;
        while (n != null) {
            if (!seen.add(n)) {
                throw p.error("configurations." + n + ".inherits_from", "forms a cycle");
            }
            JsonNode c = configs.get(n);
            if (c == null || !c.isObject()) {
                throw p.error("configurations." + n, "is missing; the plans hold " + fieldNames(configs));
            }
            chain.add(0, c);
            JsonNode parent = c.get("inherits_from");
            n = parent == null || parent.isNull() ? null : parent.asText();
        }
        for (JsonNode c : chain) {
            c.fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue()));
        }
        return merged;
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> r = new ArrayList<>();
        n.fieldNames().forEachRemaining(r::add);
        return r;
    }

    private static int convCount(Ctx p, int[] encoder, int[] decoder, String where) {
        int n = encoder[0];
        for (int v : encoder) {
            if (v != n) {
                throw p.error(where + ".n_conv_per_stage", "is " + Arrays.toString(encoder) + "; only the same "
                        + "number of convolutions in every stage can be imported");
            }
        }
        for (int v : decoder) {
            if (v != n) {
                throw p.error(where + ".n_conv_per_stage_decoder", "is " + Arrays.toString(decoder) + "; only the "
                        + "encoder's number of convolutions (" + n + ") in every stage can be imported");
            }
        }
        return n;
    }

    /** Whether a class name (with or without its module) names the class {@code simpleName}. */
    private static boolean isClass(String name, String simpleName) {
        return name.equals(simpleName) || name.endsWith("." + simpleName);
    }

    private static void expectName(Ctx p, JsonNode a, String where, String key, String simpleName) {
        JsonNode v = a.get(key);
        String s = v == null || v.isNull() ? "" : v.asText();
        if (!s.equals(simpleName) && !s.endsWith("." + simpleName)) {
            throw p.error(where + "." + key, "is '" + s + "'; " + simpleName + " was expected");
        }
    }

    private static int[] perStage(Ctx p, JsonNode v, String where, int n) {
        int[] r = new int[n];
        if (v.isInt()) {
            Arrays.fill(r, v.asInt());
            return r;
        }
        int[] given = p.ints(v, where);
        if (given.length != n) {
            throw p.error(where, "has " + given.length + " entries, " + n + " were expected");
        }
        return given;
    }

    /** Per stage, spatial values reversed to x first; n = -1 takes the length given. */
    private static int[][] spatialPerStage(Ctx p, JsonNode v, String where, int n, int dims) {
        if (!v.isArray() || (n >= 0 && v.size() != n)) {
            throw p.error(where, "needs " + (n >= 0 ? n + " entries" : "one entry per stage"));
        }
        int[][] r = new int[v.size()][];
        for (int s = 0; s < v.size(); s++) {
            JsonNode e = v.get(s);
            int[] axes;
            if (e.isInt()) {
                axes = new int[dims];
                Arrays.fill(axes, e.asInt());
            } else {
                axes = p.ints(e, where + "[" + s + "]");
            }
            if (axes.length != dims) {
                throw p.error(where + "[" + s + "]", "has " + axes.length + " values for a " + dims + "D network");
            }
            r[s] = reverse(axes);
        }
        return r;
    }

    private static int[] reverse(int[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    private static double[] reverse(double[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    /** Reading values from one JSON file with messages that name the file and key. */
    private record Ctx(Path file) {

        InvalidInputException error(String key, String problem) {
            return new InvalidInputException("'" + file + "', key '" + key + "': " + problem);
        }

        JsonNode field(JsonNode parent, String where, String key) {
            JsonNode v = parent.get(key);
            if (v == null || v.isNull()) {
                throw error(where + "." + key, "is missing");
            }
            return v;
        }

        int integer(JsonNode v, String key) {
            if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
                throw error(key, "must be an integer, got " + v);
            }
            return v.asInt();
        }

        double number(JsonNode v, String key) {
            if (v == null || !v.isNumber()) {
                throw error(key, "must be a number, got " + v);
            }
            return v.asDouble();
        }

        int[] ints(JsonNode v, String key) {
            if (v == null || !v.isArray()) {
                throw error(key, "must be a list of integers, got " + v);
            }
            int[] r = new int[v.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = integer(v.get(i), key + "[" + i + "]");
            }
            return r;
        }

        double[] doubles(JsonNode v, String key) {
            if (v == null || !v.isArray()) {
                throw error(key, "must be a list of numbers, got " + v);
            }
            double[] r = new double[v.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = number(v.get(i), key + "[" + i + "]");
            }
            return r;
        }
    }
}
