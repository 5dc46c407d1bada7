package org.maskseg.core.nnunet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.io.AtomicFiles;
import org.maskseg.core.io.Json;
import org.maskseg.core.labels.Region;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.model.HostTensor;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.plan.Plan;


/**
 * Writes a MaskSeg model as an nnU-Net v2 results folder of one configuration, which nnU-Net's predictor
 * ({@code nnUNetv2_predict_from_modelfolder}, {@code nnUNetPredictor.initialize_from_trained_model_folder}) and
 * {@link NnUNetImport} read: {@code dataset.json} (channels, labels with an {@code ignore} entry, regions with {@code
 * regions_class_order}, file ending), {@code plans.json} (one configuration: the network as {@code
 * dynamic_network_architectures}' PlainConvUNet or ResidualEncoderUNet with its {@code arch_kwargs}, normalisation
 * schemes, target spacing,
 * patch size, resampling) and per network {@code fold_N/checkpoint_final.pth}, a PyTorch checkpoint with the keys
 * the predictor reads ({@code trainer_name}, {@code init_args.configuration}, {@code
 * inference_allowed_mirroring_axes}, {@code network_weights}). An ensemble writes one fold per network. A model
 * with postprocessing also gets {@code crossval_results_folds_<folds>/postprocessing.pkl}, which {@code
 * nnUNetv2_apply_postprocessing} applies.
 * <p>
 * Weight names are those of {@link NnUNetImport}, in the other direction, plus the second names PyTorch's state dict
 * holds for the same tensors ({@code ...all_modules.0|1.*} and the decoder's {@code decoder.encoder.*}), so that
 * {@code load_state_dict(strict=True)} finds every key; those point to the same storage in the file.
 * <p>
 * The checkpoint holds no optimiser state: nnU-Net predicts with it and fine-tunes from it
 * ({@code -pretrained_weights}), but cannot continue its training ({@code --c}).
 */
public final class NnUNetExport {

    /** Trainer whose network builder the predictor uses: nnU-Net's default. */
    static final String TRAINER = "nnUNetTrainer";
    static final String PLANS_NAME = "nnUNetPlans";

    /** File endings nnU-Net's readers handle, and the reader of each. */
    private static final Map<String, String> READERS = Map.of(".nii.gz", "SimpleITKIO", ".nii", "SimpleITKIO",
            ".png", "NaturalImage2DIO", ".tif", "Tiff3DIO", ".tiff", "Tiff3DIO");

    /**
     * What to write besides the model.
     *
     * @param datasetName nnU-Net's dataset name, {@code DatasetNNN_Name}
     * @param fileEnding  the image file ending the predictor looks for and writes, e.g. {@code .nii.gz}
     */
    public record Options(String datasetName, String fileEnding) {
        /** Defaults: {@code Dataset999_MaskSeg}, {@code .nii.gz}. */
        public static final Options DEFAULTS = new Options("Dataset999_MaskSeg", ".nii.gz");
    }

    /**
     * What was written.
     *
     * @param configuration the configuration's name in plans.json
     * @param folds         the fold folders, e.g. {@code fold_0}
     */
    public record Written(String configuration, List<String> folds) {
    }

    private NnUNetExport() {
    }

