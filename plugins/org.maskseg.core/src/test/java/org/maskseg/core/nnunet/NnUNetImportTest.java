package org.maskseg.core.nnunet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.nn.SegmentationNetwork;
import org.maskseg.core.plan.Plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Models written by PyTorch in nnU-Net's layout, imported and run by the engine: the logits must equal
 * PyTorch's. Skipped when Python with PyTorch is missing (see {@link TorchModels}).
 */
class NnUNetImportTest {

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

    @Test
    void twoDimensionalModelWithEarlyPlansLayoutGivesPyTorchsLogits() throws Exception {
        Path results = TorchModels.write(tmp, "2d", "old");
        TrainedModel model = NnUNetImport.importModel(results, List.of(), NnUNetImport.Checkpoint.FINAL);

        Plan plan = model.plan();
        assertEquals("2d", plan.configuration());
        assertEquals(2, plan.inputChannels());
        assertEquals(List.of("background", "cell", "edge"), model.labels().classNames());
        assertEquals(3, model.labels().ignoreValue());
        // nnU-Net lists (y, x); the plan x first
        assertArrayEquals(new int[] {24, 16}, plan.patchSize());
        assertArrayEquals(new double[] {0.25, 0.5}, plan.targetSpacing());
        assertArrayEquals(new int[] {4, 8, 12}, plan.network().features());
        assertArrayEquals(new int[][] {{1, 1}, {1, 2}, {2, 2}}, plan.network().strides());
        assertArrayEquals(new int[][] {{3, 3}, {3, 1}, {3, 3}}, plan.network().kernelSizes());
        assertEquals(2, plan.network().convsPerStage());
        assertEquals(List.of("zscore", "ct"), plan.normalization().schemes());
        assertArrayEquals(new double[] {0, -500}, plan.normalization().clipLow());
        assertArrayEquals(new double[] {0, 700}, plan.normalization().clipHigh());
        assertArrayEquals(new double[] {0, 120}, plan.normalization().mean());
        assertArrayEquals(new double[] {1, 250}, plan.normalization().std());
        Map<String, Object> source = model.metadata().dataset();
        assertEquals("nnUNetTrainer", source.get("trainer"));
        assertEquals("2d", source.get("configuration"));
        assertEquals(List.of(0, 1), source.get("mirroringAxes"));
        assertEquals(List.of(0, 1), model.mirroringAxes());
        assertEquals(2, model.metadata().epochsDone());
        assertEquals(0.5125, model.metadata().bestEmaPseudoDice(), 0);

        assertSameLogits(results, model);
    }

    @Test
    void threeDimensionalModelGivesPyTorchsLogits() throws Exception {
        Path results = TorchModels.write(tmp, "3d", "new");
        TrainedModel model = NnUNetImport.importModel(results, List.of("0"), NnUNetImport.Checkpoint.FINAL);
        Plan plan = model.plan();
        assertEquals("3d", plan.configuration());
        assertArrayEquals(new int[] {16, 16, 8}, plan.patchSize());
        assertArrayEquals(new double[] {0.7, 0.8, 3.0}, plan.targetSpacing());
        assertArrayEquals(new int[][] {{1, 1, 1}, {2, 2, 1}, {2, 1, 2}}, plan.network().strides());
        assertArrayEquals(new int[][] {{3, 3, 1}, {1, 3, 3}, {3, 3, 3}}, plan.network().kernelSizes());
        assertTrue(plan.batchDice());

        assertSameLogits(results, model);

        // the model file keeps it all
        Path file = tmp.resolve("imported.zip");
        model.save(file);
        TrainedModel again = TrainedModel.load(file);
        assertTrue(again.sameWeightsAs(model));
        assertEquals("nnU-Net v2", again.metadata().dataset().get("importedFrom"));
        // and keeps cutting images to their non-zero box, as nnU-Net's preprocessing does
        assertTrue(plan.cropToNonZero());
        assertTrue(again.plan().cropToNonZero());
    }

