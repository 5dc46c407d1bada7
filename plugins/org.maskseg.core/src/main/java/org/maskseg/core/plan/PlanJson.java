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
 * Reading, writing and overriding plans as JSON.
 * <p>
 * Reading is strict: a plan from a newer format version is refused, unknown fields are refused with their
 * name and location, numbers must have the field's type (no silent truncation of 1.5 to 1), and the result is
 * checked by {@link Plan.Builder#build()}. Plans are written and read through their {@link Plan.Builder}, whose
 * fields are the file's fields in order.
 */
public final class PlanJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

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
        return toTree(plan.toBuilder());
    }

    private static ObjectNode toTree(Plan.Builder plan) {
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
        Plan.Builder merged = mergeToBuilder(plan.toBuilder(), parseOverrides(overridesJson));
        return merged.build(AFTER_OVERRIDES + " is invalid: ");
    }

    static final String AFTER_OVERRIDES = "plan after overrides";

    /** Parses an overrides fragment, which must be a JSON object. */
    static ObjectNode parseOverrides(String overridesJson) {
        return parseObject(overridesJson, "overrides");
    }

    /**
     * The merge of {@link #applyOverrides} as a builder, for changes before the plan is built: the field types and
     * the targets are checked, the rest when the builder is built.
     */
    static Plan.Builder mergeToBuilder(Plan.Builder plan, ObjectNode fragment) {
        ObjectNode tree = toTree(plan);
        merge(tree, fragment);
        return builder(tree, AFTER_OVERRIDES, false);
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
        return builder(tree, what, true).build(what + " is invalid: ");
    }

    /**
     * A builder holding a plan's tree, with its field types and targets checked; with {@code validate} the problems
     * {@link Plan.Builder#build()} would find are reported together with those of the targets.
     */
    private static Plan.Builder builder(JsonNode stored, String what, boolean validate) {
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
        Plan.Builder plan;
        try {
            plan = MAPPER.treeToValue(tree, Plan.Builder.class);
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
        List<String> problems = new ArrayList<>(targets.problems());
        if (problems.isEmpty()) {
            // the cascade's checks need the classes
            plan.targets(targets.targets(what));
        }
        if (validate) {
            problems.addAll(plan.problems());
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
}