    /**
     * Writes the results folder. Everything is checked before anything is written, and the files are moved into
     * place only when all of them are complete.
     *
     * @throws InvalidInputException for a model nnU-Net cannot express, bad options, or a folder that holds folds
     *                               of another model
     */
    public static Written export(TrainedModel model, Path resultsDir, Options options) throws IOException {
        Plan plan = model.plan();
        String architecture = plan.network().architecture();
        if (!Plan.Network.PLAIN_CONV_UNET.equals(architecture)
                && !Plan.Network.RESIDUAL_ENCODER_UNET.equals(architecture)) {
            throw new InvalidInputException("the model's network is a " + architecture + "; only "
                    + Plan.Network.PLAIN_CONV_UNET + " and " + Plan.Network.RESIDUAL_ENCODER_UNET
                    + " models can be exported to nnU-Net");
        }
        if (plan.previousStage() != null) {
            throw new InvalidInputException("the model is a cascade (two stages); nnU-Net keeps each stage of a "
                    + "cascade in its own results folder, which this export does not write");
        }
        String datasetName = options.datasetName() == null ? Options.DEFAULTS.datasetName() : options.datasetName();
        if (!datasetName.matches("Dataset\\d{3}_[A-Za-z0-9_.-]+")) {
            throw new InvalidInputException("dataset name '" + datasetName + "': nnU-Net expects DatasetNNN_Name "
                    + "(three digits, then letters, digits, '_', '-' or '.'), e.g. Dataset123_Nuclei");
        }
        String ending = (options.fileEnding() == null ? Options.DEFAULTS.fileEnding() : options.fileEnding())
                .toLowerCase(Locale.ROOT);
        if (!READERS.containsKey(ending)) {
            throw new InvalidInputException("file ending '" + options.fileEnding() + "': expected one of "
                    + new java.util.TreeSet<>(READERS.keySet()));
        }
        String configuration = configurationName(model);
        Map<String, Object> dataset = datasetJson(plan, ending, model.metadata().trainingCases());
        Map<String, Object> plans = plansJson(plan, datasetName, configuration, ending);

        List<TrainedModel> members = model.members();
        List<Integer> folds = model.folds().size() == members.size() ? model.folds() : range(members.size());
        List<String> foldNames = new ArrayList<>();
        folds.forEach(f -> foldNames.add("fold_" + f));
        checkNoOtherFolds(resultsDir, foldNames);

        List<Integer> axes = model.mirroringAxes() != null ? model.mirroringAxes() : range(plan.spatialDims());
        Map<Path, Path> written = new LinkedHashMap<>();
        boolean done = false;
        try {
            written.put(temporary(resultsDir.resolve("dataset.json"), p -> Json.MAPPER.writeValue(p.toFile(), dataset)),
                    resultsDir.resolve("dataset.json"));
            written.put(temporary(resultsDir.resolve("plans.json"), p -> Json.MAPPER.writeValue(p.toFile(), plans)),
                    resultsDir.resolve("plans.json"));
            for (int i = 0; i < members.size(); i++) {
                TrainedModel member = members.get(i);
                Path target = resultsDir.resolve(foldNames.get(i)).resolve("checkpoint_final.pth");
                int fold = folds.get(i);
                written.put(temporary(target, p -> checkpoint(member, plan, configuration, fold, axes, p)), target);
            }
            if (!model.postprocessing().isNone() && !plan.targets().regionBased()) {
                // where nnU-Net's own cross-validation leaves it, for nnUNetv2_apply_postprocessing -pp_pkl_file
                Path target = resultsDir.resolve("crossval_results_folds_" + String.join("_",
                        folds.stream().map(String::valueOf).toList())).resolve(NnUNetPostprocessing.FILE);
                byte[] pickle = NnUNetPostprocessing.pickle(model.postprocessing(),
                        range(1, plan.targets().numClasses()));
                written.put(temporary(target, p -> Files.write(p, pickle)), target);
            }
            for (Map.Entry<Path, Path> e : written.entrySet()) {
                AtomicFiles.moveIntoPlace(e.getKey(), e.getValue());
            }
            done = true;
        } finally {
            if (!done) {
                for (Path p : written.keySet()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return new Written(configuration, foldNames);
    }

    private static Path temporary(Path target, AtomicFiles.Content content) throws IOException {
        Path t = AtomicFiles.newTemporary(target);
        try {
            content.writeTo(t);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(t);
            throw e;
        }
        return t;
    }

    /** The configuration's name: that of an imported model, else nnU-Net's 2d or 3d_fullres. */
    static String configurationName(TrainedModel model) {
        Object imported = model.metadata().dataset().get("configuration");
        if ("nnU-Net v2".equals(model.metadata().dataset().get("importedFrom")) && imported instanceof String s
                && s.matches("[A-Za-z0-9_.-]+")) {
            return s;
        }
        return model.plan().spatialDims() == 3 ? "3d_fullres" : "2d";
    }

    /** nnU-Net's auto-detected folds would mix stale checkpoints of another export into the ensemble. */
    private static void checkNoOtherFolds(Path resultsDir, List<String> foldNames) {
        if (!Files.isDirectory(resultsDir)) {
            return;
        }
        try (var s = Files.list(resultsDir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith("fold_") && !foldNames.contains(n) && Files.isDirectory(p)) {
                    throw new InvalidInputException("results folder '" + resultsDir + "' already holds '" + n
                            + "', which nnU-Net would ensemble with the exported " + String.join(", ", foldNames)
                            + "; nothing was written: choose an empty folder");
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("results folder '" + resultsDir + "' cannot be listed: " + e.getMessage(),
                    e);
        }
    }

    static Map<String, Object> datasetJson(Plan plan, String ending, int trainingCases) {
        Targets t = plan.targets();
        Map<String, Object> d = new LinkedHashMap<>();
        Map<String, Object> channels = new LinkedHashMap<>();
        for (int c = 0; c < plan.inputChannels(); c++) {
            channels.put(String.valueOf(c), channelName(plan.normalization().schemes().get(c)));
        }
        d.put("channel_names", channels);
        Map<String, Object> labels = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        // nnU-Net's label manager requires the key 'background' with value 0, whatever class 0 is called here
        labels.put("background", 0);
        names.add("background");
        int highest = t.numClasses() - 1;
        if (!t.regionBased()) {
            for (int c = 1; c < t.numClasses(); c++) {
                String name = t.classNames().get(c);
                checkName(name, names, "class " + c);
                labels.put(name, c);
            }
        } else {
            highest = 0;
            List<Integer> order = new ArrayList<>();
            for (Region r : t.regions().regions()) {
                checkName(r.name(), names, "region '" + r.name() + "'");
                if (r.classes().size() < 2) {
                    // nnU-Net treats labels as regions only when some entry lists several classes; a region of
                    // one class would be read as an exclusive class with a softmax instead of a sigmoid
                    throw new InvalidInputException("region '" + r.name() + "' holds the single class "
                            + r.classes() + "; nnU-Net reads single-class label entries as classes, not regions, so "
                            + "this region model cannot be exported (give each region at least two classes)");
                }
                if (r.exportLabel() <= 0) {
                    throw new InvalidInputException("region '" + r.name() + "' has export label " + r.exportLabel()
                            + "; nnU-Net's regions_class_order needs a foreground label for each region");
                }
                labels.put(r.name(), r.classes());
                order.add(r.exportLabel());
                for (int c : r.classes()) {
                    highest = Math.max(highest, c);
                }
            }
            d.put("regions_class_order", order);
        }
        // one above the highest label, as nnU-Net requires: for classes the engine's canonical ignore value; for
        // regions, one above the highest class any region holds
        labels.put("ignore", highest + 1);
        d.put("labels", labels);
        d.put("numTraining", trainingCases);
        d.put("file_ending", ending);
        return d;
    }

    private static void checkName(String name, Set<String> seen, String what) {
        if ("ignore".equals(name) || "background".equals(name)) {
            throw new InvalidInputException(what + " is named '" + name + "', which nnU-Net reserves for "
                    + ("ignore".equals(name) ? "the ignore label" : "class 0") + "; rename it (e.g. with --classes "
                    + "when training)");
        }
        if (!seen.add(name)) {
            throw new InvalidInputException(what + " is named '" + name + "' like another label; dataset.json needs "
                    + "a distinct name per label");
        }
    }

    /** A channel name from which nnU-Net's planner would choose the same normalisation. */
    private static String channelName(String scheme) {
        return switch (scheme) {
            case "ct" -> "CT";
            case "none" -> "noNorm";
            case "rescale_to_0_1" -> "rescale_to_0_1";
            case "rgb_to_0_1" -> "rgb_to_0_1";
            default -> "zscore";
        };
    }

    private static String schemeClass(String scheme) {
        return switch (scheme) {
            case "zscore" -> "ZScoreNormalization";
            case "ct" -> "CTNormalization";
            case "none" -> "NoNormalization";
            case "rescale_to_0_1" -> "RescaleTo01Normalization";
            case "rgb_to_0_1" -> "RGBTo01Normalization";
            default -> throw new InvalidInputException("normalisation '" + scheme + "' has no nnU-Net counterpart");
        };
    }

    static Map<String, Object> plansJson(Plan plan, String datasetName, String configuration, String ending) {
        int dims = plan.spatialDims();
        Plan.Network net = plan.network();
        Map<String, Object> arch = new LinkedHashMap<>();
        arch.put("n_stages", net.numStages());
        arch.put("features_per_stage", ints(net.features()));
        arch.put("conv_op", "torch.nn.modules.conv.Conv" + dims + "d");
        List<Object> kernels = new ArrayList<>();
        List<Object> strides = new ArrayList<>();
        int[][] netKernels = net.kernelSizes();
        int[][] netStrides = net.strides();
        for (int s = 0; s < net.numStages(); s++) {
            kernels.add(reversed(netKernels[s]));
            strides.add(reversed(netStrides[s]));
        }
        arch.put("kernel_sizes", kernels);
        arch.put("strides", strides);
        boolean residual = Plan.Network.RESIDUAL_ENCODER_UNET.equals(net.architecture());
        if (residual) {
            arch.put("n_blocks_per_stage", ints(net.blocksPerStage()));
        } else {
            arch.put("n_conv_per_stage", java.util.Collections.nCopies(net.numStages(), net.convsPerStage()));
        }
        arch.put("n_conv_per_stage_decoder", java.util.Collections.nCopies(net.numStages() - 1, net.convsPerStage()));
        arch.put("conv_bias", true);
        arch.put("norm_op", "torch.nn.modules.instancenorm.InstanceNorm" + dims + "d");
        Map<String, Object> normKwargs = new LinkedHashMap<>();
        normKwargs.put("eps", 1e-5);
        normKwargs.put("affine", true);
        arch.put("norm_op_kwargs", normKwargs);
        arch.put("dropout_op", null);
        arch.put("dropout_op_kwargs", null);
        arch.put("nonlin", "torch.nn.LeakyReLU");
        arch.put("nonlin_kwargs", Map.of("inplace", true));
        Map<String, Object> architecture = new LinkedHashMap<>();
        architecture.put("network_class_name", "dynamic_network_architectures.architectures.unet."
                + (residual ? "ResidualEncoderUNet" : "PlainConvUNet"));
        architecture.put("arch_kwargs", arch);
        architecture.put("_kw_requires_import", List.of("conv_op", "norm_op", "dropout_op", "nonlin"));

        Plan.Normalization n = plan.normalization();
        boolean[] masks = n.useMask();
        List<String> schemes = new ArrayList<>();
        List<Boolean> useMask = new ArrayList<>();
        Map<String, Object> intensities = new LinkedHashMap<>();
        for (int c = 0; c < plan.inputChannels(); c++) {
            String scheme = n.schemes().get(c);
            schemes.add(schemeClass(scheme));
            useMask.add(masks != null && c < masks.length && masks[c]);
            Map<String, Object> props = new LinkedHashMap<>();
            if ("ct".equals(scheme)) {
                // the values CT normalisation uses; the fingerprint's other statistics are not kept in the model
                props.put("mean", n.mean()[c]);
                props.put("std", n.std()[c]);
                props.put("percentile_00_5", n.clipLow()[c]);
                props.put("percentile_99_5", n.clipHigh()[c]);
            }
            intensities.put(String.valueOf(c), props);
        }
        int order = "linear".equals(plan.imageInterpolation()) ? 1 : 3;
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put("data_identifier", PLANS_NAME + "_" + configuration);
        conf.put("preprocessor_name", "DefaultPreprocessor");
        conf.put("batch_size", plan.batchSize());
        conf.put("patch_size", reversed(plan.patchSize()));
        conf.put("median_image_size_in_voxels", reversed(plan.patchSize()));
        conf.put("spacing", reversed(plan.targetSpacing()));
        conf.put("normalization_schemes", schemes);
        conf.put("use_mask_for_norm", useMask);
        conf.put("resampling_fn_data", "resample_data_or_seg_to_shape");
        conf.put("resampling_fn_seg", "resample_data_or_seg_to_shape");
        conf.put("resampling_fn_data_kwargs", resampling(false, order));
        conf.put("resampling_fn_seg_kwargs", resampling(true, 1));
        conf.put("resampling_fn_probabilities", "resample_data_or_seg_to_shape");
        conf.put("resampling_fn_probabilities_kwargs", resampling(false, 1));
        conf.put("architecture", architecture);
        conf.put("batch_dice", plan.batchDice());

        Map<String, Object> p = new LinkedHashMap<>();
        p.put("dataset_name", datasetName);
        p.put("plans_name", PLANS_NAME);
        List<Double> spacing3 = new ArrayList<>();
        if (dims == 2) {
            spacing3.add(1.0);
        }
        spacing3.addAll(reversed(plan.targetSpacing()));
        p.put("original_median_spacing_after_transp", spacing3);
        p.put("original_median_shape_after_transp", dims == 2 ? prepend(1, reversed(plan.patchSize()))
                : reversed(plan.patchSize()));
        p.put("image_reader_writer", READERS.get(ending));
        p.put("transpose_forward", List.of(0, 1, 2));
        p.put("transpose_backward", List.of(0, 1, 2));
        p.put("configurations", Map.of(configuration, conf));
        p.put("experiment_planner_used", "ExperimentPlanner");
        p.put("label_manager", "LabelManager");
        p.put("foreground_intensity_properties_per_channel", intensities);
        return p;
    }

    private static Map<String, Object> resampling(boolean seg, int order) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("is_seg", seg);
        m.put("order", order);
        m.put("order_z", 0);
        m.put("force_separate_z", null);
        return m;
    }

    /** The checkpoint of one network, as nnU-Net's trainer saves it (without optimiser state). */
    private static void checkpoint(TrainedModel member, Plan plan, String configuration, int fold,
            List<Integer> axes, Path file)
            throws IOException {
        TorchCheckpointWriter w = new TorchCheckpointWriter();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("network_weights", new PickleWriter.OrderedDict(stateDict(member.weights(), plan, w)));
        root.put("optimizer_state", null);
        root.put("grad_scaler_state", null);
        // no floating-point number anywhere (PyTorch 1.13 loads none with weights_only=True): the moving-average
        // Dice is left out, and the plans and dataset.json, which nnU-Net's trainer also copies here, are the
        // files next to the fold
        root.put("_best_ema", null);
        root.put("current_epoch", member.metadata().epochsDone());
        Map<String, Object> initArgs = new LinkedHashMap<>();
        initArgs.put("configuration", configuration);
        initArgs.put("fold", fold);
        root.put("init_args", initArgs);
        root.put("trainer_name", TRAINER);
        root.put("inference_allowed_mirroring_axes", new PickleWriter.Tuple(axes));
        w.write(root, file);
    }

    /**
     * The engine's parameters under nnU-Net's state-dict names (see {@link NnUNetImport}), each duplicate name
     * pointing to the same storage.
     */
    static LinkedHashMap<String, Object> stateDict(Map<String, HostTensor> weights, Plan plan,
            TorchCheckpointWriter w) {
        Plan.Network net = plan.network();
        int stages = net.numStages();
        LinkedHashMap<String, Object> sd = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        // encoder (also reachable as decoder.encoder)
        LinkedHashMap<String, Object> encoder = new LinkedHashMap<>();
        if (Plan.Network.RESIDUAL_ENCODER_UNET.equals(net.architecture())) {
            residualEncoder(weights, used, w, encoder, plan);
        } else {
            for (int s = 0; s < stages; s++) {
                for (int j = 0; j < net.convsPerStage(); j++) {
                    block(weights, used, w, encoder, "encoder." + s, j, "encoder.stages." + s + ".0.convs." + j);
                }
            }
        }
        sd.putAll(encoder);
        LinkedHashMap<String, Object> decoder = new LinkedHashMap<>();
        encoder.forEach((k, v) -> decoder.put("decoder." + k, v));
        for (int k = 0; k < stages - 1; k++) {
            int l = stages - 2 - k;
            for (int j = 0; j < net.convsPerStage(); j++) {
                block(weights, used, w, decoder, "decoder." + l, j, "decoder.stages." + k + ".convs." + j);
            }
        }
        for (int k = 0; k < stages - 1; k++) {
            int l = stages - 2 - k;
            put(weights, used, w, decoder, "decoder." + l + ".up.weight", "decoder.transpconvs." + k + ".weight");
            put(weights, used, w, decoder, "decoder." + l + ".up.bias", "decoder.transpconvs." + k + ".bias");
        }
        for (int k = 0; k < stages - 1; k++) {
            int l = stages - 2 - k;
            put(weights, used, w, decoder, "decoder." + l + ".head.weight", "decoder.seg_layers." + k + ".weight");
            put(weights, used, w, decoder, "decoder." + l + ".head.bias", "decoder.seg_layers." + k + ".bias");
        }
        sd.putAll(decoder);
        if (used.size() != weights.size()) {
            List<String> left = new ArrayList<>(weights.keySet());
            left.removeAll(used);
            throw new InvalidInputException("the model's network has parameters a " + net.architecture()
                    + " does not have, e.g. '" + left.get(0) + "'; the model file is damaged or of another network "
                    + "type");
        }
        return sd;
    }

    /**
     * The stem and the residual blocks of a ResidualEncoderUNet, under the names {@link NnUNetImport} reads: the
     * stem's {@code encoder.stem.convs.0}, per block {@code encoder.stages.<s>.blocks.<b>.conv1|conv2} and, where
     * the channels change, the projection {@code ...skip.<i>} (i = 1 behind the average pooling of a strided block,
     * else 0), which has no bias.
     */
    private static void residualEncoder(Map<String, HostTensor> weights, Set<String> used, TorchCheckpointWriter w,
            Map<String, Object> out, Plan plan) {
        Plan.Network net = plan.network();
        block(weights, used, w, out, "encoder.stem", 0, "encoder.stem.convs.0");
        int in = net.features()[0];
        for (int s = 0; s < net.numStages(); s++) {
            int f = net.features()[s];
            for (int b = 0; b < net.blocksPerStage()[s]; b++) {
                String engine = "encoder." + s + ".block" + b;
                String nn = "encoder.stages." + s + ".blocks." + b;
                convNorm(weights, used, w, out, engine + ".conv1", engine + ".norm1", nn + ".conv1", true);
                convNorm(weights, used, w, out, engine + ".conv2", engine + ".norm2", nn + ".conv2", true);
                int blockIn = b == 0 ? in : f;
                if (blockIn != f) {
                    boolean pooled = b == 0 && Arrays.stream(net.strides()[s]).anyMatch(v -> v != 1);
                    convNorm(weights, used, w, out, engine + ".skip.conv", engine + ".skip.norm",
                            nn + ".skip." + (pooled ? 1 : 0), false);
                }
            }
            in = f;
        }
    }

    private static void block(Map<String, HostTensor> weights, Set<String> used, TorchCheckpointWriter w,
            Map<String, Object> out, String engine, int j, String nn) {
        convNorm(weights, used, w, out, engine + ".conv" + j, engine + ".norm" + j, nn, true);
    }

    /** A convolution and its norm under {@code <nn>.conv|norm.*}, and again under {@code <nn>.all_modules.0|1.*}. */
    private static void convNorm(Map<String, HostTensor> weights, Set<String> used, TorchCheckpointWriter w,
            Map<String, Object> out, String engineConv, String engineNorm, String nn, boolean withBias) {
        Object cw = put(weights, used, w, out, engineConv + ".weight", nn + ".conv.weight");
        Object cb = withBias ? put(weights, used, w, out, engineConv + ".bias", nn + ".conv.bias") : null;
        Object nw = put(weights, used, w, out, engineNorm + ".weight", nn + ".norm.weight");
        Object nb = put(weights, used, w, out, engineNorm + ".bias", nn + ".norm.bias");
        // the same modules again through the block's all_modules sequence (conv, norm, nonlinearity)
        out.put(nn + ".all_modules.0.weight", cw);
        if (withBias) {
            out.put(nn + ".all_modules.0.bias", cb);
        }
        out.put(nn + ".all_modules.1.weight", nw);
        out.put(nn + ".all_modules.1.bias", nb);
    }

    private static Object put(Map<String, HostTensor> weights, Set<String> used, TorchCheckpointWriter w,
            Map<String, Object> out, String engine, String nn) {
        HostTensor t = weights.get(engine);
        if (t == null) {
            throw new InvalidInputException("the model's network has no parameter '" + engine + "' of the "
                    + "network its plan describes; the model file is damaged or of another network type");
        }
        used.add(engine);
        Object tensor = w.tensor(t.data(), t.shape());
        out.put(nn, tensor);
        return tensor;
    }

    private static List<Integer> ints(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int v : a) {
            l.add(v);
        }
        return l;
    }

    private static List<Integer> reversed(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int i = a.length - 1; i >= 0; i--) {
            l.add(a[i]);
        }
        return l;
    }

    private static List<Double> reversed(double[] a) {
        List<Double> l = new ArrayList<>();
        for (int i = a.length - 1; i >= 0; i--) {
            l.add(a[i]);
        }
        return l;
    }

    private static List<Integer> prepend(int v, List<Integer> l) {
        List<Integer> r = new ArrayList<>();
        r.add(v);
        r.addAll(l);
        return r;
    }

    private static List<Integer> range(int n) {
        return range(0, n);
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> l = new ArrayList<>();
        for (int i = from; i < to; i++) {
            l.add(i);
        }
        return l;
    }
}
