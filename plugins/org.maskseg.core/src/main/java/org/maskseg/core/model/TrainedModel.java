package org.maskseg.core.model;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.RegionSet;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.nn.SegmentationNetwork;
import org.maskseg.core.nn.UNet;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.PlanJson;
import org.maskseg.core.postprocess.Postprocessing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A trained network with everything needed to apply it: the plan (architecture, patch size,
 * normalisation), the meaning of the labels, training metadata and the weights in host memory.
 * <p>
 * On disk (and in streams, e.g. KNIME port objects) it is one zip archive, see {@link #save(Path)}:
 * <ul>
 * <li>{@code maskseg-model.json}: format and version, creator, input channels, spatial dimensions, label
 * spec, plan, training metadata, and the SHA-256 of every other entry;</li>
 * <li>{@code weights.bin}: every parameter with its name, shape and float32 little-endian values.</li>
 * </ul>
 * A model may hold several networks of the same plan and classes, e.g. the folds of a cross-validation, which
 * prediction ensembles ({@link #members()}): the manifest then lists the fold of each ({@code folds}) and, from the
 * second network on, its weights entry and training metadata ({@code members}); such files have format version 2,
 * single networks keep version 1. Instances are immutable.
 */
public final class TrainedModel {

    static final String WEIGHTS = "weights.bin";
    /** Manifest key of the low-resolution stage of a cascade; its entries are stored under the folder below. */
    private static final String PREVIOUS_STAGE = "previousStage";
    private static final String PREVIOUS_STAGE_ENTRIES = "previous_stage/";
    private static final String POSTPROCESSING = "postprocessing";

    private final Plan plan;
    private final TrainingMetadata metadata;
    private final Map<String, HostTensor> weights;
    /** Cross-validation fold of each network, this one first; empty when not from a cross-validation. */
    private final List<Integer> folds;
    /** The networks after this one in an ensemble, each a single network. */
    private final List<TrainedModel> others;
    /** Applied to the labels the model predicts; chosen on its validation cases. */
    private final Postprocessing postprocessing;
    /** The low-resolution stage of a cascade, which segments first; null for other models. */
    private final TrainedModel previousStage;

    /**
     * @param plan     the plan the network was built from; its targets give the classes, their names
     *                 and the user's ignore value
     * @param metadata how the model was trained
     * @param weights  parameters by name, in the network's order
     */
    public TrainedModel(Plan plan, TrainingMetadata metadata, Map<String, HostTensor> weights) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        this.folds = List.of();
        this.others = List.of();
        this.postprocessing = Postprocessing.NONE;
        this.previousStage = null;
    }

    private TrainedModel(TrainedModel first, TrainingMetadata metadata, List<Integer> folds,
            List<TrainedModel> others, Postprocessing postprocessing) {
        this(first, metadata, folds, others, postprocessing, first.previousStage);
    }

    private TrainedModel(TrainedModel first, TrainingMetadata metadata, List<Integer> folds,
            List<TrainedModel> others, Postprocessing postprocessing, TrainedModel previousStage) {
        this.plan = first.plan;
        this.metadata = metadata;
        this.weights = first.weights;
        this.folds = List.copyOf(folds);
        this.others = List.copyOf(others);
        this.postprocessing = Objects.requireNonNull(postprocessing, "postprocessing");
        this.previousStage = previousStage;
    }

    /**
     * The low-resolution stage of a cascade (itself possibly several networks), which prediction runs first; null
     * when this model is not the full-resolution stage of a cascade, or when it was saved without its previous stage
     * (a best model or checkpoint of the full-resolution training).
     */
    public TrainedModel previousStage() {
        return previousStage;
    }

    /**
     * This full-resolution stage of a cascade with its low-resolution stage, whose plan must be this plan's
     * {@link Plan#previousStage}.
     */
    public TrainedModel withPreviousStage(TrainedModel stage) {
        if (!plan.isCascade()) {
            throw new IllegalArgumentException("only the full-resolution stage of a cascade has a previous stage");
        }
        if (stage.previousStage != null || !PlanJson.toTree(stage.plan).equals(PlanJson.toTree(plan.previousStage()))) {
            throw new InvalidInputException("the low-resolution model's plan is not the previous stage of this "
                    + "model's plan");
        }
        return new TrainedModel(this, metadata, folds, others, postprocessing, stage);
    }

    /** The postprocessing applied to the labels this model predicts ({@link Postprocessing#NONE} if none). */
    public Postprocessing postprocessing() {
        return postprocessing;
    }

    /** The same networks with another postprocessing. */
    public TrainedModel withPostprocessing(Postprocessing p) {
        return new TrainedModel(this, metadata, folds, others, p);
    }

    /**
     * One model holding the networks of several models (each of which may hold several) of the same plan and
     * classes, e.g. the folds of a cross-validation, for ensembled prediction. Folds are kept when every network
     * has one; a fold present twice is refused.
     *
     * @throws InvalidInputException when the plans or classes differ
     */
    public static TrainedModel ensemble(List<TrainedModel> models) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no models");
        }
        List<TrainedModel> all = new ArrayList<>();
        models.forEach(m -> all.addAll(m.members()));
        if (all.size() == 1) {
            return all.get(0);
        }
        TrainedModel first = all.get(0);
        JsonNode firstPlan = PlanJson.toTree(first.plan);
        List<Integer> folds = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            TrainedModel m = all.get(i);
            if (!PlanJson.toTree(m.plan).equals(firstPlan)
                    || !m.labels().classNames().equals(first.labels().classNames())
                    || m.labels().ignoreValue() != first.labels().ignoreValue()) {
                throw new InvalidInputException("network " + (i + 1) + " of the ensemble has another plan or other "
                        + "classes than the first; only models of the same plan and classes (e.g. the folds of one "
                        + "cross-validation) can be ensembled");
            }
            if (m.folds.size() == 1) {
                if (folds.contains(m.folds.get(0))) {
                    throw new InvalidInputException("fold " + m.folds.get(0) + " is given twice; each fold may "
                            + "take part in an ensemble once");
                }
                folds.add(m.folds.get(0));
            }
        }
        if (folds.size() != all.size()) {
            folds.clear();
        }
        for (int i = 1; i < all.size(); i++) {
            TrainedModel p = all.get(i).previousStage;
            if (p != null && (first.previousStage == null || !p.sameWeightsAs(first.previousStage))) {
                throw new InvalidInputException("network " + (i + 1) + " of the ensemble is a cascade stage with "
                        + "another low-resolution stage than the first; only stages of one cascade can be ensembled");
            }
        }
        // one postprocessing for the ensemble only where every model chose the same
        Postprocessing p = models.stream().allMatch(m -> m.postprocessing.equals(models.get(0).postprocessing))
                ? models.get(0).postprocessing : Postprocessing.NONE;
        return new TrainedModel(first, first.metadata, folds, all.subList(1, all.size()), p);
    }

    /**
     * Groups models into configurations for an ensemble of configurations, as nnU-Net ensembles e.g. its 2D and 3D
     * models: models of the same plan form one configuration ({@link #ensemble}, averaged in their logits), each
     * other plan another, in the order the plans first appear. All must predict the same classes (names and ignore
     * value) or regions from the same input channels.
     *
     * @return one model per plan
     * @throws InvalidInputException when the models predict different classes or regions, or read other channels
     */
    public static List<TrainedModel> configurations(List<TrainedModel> models) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no models");
        }
        LinkedHashMap<JsonNode, List<TrainedModel>> byPlan = new LinkedHashMap<>();
        TrainedModel first = models.get(0);
        for (int i = 0; i < models.size(); i++) {
            TrainedModel m = models.get(i);
            if (!m.labels().classNames().equals(first.labels().classNames())
                    || m.labels().ignoreValue() != first.labels().ignoreValue()
                    || !Objects.equals(m.regions(), first.regions()) || m.inputChannels() != first.inputChannels()) {
                throw new InvalidInputException("model " + (i + 1) + " of the ensemble predicts " + m.plan.targets()
                        .describe() + " from " + m.inputChannels() + " channel(s) but model 1 predicts "
                        + first.plan.targets().describe() + " from " + first.inputChannels() + "; only models of the "
                        + "same classes (names and ignore value) or regions and channels can be ensembled");
            }
            byPlan.computeIfAbsent(PlanJson.toTree(m.plan), k -> new ArrayList<>()).add(m);
        }
        List<TrainedModel> out = new ArrayList<>();
        for (List<TrainedModel> group : byPlan.values()) {
            out.add(ensemble(group));
        }
        return out;
    }

    /** This single network marked as trained on cross-validation fold {@code fold}. */
    public TrainedModel withFold(int fold) {
        if (!others.isEmpty()) {
            throw new IllegalStateException("an ensemble has a fold per network");
        }
        return new TrainedModel(this, metadata, List.of(fold), List.of(), postprocessing);
    }

    /**
     * The spatial axes (tensor order, 0 = slowest) that test-time mirroring may flip, as nnU-Net's trainer of an
     * imported model allowed them ({@code mirroringAxes} of the metadata's dataset record); null = every axis.
     */
    public List<Integer> mirroringAxes() {
        Object axes = metadata.dataset().get("mirroringAxes");
        if (!(axes instanceof List<?> list)) {
            return null;
        }
        List<Integer> r = new ArrayList<>();
        for (Object o : list) {
            if (o instanceof Number n && n.intValue() >= 0 && n.intValue() < spatialDims()) {
                r.add(n.intValue());
            }
        }
        return r;
    }

    /** The networks of this model, each as a model of one network: this model alone unless it is an ensemble. */
    public List<TrainedModel> members() {
        if (others.isEmpty()) {
            return List.of(this);
        }
        List<TrainedModel> out = new ArrayList<>();
        out.add(new TrainedModel(this, metadata, folds.isEmpty() ? List.of() : List.of(folds.get(0)), List.of(),
                postprocessing));
        for (int i = 0; i < others.size(); i++) {
            TrainedModel o = others.get(i);
            // each network keeps its fold, so that an ensemble made of members knows its folds
            out.add(folds.isEmpty() ? o : new TrainedModel(o, o.metadata, List.of(folds.get(i + 1)), List.of(),
                    o.postprocessing));
        }
        return out;
    }

    /** The cross-validation fold of each network, in the order of {@link #members()}; empty if not known. */
    public List<Integer> folds() {
        return folds;
    }

    /** Copies the current parameters of a network to host memory and bundles them with the plan. */
    public static TrainedModel of(Plan plan, TrainingMetadata metadata,
            SegmentationNetwork network) {
        return new TrainedModel(plan, metadata, toHost(network.parameters()));
    }

    /** Host copies of device arrays, keeping names and order. */
    public static LinkedHashMap<String, HostTensor> toHost(Map<String, NDArray> arrays) {
        LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray a = e.getValue();
            out.put(e.getKey(), new HostTensor(a.getShape().getShape(), a.toFloatArray()));
        }
        return out;
    }

    /**
     * Overwrites device arrays in place with host values; names and shapes must match exactly.
     *
     * @param what describes the host values in messages, e.g. "model file 'a.zip'"
     */
    public static void copyToDevice(Map<String, HostTensor> host, Map<String, NDArray> device, String what) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : device.entrySet()) {
            HostTensor h = host.get(e.getKey());
            long[] shape = e.getValue().getShape().getShape();
            if (h == null) {
                problems.add("parameter '" + e.getKey() + "' is missing");
            } else if (!Arrays.equals(h.shape(), shape)) {
                problems.add("parameter '" + e.getKey() + "' has shape " + Arrays.toString(h.shape())
                        + ", the network needs " + Arrays.toString(shape));
            }
        }
        for (String name : host.keySet()) {
            if (!device.containsKey(name)) {
                problems.add("parameter '" + name + "' is not part of the network");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(what + " does not match the network architecture of its plan: "
                    + String.join("; ", problems.subList(0, Math.min(3, problems.size())))
                    + (problems.size() > 3 ? " (and " + (problems.size() - 3) + " more)" : ""));
        }
        for (Map.Entry<String, NDArray> e : device.entrySet()) {
            e.getValue().set(FloatBuffer.wrap(host.get(e.getKey()).data()));
        }
    }

    /**
     * Builds the network of the plan on the manager's device and loads the weights into it. The caller
     * closes the network.
     */
    public SegmentationNetwork instantiate(NDManager manager) {
        UNet network = UNet.build(manager, plan, 0);
        try {
            loadInto(network);
            return network;
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /** Loads these weights into an existing network built from the same plan. */
    public void loadInto(SegmentationNetwork network) {
        if (network.inputChannels() != plan.inputChannels() || network.outputChannels() != plan.targets().outputChannels()
                || network.spatialDims() != spatialDims()) {
            throw new InvalidInputException("the model (" + spatialDims() + "D, " + plan.inputChannels() + " channels, "
                    + plan.targets().outputChannels() + " outputs) does not fit a " + network.spatialDims()
                    + "D network with " + network.inputChannels() + " channels and " + network.outputChannels()
                    + " outputs");
        }
        copyToDevice(weights, network.parameters(), "the model");
    }

    /**
     * Checks that an image can be segmented with this model: same number of channels, and not a 2D image
     * for a 3D network (a 2D network segments 3D images plane by plane).
     */
    public void checkCompatible(ImageVolume image) {
        if (image.channels() != inputChannels()) {
            throw new InvalidInputException("the model expects " + inputChannels() + " channel"
                    + (inputChannels() == 1 ? "" : "s") + ", the image '" + image.name() + "' has "
                    + image.channels());
        }
        if (image.spatialDims() < spatialDims()) {
            throw new InvalidInputException("the model is a " + spatialDims() + "D network, the image '"
                    + image.name() + "' is " + image.spatialDims() + "D");
        }
    }

    public Plan plan() {
        return plan;
    }

    public LabelSpec labels() {
        return plan.targets().spec();
    }

    public TrainingMetadata metadata() {
        return metadata;
    }

    /** Parameters by name, in the network's order (unmodifiable). */
    public Map<String, HostTensor> weights() {
        return weights;
    }

    /** Channels of the images the model segments (in a cascade, the network has more: see {@link Plan}). */
    public int inputChannels() {
        return plan.imageChannels();
    }

    public int spatialDims() {
        return plan.spatialDims();
    }

    public int numClasses() {
        return plan.targets().numClasses();
    }

    /** The regions of a region-based model, {@link RegionSet#none()} for a class model. */
    public RegionSet regions() {
        return plan.targets().regions();
    }

    /**
     * Names of the scores the model is validated and evaluated on: its regions, or its foreground classes
     * (classes 1..K-1) for a class model. These name the pseudo-Dice values of the training metadata.
     */
    public List<String> scoreNames() {
        return plan.targets().scoreNames();
    }

    /** The model with other metadata (of its first network). */
    public TrainedModel withMetadata(TrainingMetadata newMetadata) {
        return new TrainedModel(this, newMetadata, folds, others, postprocessing);
    }

    /** True when plan, labels and every weight are equal (metadata is not compared). */
    public boolean sameWeightsAs(TrainedModel o) {
        if (o.others.size() != others.size() || (o.previousStage == null) != (previousStage == null)
                || previousStage != null && !previousStage.sameWeightsAs(o.previousStage)) {
            return false;
        }
        for (int i = 0; i < others.size(); i++) {
            if (!others.get(i).sameWeightsAs(o.others.get(i))) {
                return false;
            }
        }
        if (!o.weights.keySet().equals(weights.keySet())) {
            return false;
        }
        for (Map.Entry<String, HostTensor> e : weights.entrySet()) {
            if (!e.getValue().sameAs(o.weights.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    // ---- persistence -------------------------------------------------------------------------------

    /** Writes the model file atomically: a temporary file in the target folder moved onto {@code file}. */
    public void save(Path file) throws IOException {
        ModelArchive.writeAtomically(file, this::write);
    }

    /** Writes the model archive to a stream (left open). */
    public void write(OutputStream out) throws IOException {
        ModelArchive.write(out, manifest("model"), entries());
    }

    /**
     * The description stored in a model file (plan, classes and ignore value, training metadata, checksums)
     * as indented JSON, read without loading the weights.
     */
    public static String describeFile(Path file) throws IOException {
        return ModelArchive.manifestText(file);
    }

    /** Reads and verifies a model file (a checkpoint is accepted too: its model part is returned). */
    public static TrainedModel load(Path file) {
        String source = String.valueOf(file.getFileName());
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return read(in, source);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("model file '" + file + "' does not exist", e);
        } catch (IOException e) {
            throw new InvalidInputException("model file '" + file + "' cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads and verifies a model archive from a stream (not closed).
     *
     * @param source name used in messages
     */
    public static TrainedModel read(InputStream in, String source) {
        return fromContents(ModelArchive.read(in, source), source);
    }

    ObjectNode manifest(String kind) {
        ObjectNode m = ModelArchive.JSON.createObjectNode();
        m.put("format", ModelArchive.FORMAT);
        // ensembles and postprocessing need a reader that knows them: older versions refuse version 2
        m.put("formatVersion", others.isEmpty() && postprocessing.isNone() && previousStage == null ? 1
                : ModelArchive.FORMAT_VERSION);
        m.put("kind", kind);
        m.put("createdBy", ModelArchive.CREATED_BY);
        m.put("createdAt", Instant.now().toString());
        m.put("inputChannels", inputChannels());
        m.put("spatialDims", spatialDims());
        ObjectNode l = m.putObject("labels");
        ArrayNode names = l.putArray("classNames");
        plan.targets().classNames().forEach(names::add);
        l.put("ignoreValue", plan.targets().ignoreValue());
        m.set("plan", PlanJson.toTree(plan));
        m.set("training", ModelArchive.JSON.valueToTree(metadata));
        if (!folds.isEmpty()) {
            ArrayNode f = m.putArray("folds");
            folds.forEach(f::add);
        }
        if (!postprocessing.isNone()) {
            m.set(POSTPROCESSING, ModelArchive.JSON.valueToTree(postprocessing));
        }
        if (!others.isEmpty()) {
            ArrayNode members = m.putArray("members");
            for (int i = 0; i < others.size(); i++) {
                ObjectNode n = members.addObject();
                n.put("weights", memberWeights(i + 1));
                n.set("training", ModelArchive.JSON.valueToTree(others.get(i).metadata));
            }
        }
        if (previousStage != null) {
            ObjectNode p = previousStage.manifest(kind);
            for (String f : List.of("format", "formatVersion", "kind", "createdBy", "createdAt")) {
                p.remove(f);
            }
            m.set(PREVIOUS_STAGE, p);
        }
        return m;
    }

    /** Entry name of the weights of the i-th network (0 is {@link #WEIGHTS}). */
    private static String memberWeights(int i) {
        return "weights_" + i + ".bin";
    }

    Map<String, byte[]> entries() {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put(WEIGHTS, TensorCodec.encode(weights));
        for (int i = 0; i < others.size(); i++) {
            e.put(memberWeights(i + 1), TensorCodec.encode(others.get(i).weights));
        }
        if (previousStage != null) {
            previousStage.entries().forEach((name, data) -> e.put(PREVIOUS_STAGE_ENTRIES + name, data));
        }
        return e;
    }

    static TrainedModel fromContents(ModelArchive.Contents c, String source) {
        ObjectNode m = c.manifest();
        String what = "model file '" + source + "'";
        try {
            JsonNode planTree = required(m, "plan", what);
            int planVersion = planTree.path("formatVersion").asInt(0);
            if (planVersion > Plan.FORMAT_VERSION) {
                throw new InvalidInputException(what + " holds a plan of format version " + planVersion
                        + "; this MaskSeg reads plan versions up to " + Plan.FORMAT_VERSION
                        + ". Update MaskSeg to use it");
            }
            Plan plan = PlanJson.fromTree(planTree, what + " is corrupt: its plan");
            JsonNode l = required(m, "labels", what);
            List<String> names = new ArrayList<>();
            required(l, "classNames", what).forEach(n -> names.add(n.asText()));
            TrainingMetadata meta = ModelArchive.JSON.treeToValue(required(m, "training", what),
                    TrainingMetadata.class);
            int channels = required(m, "inputChannels", what).asInt();
            int dims = required(m, "spatialDims", what).asInt();
            if (channels != plan.imageChannels() || dims != plan.spatialDims()
                    || names.size() != plan.targets().numClasses()) {
                throw new InvalidInputException(what + " is corrupt: its manifest (" + dims + "D, " + channels
                        + " channels, " + names.size() + " classes) contradicts its plan (" + plan.spatialDims()
                        + "D, " + plan.imageChannels() + " channels, " + plan.targets().numClasses() + " classes)");
            }
            // the manifest's class names and ignore value are the ones the model reports
            LabelSpec labels = new LabelSpec(names.size(), required(l, "ignoreValue", what).asInt(), names);
            plan = plan.toBuilder()
                    .targets(Targets.of(labels, plan.targets().regions(), plan.targets().partialLabels()))
                    .build();
            byte[] w = c.entries().get(WEIGHTS);
            if (w == null) {
                throw new InvalidInputException(what + " is corrupt: " + WEIGHTS + " is missing");
            }
            Map<String, HostTensor> weights = TensorCodec.decode(w, what + ": " + WEIGHTS);
            TrainedModel first = new TrainedModel(plan, meta, weights);
            List<TrainedModel> others = new ArrayList<>();
            JsonNode members = m.path("members");
            if (!members.isMissingNode() && !members.isArray()) {
                throw new InvalidInputException(what + " is corrupt: 'members' in " + ModelArchive.MANIFEST
                        + " is not a list");
            }
            for (JsonNode n : members) {
                String entry = n.path("weights").asText("");
                byte[] mw = c.entries().get(entry);
                if (mw == null) {
                    throw new InvalidInputException(what + " is corrupt: the weights '" + entry + "' of network "
                            + (others.size() + 2) + " are missing");
                }
                TrainingMetadata mm = ModelArchive.JSON.treeToValue(required(n, "training", what),
                        TrainingMetadata.class);
                others.add(new TrainedModel(plan, mm, TensorCodec.decode(mw, what + ": " + entry)));
            }
            List<Integer> folds = new ArrayList<>();
            JsonNode f = m.path("folds");
            if (!f.isMissingNode()) {
                if (!f.isArray() || f.size() != others.size() + 1) {
                    throw new InvalidInputException(what + " is corrupt: 'folds' in " + ModelArchive.MANIFEST
                            + " must list one fold per network (" + (others.size() + 1) + ")");
                }
                for (JsonNode k : f) {
                    if (!k.canConvertToInt() || k.asInt() < 0) {
                        throw new InvalidInputException(what + " is corrupt: fold " + k + " in "
                                + ModelArchive.MANIFEST + " is not a fold number");
                    }
                    folds.add(k.asInt());
                }
            }
            Postprocessing p = m.has(POSTPROCESSING)
                    ? ModelArchive.JSON.treeToValue(m.get(POSTPROCESSING), Postprocessing.class) : Postprocessing.NONE;
            TrainedModel previous = null;
            JsonNode stage = m.get(PREVIOUS_STAGE);
            if (stage != null) {
                if (!(stage instanceof ObjectNode stageManifest) || !plan.isCascade()) {
                    throw new InvalidInputException(what + " is corrupt: it holds a previous stage, but its plan is "
                            + "not a cascade");
                }
                Map<String, byte[]> stageEntries = new LinkedHashMap<>();
                c.entries().forEach((name, data) -> {
                    if (name.startsWith(PREVIOUS_STAGE_ENTRIES)) {
                        stageEntries.put(name.substring(PREVIOUS_STAGE_ENTRIES.length()), data);
                    }
                });
                previous = fromContents(new ModelArchive.Contents(stageManifest, stageEntries),
                        source + " (low-resolution stage)");
                if (!PlanJson.toTree(previous.plan).equals(PlanJson.toTree(plan.previousStage()))) {
                    throw new InvalidInputException(what + " is corrupt: its low-resolution stage has another plan than "
                            + "the previous stage of its plan");
                }
            }
            return others.isEmpty() && folds.isEmpty() && p.isNone() && previous == null ? first
                    : new TrainedModel(first, meta, folds, others, p, previous);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(what + " is corrupt: " + ModelArchive.MANIFEST + " cannot be read ("
                    + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new InvalidInputException(what + " is corrupt: " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode parent, String field, String what) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw new InvalidInputException(what + " is corrupt: " + ModelArchive.MANIFEST + " lacks '" + field + "'");
        }
        return n;
    }

    @Override
    public String toString() {
        return "TrainedModel[" + spatialDims() + "D, " + inputChannels() + " channels, " + plan.targets() + ", "
                + weights.size() + " tensors" + (others.isEmpty() ? "" : ", " + (others.size() + 1) + " networks")
                + (folds.isEmpty() ? "" : ", folds " + folds) + ", " + metadata + "]";
    }
}
