package org.maskseg.core.nnunet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.model.HostTensor;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.model.TrainingMetadata;
import org.maskseg.core.nnunet.CheckpointUnpickler.PickledTensor;
import org.maskseg.core.plan.Plan;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Imports a model trained by nnU-Net v2 into a MaskSeg model, without Python.
 * <p>
 * A results folder ({@code nnUNet_results/DatasetXXX/<trainer>__<plans>__<configuration>}) holds {@code
 * dataset.json}, {@code plans.json} and per fold {@code fold_N/checkpoint_final.pth} (and {@code
 * checkpoint_best.pth}). The checkpoint names the configuration it was trained with ({@code
 * init_args.configuration}); that configuration of the plans gives the MaskSeg plan (see {@link NnUNetPlans}),
 * and the checkpoint's {@code network_weights} the parameters.
 * <p>
 * Parameter names of nnU-Net's PlainConvUNet and ResidualEncoderUNet (dynamic-network-architectures) and the
 * engine's networks, for S stages and decoder level l = S − 2 − k:
 * <ul>
 * <li>PlainConvUNet: {@code encoder.stages.<s>.0.convs.<j>.conv|norm.*} → {@code encoder.<s>.conv<j>|norm<j>.*};</li>
 * <li>ResidualEncoderUNet: {@code encoder.stem.convs.0.conv|norm.*} → {@code encoder.stem.conv0|norm0.*}, {@code
 * encoder.stages.<s>.blocks.<b>.conv1|conv2.conv|norm.*} → {@code encoder.<s>.block<b>.conv1|norm1|conv2|norm2.*}
 * and the skip path's {@code ...skip.<i>.conv|norm.*} (i = 1 after an average pooling, else 0) → {@code
 * encoder.<s>.block<b>.skip.conv|norm.*};</li>
 * <li>{@code decoder.transpconvs.<k>.*} → {@code decoder.<l>.up.*};</li>
 * <li>{@code decoder.stages.<k>.convs.<j>.conv|norm.*} → {@code decoder.<l>.conv<j>|norm<j>.*};</li>
 * <li>{@code decoder.seg_layers.<k>.*} → {@code decoder.<l>.head.*}.</li>
 * </ul>
 * The state dict also lists every convolution and norm a second time under {@code ...all_modules.<i>} and the
 * whole encoder under {@code decoder.encoder.}; these copies are checked to be present and skipped. Without
 * convolution bias ({@code conv_bias: false}) or without affine norms, the engine's biases are zero and norm
 * scales one, which computes the same.
 */
public final class NnUNetImport {

    /** Which checkpoint of a fold to import. */
    public enum Checkpoint {
        FINAL("checkpoint_final.pth"), BEST("checkpoint_best.pth");

        private final String fileName;

        Checkpoint(String fileName) {
            this.fileName = fileName;
        }

        public String fileName() {
            return fileName;
        }

