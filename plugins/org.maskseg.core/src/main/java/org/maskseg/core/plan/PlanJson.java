package org.maskseg.core.plan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.io.JsonErrors;
import org.maskseg.core.labels.Region;
import org.maskseg.core.labels.Targets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reading, writing, overriding and validating plans as JSON.
 * <p>
 * Reading is strict: a plan from a newer format version is refused, unknown fields are refused with their
 * name and location, numbers must have the field's type (no silent truncation of 1.5 to 1), and the result is
 * validated with {@link #validate(Plan)}.
 */
public final class PlanJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private static final Set<String> SCHEMES = Set.of("zscore", "ct", "none", "rescale_to_0_1", "rgb_to_0_1");

    private PlanJson() {
    }

    /** The plan as pretty-printed JSON. */
    public static String toJson(Plan plan) {
        try {
            return MAPPER.writeValueAsString(toTree(plan));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plan cannot be written as JSON", e);
        }
    }

    /**
     * The plan as a JSON tree in the file layout, where the targets are the flat fields {@code numClasses},
     * {@code classNames}, {@code ignoreValue}, {@code regions} (only when set) and {@code training.partialLabels}.
     */
    public static ObjectNode toTree(Plan plan) {
        ObjectNode fields = MAPPER.valueToTree(plan);
        ObjectNode out = MAPPER.createObjectNode();
        Targets t = plan.targets;
        Iterator<Map.Entry<String, JsonNode>> it = fields.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.set(e.getKey(), e.getValue());
            if (e.getKey().equals("formatVersion")) {
                // readers that know no cascade refuse a plan that has one, and read every other plan
                out.put("formatVersion", plan.isCascade() ? 2 : 1);
            }
            if (e.getKey().equals(PREVIOUS_STAGE) && e.getValue() instanceof ObjectNode nested) {
                // the stages share one format version and one set of targets, written once at the top
                nested.remove("formatVersion");
                plainNetworkLayout(nested);
            }
            if (e.getKey().equals("inputChannels")) {
                out.put(NUM_CLASSES, t.numClasses());
                ArrayNode names = out.putArray(CLASS_NAMES);
                t.classNames().forEach(names::add);
                out.put(IGNORE_VALUE, t.ignoreValue());
                if (t.regionBased()) {
                    out.set(REGIONS, MAPPER.valueToTree(t.regions().regions()));
                }
            }
        }
        if (out.get("training") instanceof ObjectNode training) {
            training.put(PARTIAL_LABELS, t.partialLabels());
        }
        plainNetworkLayout(out);
        return out;
    }

    /** The plain U-Net's plans keep the layout of the files written before other architectures existed. */
    private static void plainNetworkLayout(ObjectNode planTree) {
        if (planTree.get("network") instanceof ObjectNode network) {
            if (Plan.Network.PLAIN_CONV_UNET.equals(network.path(ARCHITECTURE).asText(null))) {
                network.remove(ARCHITECTURE);
            }
            if (network.path(BLOCKS_PER_STAGE).isNull()) {
                network.remove(BLOCKS_PER_STAGE);
            }
        }
    }

    /** A deep copy of a plan, valid or not. */
    static Plan copy(Plan plan) {
        return fromTree(toTree(plan), "plan", false);
    }

    /**
     * A dataset fingerprint as pretty-printed JSON, for people to read (not read back): every record component
     * by name; statistics of a channel without annotated foreground are written as "NaN".
     */
    public static String fingerprintToJson(DatasetFingerprint fingerprint) {
        try {
            return MAPPER.writeValueAsString(fingerprint);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("fingerprint cannot be written as JSON", e);
        }
    }

    /**
     * Writes the plan to a file: first to a temporary file in the same folder, then moved into place, so the
     * target is never left half-written.
     */
    public static void write(Plan plan, Path file) throws IOException {
        writeText(toJson(plan), file);
    }

    /** Writes a fingerprint's JSON to a file, like {@link #write(Plan, Path)}. */
    public static void write(DatasetFingerprint fingerprint, Path file) throws IOException {
        writeText(fingerprintToJson(fingerprint), file);
    }

    private static void writeText(String json, Path file) throws IOException {
        org.maskseg.core.io.AtomicFiles.write(file, temp -> Files.writeString(temp, json + System.lineSeparator(),
                StandardCharsets.UTF_8));
    }

    /** Reads and validates a plan file. */
    public static Plan read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("plan file " + file + " does not exist");
        }
        return fromJson(text, file.toString());
    }

    /**
     * Parses and validates a plan.
     *
     * @param source names the plan in error messages (a file name, "model file", ...)
     */
    public static Plan fromJson(String json, String source) {
        return fromTree(parseObject(json, "plan " + source), "plan " + source);
    }

    /**
     * Merges a JSON object onto a plan and validates the result. Objects are merged field by field at every
     * depth ({@code {"network": {"numStages": 4}}} changes only the stage count); arrays and values replace
     * the plan's. Example: {@code {"patchSize": [128, 128], "batchSize": 4}}.
     *
     * @return a new plan; the input is not changed
     */
    public static Plan applyOverrides(Plan plan, String overridesJson) {
        Plan merged = mergeUnvalidated(plan, parseOverrides(overridesJson));
        validate(merged, AFTER_OVERRIDES);
        return merged;
    }

    static final String AFTER_OVERRIDES = "plan after overrides";

    /** Parses an overrides fragment, which must be a JSON object. */
    static ObjectNode parseOverrides(String overridesJson) {
        return parseObject(overridesJson, "overrides");
    }

    /** The merge of {@link #applyOverrides}, with type checks but without validating the result. */
    static Plan mergeUnvalidated(Plan plan, ObjectNode fragment) {
        ObjectNode tree = toTree(plan);
        merge(tree, fragment);
        return fromTree(tree, AFTER_OVERRIDES, false);
    }

    private static ObjectNode parseObject(String json, String what) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(what + " is not valid JSON: " + JsonErrors.describe(e));
        }
        if (node == null || !node.isObject()) {
            throw new InvalidInputException(what + " must be a JSON object ({...})");
        }
        return (ObjectNode) node;
    }

    private static void merge(ObjectNode target, ObjectNode source) {
        Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode existing = target.get(f.getKey());
            if (existing != null && existing.isObject() && f.getValue().isObject()) {
                merge((ObjectNode) existing, (ObjectNode) f.getValue());
            } else {
                target.set(f.getKey(), f.getValue());
            }
        }
    }

    /**
     * Reads and validates a plan from a JSON tree in the file layout (see {@link #toTree}), e.g. the plan part
     * of a model file.
     *
     * @param what names the plan in error messages
     */
    public static Plan fromTree(JsonNode tree, String what) {
        return fromTree(tree, what, true);
    }

    /**
     * Like {@link #fromTree(JsonNode, String)}; without {@code validate} only the field types and the targets are
     * checked.
     */
    public static Plan fromTree(JsonNode stored, String what, boolean validate) {
        if (stored == null || !stored.isObject()) {
            throw new InvalidInputException(what + " must be a JSON object ({...})");
        }
        ObjectNode tree = ((ObjectNode) stored).deepCopy();
        JsonNode version = tree.get("formatVersion");
        if (version == null || !version.isInt()) {
            throw new InvalidInputException(what + " has no integer 'formatVersion'; is this a MaskSeg plan?");
        }
        if (version.intValue() > Plan.FORMAT_VERSION) {
            throw new InvalidInputException(what + " has format version " + version.intValue()
                    + ", newer than this MaskSeg supports (" + Plan.FORMAT_VERSION + "); update MaskSeg");
        }
        if (version.intValue() < 1) {
            throw new InvalidInputException(what + " has an invalid format version " + version.intValue());
        }
        StoredTargets targets = StoredTargets.take(tree, what);
        Plan plan;
        try {
            plan = MAPPER.treeToValue(tree, Plan.class);
        } catch (UnrecognizedPropertyException e) {
            String at = location(e);
            Set<String> known = new TreeSet<>();
            e.getKnownPropertyIds().forEach(k -> known.add(k.toString()));
            known.addAll(at.isEmpty() ? List.of(NUM_CLASSES, CLASS_NAMES, IGNORE_VALUE, REGIONS)
                    : at.equals("training") ? List.of(PARTIAL_LABELS) : List.of());
            throw new InvalidInputException(what + ": unknown field '" + e.getPropertyName() + "'"
                    + (at.isEmpty() ? "" : " in '" + at + "'") + "; known fields: " + String.join(", ", known));
        } catch (MismatchedInputException e) {
            throw new InvalidInputException(what + ": field '" + location(e) + "' must be "
                    + describe(e.getTargetType()));
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(what + " cannot be read: " + e.getOriginalMessage());
        }
        List<String> targetProblems = targets.problems();
        List<String> problems = new ArrayList<>(targetProblems);
        if (targetProblems.isEmpty()) {
            // the cascade's checks need the classes
            plan.targets = targets.targets(what);
            if (plan.previousStage != null) {
                plan.previousStage.targets = plan.targets;
            }
        }
        if (validate) {
            problems.addAll(problems(plan));
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(what + " is invalid: " + String.join("; ", problems));
        }
        return plan;
    }

    private static final String NUM_CLASSES = "numClasses";
    private static final String CLASS_NAMES = "classNames";
    private static final String IGNORE_VALUE = "ignoreValue";
    private static final String REGIONS = "regions";
    private static final String PARTIAL_LABELS = "partialLabels";
    private static final String PREVIOUS_STAGE = "previousStage";
    private static final String ARCHITECTURE = "architecture";
    private static final String BLOCKS_PER_STAGE = "blocksPerStage";

    /** The target fields of a stored plan, taken out of its tree; missing fields have their old defaults. */
    private record StoredTargets(int numClasses, List<String> classNames, int ignoreValue, List<Region> regions,
            boolean partialLabels) {

        static StoredTargets take(ObjectNode tree, String what) {
            int numClasses = value(tree.remove(NUM_CLASSES), NUM_CLASSES, int.class, 2, what);
            String[] names = value(tree.remove(CLASS_NAMES), CLASS_NAMES, String[].class, new String[0], what);
            int ignore = value(tree.remove(IGNORE_VALUE), IGNORE_VALUE, int.class, 2, what);
            Region[] regions = value(tree.remove(REGIONS), REGIONS, Region[].class, new Region[0], what);
            boolean partial = false;
            if (tree.get("training") instanceof ObjectNode training) {
                partial = value(training.remove(PARTIAL_LABELS), "training." + PARTIAL_LABELS, boolean.class, false,
                        what);
            }
            return new StoredTargets(numClasses, java.util.Arrays.asList(names), ignore,
                    java.util.Arrays.asList(regions), partial);
        }

        private static <T> T value(JsonNode node, String field, Class<T> type, T missing, String what) {
            if (node == null) {
                return missing;
            }
            try {
                T v = MAPPER.treeToValue(node, type);
                if (v == null) {
                    throw new InvalidInputException(what + ": field '" + field + "' must be " + describe(type));
                }
                return v;
            } catch (UnrecognizedPropertyException e) {
                throw new InvalidInputException(what + ": unknown field '" + e.getPropertyName() + "' in '" + field
                        + "'");
            } catch (JsonProcessingException e) {
                throw new InvalidInputException(what + ": field '" + field + "' must be " + describe(type));
            }
        }

        List<String> problems() {
            return Targets.problems(numClasses, classNames, ignoreValue, regions, partialLabels);
        }

        Targets targets(String what) {
            return Targets.read(numClasses, classNames, ignoreValue, regions, partialLabels, what);
        }
    }

    /** Like {@link #validate(Plan)}, naming the plan as {@code what} in the message. */
    static void validate(Plan plan, String what) {
        List<String> problems = problems(plan);
        if (!problems.isEmpty()) {
            throw new InvalidInputException(what + " is invalid: " + String.join("; ", problems));
        }
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == int.class || type == Integer.class || type == long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class || type == float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a text in quotes";
        }
        if (type.isArray() || List.class.isAssignableFrom(type)) {
            return "a list [...]";
        }
        return "an object {...}";
    }

    private static String location(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        List<JsonMappingException.Reference> path = e.getPath();
        int n = e instanceof UnrecognizedPropertyException ? path.size() - 1 : path.size();
        for (int i = 0; i < n; i++) {
            JsonMappingException.Reference r = path.get(i);
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /**
     * Checks that a plan is complete and consistent; the message lists every problem found, each naming the
     * field.
     */
    public static void validate(Plan plan) {
        List<String> problems = problems(plan);
        if (!problems.isEmpty()) {
            throw new InvalidInputException("invalid plan: " + String.join("; ", problems));
        }
    }

    private static List<String> problems(Plan plan) {
        List<String> problems = new ArrayList<>();
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

    /**
     * A cascade: two 3D stages, the first not a cascade itself, and the second's network taking the image channels
     * plus one channel per foreground class.
     */
    private static void checkCascade(List<String> problems, Plan plan) {
        Plan first = plan.previousStage;
        for (String p : problems(first)) {
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

    private static void checkNetwork(List<String> problems, Plan plan, int dims) {
        Plan.Network net = plan.network;
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
            } else if (java.util.Arrays.stream(net.blocksPerStage).anyMatch(b -> b < 1)) {
                problems.add("network.blocksPerStage entries must be at least 1, got "
                        + java.util.Arrays.toString(net.blocksPerStage));
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
                            + java.util.Arrays.toString(net.strides[0]));
                    break;
                }
            }
        }
        if (checkPerStage(problems, "network.kernelSizes", net.kernelSizes, stages, dims)) {
            for (int s = 0; s < stages; s++) {
                for (int a = 0; a < dims; a++) {
                    if (net.kernelSizes[s][a] % 2 == 0) {
                        problems.add("network.kernelSizes[" + s + "] must be odd, got "
                                + java.util.Arrays.toString(net.kernelSizes[s]));
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
                problems.add(name + " entries must be positive, got " + java.util.Arrays.toString(values));
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
                problems.add(name + " entries must be positive and finite, got " + java.util.Arrays.toString(values));
                return;
            }
        }
    }

    private static void checkNormalization(List<String> problems, Plan.Normalization n, int channels) {
        if (n == null) {
            problems.add("normalization is missing");
            return;
        }
        if (n.schemes == null || n.schemes.size() != channels) {
            problems.add("normalization.schemes must have inputChannels = " + channels + " entries, got "
                    + (n.schemes == null ? "none" : n.schemes.size()));
        } else {
            for (int c = 0; c < channels; c++) {
                if (!SCHEMES.contains(n.schemes.get(c))) {
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

    private static void checkTraining(List<String> problems, Plan.Training t) {
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