    @Test
    void twoDimensionalResidualEncoderModelGivesPyTorchsLogits() throws Exception {
        Path results = TorchModels.write(tmp, "2d", "resenc");
        TrainedModel model = NnUNetImport.importModel(results, List.of(), NnUNetImport.Checkpoint.FINAL);
        Plan plan = model.plan();
        assertEquals(Plan.Network.RESIDUAL_ENCODER_UNET, plan.network().architecture());
        assertArrayEquals(new int[] {1, 2, 2, 1}, plan.network().blocksPerStage());
        assertEquals(1, plan.network().convsPerStage());
        assertArrayEquals(new int[] {4, 8, 12, 12}, plan.network().features());
        // nnU-Net lists (y, x); the plan x first
        assertArrayEquals(new int[][] {{1, 1}, {1, 2}, {1, 1}, {2, 2}}, plan.network().strides());
        // the stage that only changes channels has a 1x1 projection without pooling, the last one pooling only
        assertTrue(model.weights().containsKey("encoder.2.block0.skip.conv.weight"));
        assertTrue(model.weights().containsKey("encoder.1.block0.skip.conv.weight"));
        assertFalse(model.weights().containsKey("encoder.3.block0.skip.conv.weight"));
        assertFalse(model.weights().containsKey("encoder.1.block0.skip.conv.bias"));

        assertSameLogits(results, model);
    }