        /** "final" or "best". */
        public static Checkpoint parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "final" -> FINAL;
                case "best" -> BEST;
                default -> throw new InvalidInputException("checkpoint '" + s + "': expected final or best");
            };
        }
    }

    /**
     * Which postprocessing an imported model applies to its predictions.
     *
     * @param search whether to use the {@code postprocessing.pkl} nnU-Net chose for the imported folds, when the
     *               results folder has one (see {@link NnUNetPostprocessing#find})
     * @param file   a given {@code postprocessing.pkl}, or null
     */
    public record PostprocessingSource(boolean search, Path file) {
        /** The results folder's own postprocessing, if it has one. */
        public static final PostprocessingSource FIND = new PostprocessingSource(true, null);
        /** No postprocessing. */
        public static final PostprocessingSource NONE = new PostprocessingSource(false, null);

        /** This file's postprocessing. */
        public static PostprocessingSource file(Path file) {
            return new PostprocessingSource(false, file);
        }
    }

    private NnUNetImport() {
    }

    /**
     * The folds of a results folder that hold the checkpoint: {@code fold_0}, {@code fold_1}, ... and {@code
     * fold_all}, in that order.
     */
    public static List<String> availableFolds(Path resultsDir, Checkpoint checkpoint) {
        List<String> folds = new ArrayList<>();
        TreeSet<Integer> numbered = new TreeSet<>();
        try (var s = Files.list(resultsDir)) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                if (n.matches("fold_\\d{1,4}") && Files.isRegularFile(p.resolve(checkpoint.fileName()))) {
                    numbered.add(Integer.parseInt(n.substring(5)));
                }
            });
        } catch (java.io.IOException e) {
            throw new InvalidInputException("nnU-Net results folder '" + resultsDir + "' cannot be read: "
                    + e.getMessage(), e);
        }
        numbered.forEach(f -> folds.add(String.valueOf(f)));
        if (Files.isRegularFile(resultsDir.resolve("fold_all").resolve(checkpoint.fileName()))) {
            folds.add("all");
        }
        return folds;
    }

    /**
     * Reads an nnU-Net v2 results folder into a MaskSeg model.
     *
     * @param resultsDir the folder with dataset.json, plans.json and fold_N
     * @param folds      the folds to import ("0", "1", ..., "all"); empty = every fold that has the checkpoint.
     *                   Several folds become an ensemble whose prediction averages the folds' logits, as
     *                   nnU-Net's does
     * @param checkpoint final or best
     * @throws InvalidInputException naming the file and key of whatever does not fit
     */
    public static TrainedModel importModel(Path resultsDir, List<String> folds, Checkpoint checkpoint) {
        return importModel(resultsDir, folds, checkpoint, PostprocessingSource.FIND);
    }

    /**
     * Reads an nnU-Net v2 results folder into a MaskSeg model, with the postprocessing from the given source
     * (nnU-Net applies it with {@code nnUNetv2_apply_postprocessing}; the imported model applies it whenever it
     * predicts labels).
     *
     * @throws InvalidInputException naming the file and key of whatever does not fit
     */
    public static TrainedModel importModel(Path resultsDir, List<String> folds, Checkpoint checkpoint,
            PostprocessingSource postprocessing) {
        if (!Files.isDirectory(resultsDir)) {
            throw new InvalidInputException("nnU-Net results folder '" + resultsDir + "' does not exist or is not a "
                    + "folder");
        }
        List<String> chosen = folds == null || folds.isEmpty() ? availableFolds(resultsDir, checkpoint) : folds;
        if (chosen.isEmpty()) {
            throw new InvalidInputException("nnU-Net results folder '" + resultsDir + "' has no fold_N/"
                    + checkpoint.fileName());
        }
        for (String fold : chosen) {
            if (!fold.matches("\\d{1,4}|all")) {
                throw new InvalidInputException("fold '" + fold + "': expected a fold number or 'all'");
            }
        }
        if (new java.util.HashSet<>(chosen).size() != chosen.size()) {
            throw new InvalidInputException("folds " + chosen + ": a fold is listed twice");
        }
        Path datasetFile = resultsDir.resolve("dataset.json");
        Path plansFile = resultsDir.resolve("plans.json");
        ObjectNode dataset = NnUNetPlans.readJson(datasetFile);
        ObjectNode plans = NnUNetPlans.readJson(plansFile);
        List<TrainedModel> members = new ArrayList<>();
        NnUNetPlans.Imported imported = null;
        Map<String, Object> source = new LinkedHashMap<>();
        TrainingMetadata meta = null;
        for (int i = 0; i < chosen.size(); i++) {
            String fold = chosen.get(i);
            Path pth = resultsDir.resolve("fold_" + fold).resolve(checkpoint.fileName());
            try (TorchCheckpoint ckpt = TorchCheckpoint.open(pth)) {
                if (!(ckpt.root() instanceof Map<?, ?> root)) {
                    throw new InvalidInputException(ckpt.what() + " is not an nnU-Net checkpoint (not a dict)");
                }
                Object initArgs = root.get("init_args");
                Object configuration = initArgs instanceof Map<?, ?> ia ? ia.get("configuration") : null;
                if (!(configuration instanceof String configName)) {
                    throw new InvalidInputException(ckpt.what() + ", key 'init_args.configuration': missing; it names "
                            + "the configuration of plans.json the network was trained with");
                }
                if (imported == null) {
                    imported = NnUNetPlans.convert(plans, plansFile, dataset, datasetFile, configName);
                    source.put("importedFrom", "nnU-Net v2");
                    source.put("trainer", String.valueOf(root.get("trainer_name")));
                    source.put("plans", plans.path("plans_name").asText(""));
                    source.put("dataset", plans.path("dataset_name").asText(""));
                    source.put("configuration", configName);
                    source.put("fold", String.join(",", chosen));
                    source.put("checkpoint", checkpoint.fileName());
                    List<Integer> axes = mirroringAxes(root.get("inference_allowed_mirroring_axes"),
                            imported.plan().spatialDims(), ckpt.what());
                    if (axes != null) {
                        source.put("mirroringAxes", axes);
                    }
                    int epoch = root.get("current_epoch") instanceof Number n ? n.intValue() : 0;
                    double bestEma = root.get("_best_ema") instanceof Number n ? n.doubleValue() : Double.NaN;
                    double[] dice = new double[imported.plan().targets().scoreNames().size()];
                    Arrays.fill(dice, Double.NaN);
                    meta = new TrainingMetadata(epoch, epoch, 0, dice, Double.NaN, bestEma, 0,
                            checkpoint == Checkpoint.BEST ? "best" : "last", "imported", 0, 0,
                            Instant.now().toString(), "", 0, 0, source);
                } else if (!configName.equals(source.get("configuration"))) {
                    throw new InvalidInputException(ckpt.what() + ", key 'init_args.configuration': '" + configName
                            + "', but fold " + chosen.get(0) + " was trained with '" + source.get("configuration")
                            + "'; an ensemble needs folds of one configuration");
                }
                if (!(root.get("network_weights") instanceof Map<?, ?> stateDict)) {
                    throw new InvalidInputException(ckpt.what() + ", key 'network_weights': missing or not a state "
                            + "dict");
                }
                TrainedModel member = new TrainedModel(imported.plan(), meta, mapWeights(ckpt, stateDict, imported));
                members.add(chosen.size() > 1 && !"all".equals(fold) ? member.withFold(Integer.parseInt(fold))
                        : member);
            }
        }
        // several folds: one model whose prediction averages the folds' logits, as nnU-Net's does
        TrainedModel model = members.size() == 1 ? members.get(0) : TrainedModel.ensemble(members);
        Path ppFile = postprocessing.file() != null ? postprocessing.file()
                : postprocessing.search() ? NnUNetPostprocessing.find(resultsDir, chosen) : null;
        if (ppFile == null) {
            return model;
        }
        if (!Files.isRegularFile(ppFile)) {
            throw new InvalidInputException("postprocessing file '" + ppFile + "' does not exist or is not a file");
        }
        return model.withPostprocessing(NnUNetPostprocessing.read(ppFile, imported.plan().targets()));
    }

    /** nnU-Net's mirroring axes (spatial axes of its arrays, slowest first: the tensor order), or null. */
    private static List<Integer> mirroringAxes(Object value, int dims, String what) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Object[] axes)) {
            throw new InvalidInputException(what + ", key 'inference_allowed_mirroring_axes': expected a tuple of "
                    + "axes, got " + value);
        }
        List<Integer> a = new ArrayList<>();
        for (Object o : axes) {
            if (!(o instanceof Number n) || n.intValue() < 0 || n.intValue() >= dims) {
                throw new InvalidInputException(what + ", key 'inference_allowed_mirroring_axes': " + o
                        + " is no spatial axis of a " + dims + "D network");
            }
            a.add(n.intValue());
        }
        return a;
    }

    /**
     * The engine's parameters, in the engine's order, from an nnU-Net PlainConvUNet or ResidualEncoderUNet state
     * dict.
     */
    static LinkedHashMap<String, HostTensor> mapWeights(TorchCheckpoint ckpt, Map<?, ?> stateDict,
            NnUNetPlans.Imported imported) {
        Map<String, PickledTensor> given = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : stateDict.entrySet()) {
            String name = String.valueOf(e.getKey());
            for (String wrapper : List.of("module.", "_orig_mod.")) {
                if (name.startsWith(wrapper)) {
                    name = name.substring(wrapper.length());
                }
            }
            if (!(e.getValue() instanceof PickledTensor t)) {
                throw new InvalidInputException(ckpt.what() + ", key 'network_weights." + name + "': not a tensor");
            }
            given.put(name, t);
        }
        Plan plan = imported.plan();
        Plan.Network net = plan.network();
        int stages = net.numStages();
        int convs = net.convsPerStage();
        int[] features = net.features();
        int[][] strides = net.strides();
        int[][] kernelSizes = net.kernelSizes();
        int dims = plan.spatialDims();
        int outputs = plan.targets().outputChannels();
        TreeSet<String> unused = new TreeSet<>(given.keySet());
        LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
        Mapper m = new Mapper(ckpt, given, unused, out, imported);
        if (imported.architecture() == NnUNetPlans.Architecture.RESIDUAL_ENCODER_UNET) {
            residualEncoder(m, plan, dims);
        } else {
            int in = plan.inputChannels();
            for (int s = 0; s < stages; s++) {
                for (int j = 0; j < net.convsPerStage(); j++) {
                    m.block("encoder.stages." + s + ".0.convs." + j, "encoder." + s, j,
                            j == 0 ? in : net.features()[s], net.features()[s], net.kernelSizes()[s], dims);
                }
                in = net.features()[s];
            }
        }
        for (int l = stages - 2; l >= 0; l--) {
            int k = stages - 2 - l;
            long[] up = new long[2 + dims];
            up[0] = features[l + 1];
            up[1] = features[l];
            for (int a = 0; a < dims; a++) {
                up[2 + a] = strides[l + 1][dims - 1 - a];
            }
            m.take("decoder.transpconvs." + k + ".weight", "decoder." + l + ".up.weight", up);
            m.bias("decoder.transpconvs." + k + ".bias", "decoder." + l + ".up.bias", features[l],
                    imported.convBias());
            for (int j = 0; j < convs; j++) {
                m.block("decoder.stages." + k + ".convs." + j, "decoder." + l, j,
                        j == 0 ? 2 * features[l] : features[l], features[l], kernelSizes[l], dims);
            }
            long[] head = new long[2 + dims];
            head[0] = outputs;
            head[1] = features[l];
            Arrays.fill(head, 2, 2 + dims, 1);
            m.take("decoder.seg_layers." + k + ".weight", "decoder." + l + ".head.weight", head);
            m.take("decoder.seg_layers." + k + ".bias", "decoder." + l + ".head.bias", new long[] {outputs});
        }
        // duplicates of what was read: the all_modules view of each block and the decoder's encoder reference
        unused.removeIf(n -> {
            String base = n.startsWith("decoder.encoder.") ? n.substring("decoder.".length()) : n;
            base = base.replaceFirst("\\.all_modules\\.0\\.", ".conv.").replaceFirst("\\.all_modules\\.1\\.", ".norm.");
            return m.read.contains(base);
        });
        if (!unused.isEmpty()) {
            List<String> l = new ArrayList<>(unused);
            throw new InvalidInputException(ckpt.what() + ", key 'network_weights': " + l.size() + " tensors do not "
                    + "belong to a " + net.architecture() + " of plans.json's configuration, e.g. '" + l.get(0) + "'"
                    + (l.size() > 1 ? " and '" + l.get(l.size() - 1) + "'" : ""));
        }
        return out;
    }

    /** The stem and residual blocks of a ResidualEncoderUNet (see the class comment for the names). */
    private static void residualEncoder(Mapper m, Plan plan, int dims) {
        Plan.Network net = plan.network();
        m.block("encoder.stem.convs.0", "encoder.stem", 0, plan.inputChannels(), net.features()[0], net.kernelSizes()[0],
                dims);
        int in = net.features()[0];
        int[] one = new int[dims];
        Arrays.fill(one, 1);
        for (int s = 0; s < net.numStages(); s++) {
            int f = net.features()[s];
            for (int b = 0; b < net.blocksPerStage()[s]; b++) {
                String from = "encoder.stages." + s + ".blocks." + b;
                String to = "encoder." + s + ".block" + b;
                int blockIn = b == 0 ? in : f;
                m.layer(from + ".conv1", to + ".conv1", to + ".norm1", blockIn, f, net.kernelSizes()[s], dims, true);
                m.layer(from + ".conv2", to + ".conv2", to + ".norm2", f, f, net.kernelSizes()[s], dims, true);
                if (blockIn != f) {
                    boolean pooled = b == 0 && Arrays.stream(net.strides()[s]).anyMatch(v -> v != 1);
                    m.layer(from + ".skip." + (pooled ? 1 : 0), to + ".skip.conv", to + ".skip.norm", blockIn, f, one,
                            dims, false);
                }
            }
            in = f;
        }
    }

    /** Copies tensors under engine names, checking shapes against the plan. */
    private static final class Mapper {
        final TorchCheckpoint ckpt;
        final Map<String, PickledTensor> given;
        final TreeSet<String> unused;
        final LinkedHashMap<String, HostTensor> out;
        final NnUNetPlans.Imported imported;
        final java.util.Set<String> read = new java.util.HashSet<>();

        Mapper(TorchCheckpoint ckpt, Map<String, PickledTensor> given, TreeSet<String> unused,
                LinkedHashMap<String, HostTensor> out, NnUNetPlans.Imported imported) {
            this.ckpt = ckpt;
            this.given = given;
            this.unused = unused;
            this.out = out;
            this.imported = imported;
        }

        void block(String from, String to, int j, int in, int outCh, int[] kernelXFirst, int dims) {
            layer(from, to + ".conv" + j, to + ".norm" + j, in, outCh, kernelXFirst, dims, true);
        }

        /**
         * A convolution and its normalisation ({@code <from>.conv.*}, {@code <from>.norm.*}); {@code withBias}
         * false for a convolution that never has a bias, whatever the plans say.
         */
        void layer(String from, String conv, String norm, int in, int outCh, int[] kernelXFirst, int dims,
                boolean withBias) {
            long[] w = new long[2 + dims];
            w[0] = outCh;
            w[1] = in;
            for (int a = 0; a < dims; a++) {
                w[2 + a] = kernelXFirst[dims - 1 - a];
            }
            take(from + ".conv.weight", conv + ".weight", w);
            if (withBias) {
                bias(from + ".conv.bias", conv + ".bias", outCh, imported.convBias());
            }
            if (imported.normAffine()) {
                take(from + ".norm.weight", norm + ".weight", new long[] {outCh});
                take(from + ".norm.bias", norm + ".bias", new long[] {outCh});
            } else {
                float[] one = new float[outCh];
                Arrays.fill(one, 1f);
                out.put(norm + ".weight", new HostTensor(new long[] {outCh}, one));
                out.put(norm + ".bias", new HostTensor(new long[] {outCh}, new float[outCh]));
            }
        }

        void bias(String from, String to, int n, boolean present) {
            if (present) {
                take(from, to, new long[] {n});
            } else {
                out.put(to, new HostTensor(new long[] {n}, new float[n]));
            }
        }

        void take(String from, String to, long[] shape) {
            PickledTensor t = given.get(from);
            if (t == null) {
                throw new InvalidInputException(ckpt.what() + ", key 'network_weights." + from + "': missing; the "
                        + "weights do not fit a " + imported.plan().network().architecture() + " of plans.json's "
                        + "configuration");
            }
            if (!Arrays.equals(t.size(), shape)) {
                throw new InvalidInputException(ckpt.what() + ", key 'network_weights." + from + "': shape "
                        + Arrays.toString(t.size()) + ", plans.json's configuration needs " + Arrays.toString(shape));
            }
            out.put(to, new HostTensor(shape, ckpt.floats(t, from)));
            unused.remove(from);
            read.add(from);
        }
    }
}
