package org.maskseg.core.nnunet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Region;
import org.maskseg.core.labels.RegionSet;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.model.HostTensor;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.model.TrainingMetadata;
import org.maskseg.core.nn.SegmentationNetwork;
import org.maskseg.core.nn.UNet;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.postprocess.Postprocessing;

import com.fasterxml.jackson.databind.JsonNode;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * MaskSeg models written as nnU-Net v2 results folders: read back by the import with the same weights and logits,
 * and by PyTorch (as nnU-Net's predictor loads them) with the same logits. The PyTorch part is skipped when Python
 * with PyTorch is missing (see {@link TorchModels}).
 */
class NnUNetExportTest {

    private static NDManager manager;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        manager = TorchRuntime.newManager(Device.cpu());
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** 2D, two channels (z-score, CT), anisotropic kernels and strides so that an axis mix-up shows. */
    private static Plan plan2d() {
        return Plan.builder()
                .configuration("2d")
                .inputChannels(2)
                .targets(Targets.classes(new LabelSpec(3, 255, List.of("background", "cell", "edge"))))
                .patchSize(24, 16)
                .targetSpacing(0.25, 0.5)
                .network(n -> n.numStages(3)
                        .features(4, 8, 12)
                        .strides(new int[][] {{1, 1}, {1, 2}, {2, 2}})
                        .kernelSizes(new int[][] {{3, 3}, {3, 1}, {3, 3}}))
                .normalization(n -> n.schemes(new ArrayList<>(List.of("zscore", "ct")))
                        .useMask(true, false)
                        .clipLow(0, -500)
                        .clipHigh(0, 700)
                        .mean(0, 120)
                        .std(1, 250))
                .build();
    }

    private static Plan plan3d() {
        return Plan.builder()
                .configuration("3d")
                .inputChannels(1)
                .targets(Targets.classes(LabelSpec.withDefaultIgnore(3)))
                .patchSize(16, 16, 8)
                .targetSpacing(0.7, 0.8, 3.0)
                .batchDice(true)
                .network(n -> n.numStages(3)
                        .features(4, 6, 8)
                        .strides(new int[][] {{1, 1, 1}, {2, 2, 1}, {2, 1, 2}})
                        .kernelSizes(new int[][] {{3, 3, 1}, {1, 3, 3}, {3, 3, 3}}))
                .normalization(n -> n.schemes(new ArrayList<>(List.of("none")))
                        .useMask(new boolean[1])
                        .clipLow(new double[1])
                        .clipHigh(new double[1])
                        .mean(new double[1])
                        .std(1))
                .build();
    }

    /**
     * The plan with a residual encoder of 1, 2 and 2 blocks per stage and one decoder convolution per stage, as
     * nnU-Net's ResEnc planners lay it out.
     */
    private static Plan residual(Plan plain, int... features) {
        return plain.toBuilder().network(n -> n.architecture(Plan.Network.RESIDUAL_ENCODER_UNET)
                .features(features).blocksPerStage(1, 2, 2).convsPerStage(1)).build();
    }

    /** A model of the plan with every parameter random (norm scales near 1), so that no mapping hides behind 0. */
    private static TrainedModel model(Plan plan, long seed) {
        Map<String, HostTensor> shapes;
        try (NDManager m = manager.newSubManager(); UNet net = UNet.build(m, plan, seed)) {
            shapes = TrainedModel.toHost(net.parameters());
        }
        Random r = new Random(seed);
        LinkedHashMap<String, HostTensor> weights = new LinkedHashMap<>();
        shapes.forEach((name, t) -> {
            float[] v = new float[t.data().length];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((name.contains(".norm") && name.endsWith(".weight") ? 1 : 0) + 0.3 * r.nextGaussian());
            }
            weights.put(name, new HostTensor(t.shape(), v));
        });
        TrainingMetadata meta = new TrainingMetadata(12, 12, 5, null, 0.5, 0.625, 11, "best", "epochs", seed, 3,
                "2026-01-01T00:00:00Z", "cpu()", 7, 2, null);
        return new TrainedModel(plan, meta, weights);
    }

    private static float[] input(long[] shape, long seed) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        Random r = new Random(seed);
        float[] x = new float[(int) n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (3 * r.nextGaussian() + 1);
        }
        return x;
    }

    private static float[] logits(TrainedModel model, float[] x, long[] shape) {
        try (NDManager m = manager.newSubManager(); SegmentationNetwork net = model.instantiate(m)) {
            return net.forward(m.create(x, new Shape(shape)), false).singletonOrThrow().toFloatArray();
        }
    }

    /** PyTorch's logits equal the engine's within 1e-4. */
    private static void assertSameLogits(float[] ours, float[] torch) {
        assertEquals(ours.length, torch.length);
        for (int i = 0; i < ours.length; i++) {
            assertEquals(torch[i], ours[i], 1e-4);
        }
    }

    private static void writeFloats(Path file, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        Files.write(file, b.array());
    }

    @Test
    void twoDimensionalModelComesBackWithItsWeightsAndPyTorchComputesItsLogits() throws Exception {
        Plan plan = plan2d();
        TrainedModel model = model(plan, 11);
        Path results = tmp.resolve("Dataset042_Cells").resolve("nnUNetTrainer__nnUNetPlans__2d");
        NnUNetExport.Written w = NnUNetExport.export(model, results,
                new NnUNetExport.Options("Dataset042_Cells", ".png"));
        assertEquals("2d", w.configuration());
        assertEquals(List.of("fold_0"), w.folds());

        JsonNode dataset = NnUNetPlans.readJson(results.resolve("dataset.json"));
        assertEquals("{\"background\":0,\"cell\":1,\"edge\":2,\"ignore\":3}", dataset.get("labels").toString());
        assertEquals("{\"0\":\"zscore\",\"1\":\"CT\"}", dataset.get("channel_names").toString());
        assertEquals(".png", dataset.get("file_ending").asText());
        assertEquals(7, dataset.get("numTraining").asInt());
        JsonNode plans = NnUNetPlans.readJson(results.resolve("plans.json"));
        assertEquals("Dataset042_Cells", plans.get("dataset_name").asText());
        assertEquals("NaturalImage2DIO", plans.get("image_reader_writer").asText());
        JsonNode conf = plans.get("configurations").get("2d");
        // nnU-Net lists (y, x)
        assertEquals("[16,24]", conf.get("patch_size").toString());
        assertEquals("[0.5,0.25]", conf.get("spacing").toString());
        assertEquals("[[1,1],[2,1],[2,2]]", conf.at("/architecture/arch_kwargs/strides").toString());
        assertEquals("[[3,3],[1,3],[3,3]]", conf.at("/architecture/arch_kwargs/kernel_sizes").toString());
        assertEquals("[\"ZScoreNormalization\",\"CTNormalization\"]", conf.get("normalization_schemes").toString());
        assertEquals("[true,false]", conf.get("use_mask_for_norm").toString());
        assertEquals(-500, plans.at("/foreground_intensity_properties_per_channel/1/percentile_00_5").asDouble(), 0);
        assertEquals(250, plans.at("/foreground_intensity_properties_per_channel/1/std").asDouble(), 0);

        TrainedModel back = NnUNetImport.importModel(results, List.of(), NnUNetImport.Checkpoint.FINAL);
        assertTrue(back.sameWeightsAs(model));
        Plan bp = back.plan();
        assertArrayEquals(plan.patchSize(), bp.patchSize());
        assertArrayEquals(plan.targetSpacing(), bp.targetSpacing());
        assertArrayEquals(plan.network().strides(), bp.network().strides());
        assertArrayEquals(plan.network().kernelSizes(), bp.network().kernelSizes());
        assertArrayEquals(plan.network().features(), bp.network().features());
        assertEquals(plan.normalization().schemes(), bp.normalization().schemes());
        assertArrayEquals(plan.normalization().useMask(), bp.normalization().useMask());
        assertArrayEquals(plan.normalization().clipHigh(), bp.normalization().clipHigh());
        assertEquals(List.of("background", "cell", "edge"), back.labels().classNames());
        assertEquals(List.of(0, 1), back.mirroringAxes());
        assertEquals(12, back.metadata().epochsDone());
        // no floating-point values in the checkpoint (see NnUNetExport)
        assertTrue(Double.isNaN(back.metadata().bestEmaPseudoDice()));

        long[] shape = {2, 2, 20, 12};
        float[] x = input(shape, 5);
        float[] ours = logits(model, x, shape);
        assertArrayEquals(ours, logits(back, x, shape));

        writeFloats(results.resolve("input.bin"), x);
        String facts = TorchModels.checkExport(tmp, results, "0", shape);
        JsonNode f = NnUNetPlans.JSON.readTree(facts);
        assertEquals("2d", f.get("configuration").asText());
        assertEquals(3, f.get("heads").asInt());
        assertEquals("[0,1]", f.get("axes").toString());
        // every block's 4 tensors again under all_modules (3 encoder and 2 decoder stages of 2 blocks), and the
        // encoder's 2 * 4 * 2 * 3 names again under decoder.encoder
        assertEquals(model.weights().size() + 4 * 2 * (3 + 2) + 2 * 4 * 2 * 3, f.get("keys").asInt());
        assertSameLogits(ours, TorchModels.floats(results.resolve("torch_logits_0.bin")));
    }

    @Test
    void residualEncoderModelsComeBackWithTheirWeightsAndPyTorchComputesTheirLogits() throws Exception {
        // 2D: features 4, 4, 8 (the first stage keeps the stem's channels, the last changes them while strided);
        // 3D: 4, 6, 6 (the last stage is strided without changing channels: pooling alone)
        Plan[] plans = {residual(plan2d(), 4, 4, 8), residual(plan3d(), 4, 6, 6)};
        long[][] shapes = {{2, 2, 20, 12}, {1, 1, 6, 10, 12}};
        for (int d = 0; d < 2; d++) {
            Plan plan = plans[d];
            TrainedModel model = model(plan, 21 + d);
            Path results = tmp.resolve("resenc" + d);
            NnUNetExport.Written w = NnUNetExport.export(model, results, NnUNetExport.Options.DEFAULTS);
            JsonNode arch = NnUNetPlans.readJson(results.resolve("plans.json"))
                    .at("/configurations/" + w.configuration() + "/architecture");
            assertEquals("dynamic_network_architectures.architectures.unet.ResidualEncoderUNet",
                    arch.get("network_class_name").asText());
            assertEquals("[1,2,2]", arch.at("/arch_kwargs/n_blocks_per_stage").toString());
            assertEquals("[1,1]", arch.at("/arch_kwargs/n_conv_per_stage_decoder").toString());
            assertTrue(arch.at("/arch_kwargs/n_conv_per_stage").isMissingNode());

            TrainedModel back = NnUNetImport.importModel(results, List.of(), NnUNetImport.Checkpoint.FINAL);
            assertTrue(back.sameWeightsAs(model));
            assertEquals(Plan.Network.RESIDUAL_ENCODER_UNET, back.plan().network().architecture());
            assertArrayEquals(new int[] {1, 2, 2}, back.plan().network().blocksPerStage());

            long[] shape = shapes[d];
            float[] x = input(shape, 7 + d);
            float[] ours = logits(model, x, shape);
            assertArrayEquals(ours, logits(back, x, shape));
            writeFloats(results.resolve("input.bin"), x);
            JsonNode f = NnUNetPlans.JSON.readTree(TorchModels.checkExport(tmp, results, "0", shape));
            assertEquals(w.configuration(), f.get("configuration").asText());
            assertSameLogits(ours, TorchModels.floats(results.resolve("torch_logits_0.bin")));
        }
    }

    @Test
    void postprocessingTravelsAsNnUNetsOwnFile() throws Exception {
        TrainedModel model = model(plan2d(), 3).withPostprocessing(new Postprocessing(true, List.of(2)));
        Path results = tmp.resolve("postprocessed");
        NnUNetExport.export(model, results, NnUNetExport.Options.DEFAULTS);
        assertTrue(Files.isRegularFile(results.resolve("crossval_results_folds_0").resolve("postprocessing.pkl")));
        assertEquals(model.postprocessing(),
                NnUNetImport.importModel(results, List.of(), NnUNetImport.Checkpoint.FINAL).postprocessing());
        assertEquals(Postprocessing.NONE, NnUNetImport.importModel(results, List.of(), NnUNetImport.Checkpoint.FINAL,
                NnUNetImport.PostprocessingSource.NONE).postprocessing());
        // without postprocessing, no file
        Path plain = tmp.resolve("plain");
        NnUNetExport.export(model(plan2d(), 3), plain, NnUNetExport.Options.DEFAULTS);
        assertFalse(Files.exists(plain.resolve("crossval_results_folds_0")));
    }

    @Test
    void ensembleOfThreeDimensionalNetworksBecomesFoldsThatPyTorchLoads() throws Exception {
        Plan plan = plan3d();
        TrainedModel ensemble = TrainedModel.ensemble(List.of(model(plan, 1).withFold(0), model(plan, 2).withFold(3)));
        Path results = tmp.resolve("results3d");
        NnUNetExport.Written w = NnUNetExport.export(ensemble, results, NnUNetExport.Options.DEFAULTS);
        assertEquals("3d_fullres", w.configuration());
        assertEquals(List.of("fold_0", "fold_3"), w.folds());
        assertEquals(List.of("0", "3"), NnUNetImport.availableFolds(results, NnUNetImport.Checkpoint.FINAL));
        JsonNode plans = NnUNetPlans.readJson(results.resolve("plans.json"));
        assertEquals("Dataset999_MaskSeg", plans.get("dataset_name").asText());
        assertEquals("SimpleITKIO", plans.get("image_reader_writer").asText());
        assertEquals("[3.0,0.8,0.7]", plans.at("/configurations/3d_fullres/spacing").toString());
        assertTrue(plans.at("/configurations/3d_fullres/batch_dice").asBoolean());

        TrainedModel back = NnUNetImport.importModel(results, List.of(), NnUNetImport.Checkpoint.FINAL);
        assertEquals(List.of(0, 3), back.folds());
        for (int k = 0; k < 2; k++) {
            assertTrue(back.members().get(k).sameWeightsAs(ensemble.members().get(k)));
        }

        long[] shape = {1, 1, 6, 10, 12};
        float[] x = input(shape, 9);
        writeFloats(results.resolve("input.bin"), x);
        for (int k = 0; k < 2; k++) {
            String fold = String.valueOf(ensemble.folds().get(k));
            JsonNode f = NnUNetPlans.JSON.readTree(TorchModels.checkExport(tmp, results, fold, shape));
            assertEquals("3d_fullres", f.get("configuration").asText());
            assertEquals("[0,1,2]", f.get("axes").toString());
            assertSameLogits(logits(ensemble.members().get(k), x, shape),
                    TorchModels.floats(results.resolve("torch_logits_" + fold + ".bin")));
        }
    }

    @Test
    void regionModelKeepsItsRegionsAndExportLabels() throws Exception {
        List<Region> regions = List.of(new Region("whole", List.of(1, 2, 3), 1), new Region("core", List.of(2, 3), 2));
        Plan plan = plan3d().toBuilder()
                .targets(Targets.of(LabelSpec.withDefaultIgnore(4), RegionSet.of(regions, 4), false))
                .build();
        TrainedModel model = model(plan, 4);
        Path results = tmp.resolve("regions");
        NnUNetExport.export(model, results, NnUNetExport.Options.DEFAULTS);
        JsonNode dataset = NnUNetPlans.readJson(results.resolve("dataset.json"));
        assertEquals("{\"background\":0,\"whole\":[1,2,3],\"core\":[2,3],\"ignore\":4}",
                dataset.get("labels").toString());
        assertEquals("[1,2]", dataset.get("regions_class_order").toString());
        TrainedModel back = NnUNetImport.importModel(results, List.of(), NnUNetImport.Checkpoint.FINAL);
        assertEquals(regions, back.regions().regions());
        assertTrue(back.sameWeightsAs(model));

        // nnU-Net's label manager counts one output per region
        long[] shape = {1, 1, 6, 10, 12};
        float[] x = input(shape, 2);
        writeFloats(results.resolve("input.bin"), x);
        JsonNode f = NnUNetPlans.JSON.readTree(TorchModels.checkExport(tmp, results, "0", shape));
        assertTrue(f.get("regions").asBoolean());
        assertEquals(2, f.get("heads").asInt());
        float[] ours = logits(model, x, shape);
        assertSameLogits(ours, TorchModels.floats(results.resolve("torch_logits_0.bin")));
    }

    @Test
    void labelsFollowNnUNetsRules() throws Exception {
        // class 0 is 'background' in nnU-Net whatever its name here
        Plan named = plan2d().toBuilder()
                .targets(Targets.classes(new LabelSpec(3, 255, List.of("bg", "cell", "edge"))))
                .build();
        Map<String, Object> d = NnUNetExport.datasetJson(named, ".png", 0);
        assertEquals("{background=0, cell=1, edge=2, ignore=3}", d.get("labels").toString());
        // regions: the ignore value lies one above the highest class of any region, here 3, not above class 4
        Plan regions = plan3d().toBuilder()
                .targets(Targets.of(LabelSpec.withDefaultIgnore(5), RegionSet.of(List.of(
                        new Region("a", List.of(1, 2), 1), new Region("b", List.of(2, 3), 3)), 5), false))
                .build();
        d = NnUNetExport.datasetJson(regions, ".nii.gz", 0);
        assertEquals("{background=0, a=[1, 2], b=[2, 3], ignore=4}", d.get("labels").toString());
        assertEquals(List.of(1, 3), d.get("regions_class_order"));
    }

    @Test
    void whatNnUNetCannotExpressIsRefusedAndNothingIsWritten() throws Exception {
        Plan single = plan3d().toBuilder()
                .targets(Targets.of(LabelSpec.withDefaultIgnore(3), RegionSet.of(List.of(
                        new Region("a", List.of(1, 2), 1), new Region("b", List.of(2), 2)), 3), false))
                .build();
        Path out = tmp.resolve("refused");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> NnUNetExport.export(model(single, 1), out, NnUNetExport.Options.DEFAULTS));
        assertTrue(e.getMessage().contains("region 'b' holds the single class [2]"), e.getMessage());

        Plan named = plan2d().toBuilder()
                .targets(Targets.classes(new LabelSpec(3, 255, List.of("background", "ignore", "edge"))))
                .build();
        e = assertThrows(InvalidInputException.class,
                () -> NnUNetExport.export(model(named, 1), out, NnUNetExport.Options.DEFAULTS));
        assertTrue(e.getMessage().startsWith("class 1 is named 'ignore'"), e.getMessage());

        Plan second = plan2d().toBuilder()
                .targets(Targets.classes(new LabelSpec(3, 255, List.of("bg", "cell", "background"))))
                .build();
        e = assertThrows(InvalidInputException.class,
                () -> NnUNetExport.export(model(second, 1), out, NnUNetExport.Options.DEFAULTS));
        assertTrue(e.getMessage().startsWith("class 2 is named 'background', which nnU-Net reserves for class 0"),
                e.getMessage());

        TrainedModel ok = model(plan2d(), 1);
        e = assertThrows(InvalidInputException.class,
                () -> NnUNetExport.export(ok, out, new NnUNetExport.Options("Task01_Cells", ".png")));
        assertTrue(e.getMessage().contains("DatasetNNN_Name"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> NnUNetExport.export(ok, out, new NnUNetExport.Options("Dataset001_Cells", ".nrrd")));
        assertTrue(e.getMessage().startsWith("file ending '.nrrd'"), e.getMessage());
        assertFalse(Files.exists(out));

        // a damaged second network: the files of the first are not left behind
        Map<String, HostTensor> damaged = new LinkedHashMap<>(model(plan2d(), 2).weights());
        damaged.remove("decoder.0.head.bias");
        TrainedModel broken = new TrainedModel(plan2d(), ok.metadata(), damaged);
        Path partial = tmp.resolve("partial");
        e = assertThrows(InvalidInputException.class, () -> NnUNetExport.export(
                TrainedModel.ensemble(List.of(ok.withFold(0), broken.withFold(1))), partial,
                NnUNetExport.Options.DEFAULTS));
        assertTrue(e.getMessage().contains("'decoder.0.head.bias'"), e.getMessage());
        try (var files = Files.walk(partial)) {
            assertEquals(List.of(), files.filter(Files::isRegularFile).toList());
        }

        // a folder holding another fold: nnU-Net would mix it into the ensemble
        Files.createDirectories(out.resolve("fold_4"));
        e = assertThrows(InvalidInputException.class, () -> NnUNetExport.export(ok, out, NnUNetExport.Options.DEFAULTS));
        assertTrue(e.getMessage().contains("already holds 'fold_4'"), e.getMessage());
        try (var s = Files.list(out)) {
            assertEquals(List.of(out.resolve("fold_4")), s.toList());
        }
    }

    @Test
    void storagesStartAtMultiplesOfSixtyFour() throws Exception {
        Path results = tmp.resolve("aligned");
        NnUNetExport.export(model(plan2d(), 3), results, NnUNetExport.Options.DEFAULTS);
        byte[] zip = Files.readAllBytes(results.resolve("fold_0").resolve("checkpoint_final.pth"));
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int entries = 0;
        int pos = 0;
        // walk the local headers: signature, ..., sizes at 18, name length at 26, extra length at 28
        while (b.getInt(pos) == 0x04034b50) {
            int size = b.getInt(pos + 18);
            int nameLength = b.getShort(pos + 26) & 0xFFFF;
            int extraLength = b.getShort(pos + 28) & 0xFFFF;
            String name = new String(zip, pos + 30, nameLength, java.nio.charset.StandardCharsets.UTF_8);
            int data = pos + 30 + nameLength + extraLength;
            assertEquals(0, data % 64, name);
            assertTrue(name.startsWith("archive/"), name);
            pos = data + size;
            entries++;
        }
        // data.pkl, byteorder, version and one storage per engine parameter
        assertEquals(3 + model(plan2d(), 3).weights().size(), entries);
    }
}