    @Test
    void threeDimensionalResidualEncoderModelGivesPyTorchsLogitsAndKeepsItsArchitectureInTheModelFile()
            throws Exception {
        Path results = TorchModels.write(tmp, "3d", "resenc");
        TrainedModel model = NnUNetImport.importModel(results, List.of("0"), NnUNetImport.Checkpoint.FINAL);
        assertEquals("3d", model.plan().configuration());
        assertArrayEquals(new int[] {1, 2, 2}, model.plan().network().blocksPerStage());
        assertSameLogits(results, model);

        Path file = tmp.resolve("resenc.zip");
        model.save(file);
        TrainedModel again = TrainedModel.load(file);
        assertTrue(again.sameWeightsAs(model));
        assertEquals(Plan.Network.RESIDUAL_ENCODER_UNET, again.plan().network().architecture());
        assertSameLogits(results, again);

        // back to nnU-Net: the exported folder imports with the same weights, and PyTorch loads it (strict names)
        // and computes the logits of the original checkpoint
        Path export = tmp.resolve("exported");
        NnUNetExport.export(again, export, NnUNetExport.Options.DEFAULTS);
        assertTrue(NnUNetImport.importModel(export, List.of(), NnUNetImport.Checkpoint.FINAL).sameWeightsAs(model));
        Files.copy(results.resolve("input.bin"), export.resolve("input.bin"));
        JsonNode io = NnUNetPlans.JSON.readTree(results.resolve("io.json").toFile());
        TorchModels.checkExport(tmp, export, "0", longs(io.get("input")));
        float[] expected = TorchModels.floats(results.resolve("logits.bin"));
        float[] exported = TorchModels.floats(export.resolve("torch_logits_0.bin"));
        assertEquals(expected.length, exported.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], exported[i], 1e-4);
        }
    }

    @Test
    void foldsFormAnEnsembleThatAveragesTheirLogits() throws Exception {
        Path results = TorchModels.write(tmp, "2d", "new", 2, 3);
        assertEquals(List.of("0", "1", "2"), NnUNetImport.availableFolds(results, NnUNetImport.Checkpoint.FINAL));
        TrainedModel ensemble = NnUNetImport.importModel(results, List.of(), NnUNetImport.Checkpoint.FINAL);
        assertEquals(3, ensemble.members().size());
        assertEquals(List.of(0, 1, 2), ensemble.folds());
        TrainedModel one = NnUNetImport.importModel(results, List.of("1"), NnUNetImport.Checkpoint.FINAL);
        assertEquals(1, one.members().size());
        assertTrue(one.sameWeightsAs(ensemble.members().get(1)));

        // the mean of the folds' logits is PyTorch's mean of the three networks' logits
        JsonNode io = NnUNetPlans.JSON.readTree(results.resolve("io.json").toFile());
        float[] input = TorchModels.floats(results.resolve("input.bin"));
        float[] expected = TorchModels.floats(results.resolve("logits.bin"));
        float[] mean = new float[expected.length];
        try (NDManager m = manager.newSubManager()) {
            for (TrainedModel member : ensemble.members()) {
                try (SegmentationNetwork net = member.instantiate(m)) {
                    float[] y = net.forward(m.create(input, new Shape(longs(io.get("input")))), false)
                            .singletonOrThrow().toFloatArray();
                    for (int i = 0; i < y.length; i++) {
                        mean[i] += y[i] / 3;
                    }
                }
            }
        }
        for (int i = 0; i < mean.length; i++) {
            assertEquals(expected[i], mean[i], 1e-4);
        }

        // the model file keeps the members
        Path file = tmp.resolve("ensemble.zip");
        ensemble.save(file);
        assertEquals(3, TrainedModel.load(file).members().size());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> NnUNetImport.importModel(results, List.of("0", "0"), NnUNetImport.Checkpoint.FINAL));
        assertTrue(e.getMessage().contains("listed twice"), e.getMessage());
    }

    @Test
    void wrongShapesAndUnknownArchitecturesAreNamedByFileAndKey() throws Exception {
        Path results = TorchModels.write(tmp, "2d", "new");
        Path plans = results.resolve("plans.json");
        ObjectNode p = (ObjectNode) NnUNetPlans.JSON.readTree(plans.toFile());
        ObjectNode kwargs = (ObjectNode) p.at("/configurations/2d/architecture/arch_kwargs");
        kwargs.putArray("features_per_stage").add(4).add(8).add(16);
        Files.writeString(plans, p.toString());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> NnUNetImport.importModel(results, List.of(), NnUNetImport.Checkpoint.FINAL));
        assertTrue(e.getMessage().contains("network_weights.encoder.stages.2.0.convs.0.conv.weight"), e.getMessage());

        ((ObjectNode) p.at("/configurations/2d/architecture")).put("network_class_name",
                "dynamic_network_architectures.architectures.unet.ResidualUNet");
        Files.writeString(plans, p.toString());
        e = assertThrows(InvalidInputException.class,
                () -> NnUNetImport.importModel(results, List.of(), NnUNetImport.Checkpoint.FINAL));
        assertTrue(e.getMessage().contains("plans.json', key 'configurations.2d.architecture.network_class_name'"),
                e.getMessage());

        e = assertThrows(InvalidInputException.class,
                () -> NnUNetImport.importModel(results, List.of(), NnUNetImport.Checkpoint.BEST));
        assertTrue(e.getMessage().contains("checkpoint_best.pth"), e.getMessage());
    }

    private static void assertSameLogits(Path results, TrainedModel model) throws Exception {
        JsonNode io = NnUNetPlans.JSON.readTree(results.resolve("io.json").toFile());
        long[] inShape = longs(io.get("input"));
        long[] outShape = longs(io.get("logits"));
        float[] input = TorchModels.floats(results.resolve("input.bin"));
        float[] expected = TorchModels.floats(results.resolve("logits.bin"));
        try (NDManager m = manager.newSubManager(); SegmentationNetwork net = model.instantiate(m)) {
            NDArray x = m.create(input, new Shape(inShape));
            NDArray y = net.forward(x, false).singletonOrThrow();
            assertEquals(new Shape(outShape), y.getShape());
            float[] actual = y.toFloatArray();
            double worst = 0;
            for (int i = 0; i < actual.length; i++) {
                worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
            }
            System.out.printf("%s: largest difference to PyTorch's logits %.3g (largest logit %.3g)%n",
                    results.getFileName(), worst, max(expected));
            assertTrue(worst < 1e-4, "largest difference to PyTorch's logits: " + worst);
        }
    }

    private static double max(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static long[] longs(JsonNode a) {
        long[] r = new long[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asLong();
        }
        return r;
    }
}
