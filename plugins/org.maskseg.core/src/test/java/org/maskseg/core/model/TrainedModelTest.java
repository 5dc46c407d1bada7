package org.maskseg.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.TestPlans;

import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

class TrainedModelTest {

    @TempDir
    Path dir;

    static Plan plan(int channels, int classes) {
        return Plan.builder()
                .inputChannels(channels)
                .normalization(TestPlans.zscore(channels))
                .targets(Targets.classes(new LabelSpec(classes, 255, null)))
                .patchSize(32, 32)
                .build();
    }

    static TrainingMetadata meta() {
        return new TrainingMetadata(3, 10, 5, new double[] {0.8, Double.NaN}, 0.7, 0.75, 2, "last", "completed", 42L,
                12.5, "2026-01-01T00:00:00Z", "cpu()", 6, 2, Map.of("cases", 8, "medianSize", List.of(256, 256)));
    }

    static TrainedModel model(NDManager m, int channels) {
        try (TinyConvNetwork net = new TinyConvNetwork(m, channels, 3)) {
            Plan p = plan(channels, 3).toBuilder()
                    .targets(Targets.classes(new LabelSpec(3, 255, List.of("bg", "cell", "edge"))))
                    .build();
            return TrainedModel.of(p, meta(), net);
        }
    }

    @Test
    void roundTripKeepsEveryWeightBitForBitAndTheMetadata() throws IOException {
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            TrainedModel model = model(m, 2);
            Path file = dir.resolve("model.zip");
            model.save(file);
            TrainedModel back = TrainedModel.load(file);
            assertTrue(back.sameWeightsAs(model));
            String described = TrainedModel.describeFile(file);
            assertTrue(described.contains("\"ignoreValue\" : 255") && described.contains("\"edge\""), described);
            assertTrue(described.contains("\"patchSize\""), described);
            assertEquals(List.of("conv.weight", "conv.bias"), List.copyOf(back.weights().keySet()));
            assertArrayEquals(new long[] {3, 2, 3, 3}, back.weights().get("conv.weight").shape());
            assertEquals(255, back.labels().ignoreValue());
            assertEquals(List.of("bg", "cell", "edge"), back.labels().classNames());
            assertEquals(2, back.inputChannels());
            assertEquals(2, back.spatialDims());
            assertArrayEquals(new int[] {32, 32}, back.plan().patchSize());
            assertEquals(42L, back.metadata().seed());
            assertEquals(0.8, back.metadata().finalPseudoDice()[0]);
            assertTrue(Double.isNaN(back.metadata().finalPseudoDice()[1]));
            assertEquals(8, ((Number) back.metadata().dataset().get("cases")).intValue());

            // stream variant gives the same model, and the weights go back into a network unchanged
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            model.write(bytes);
            TrainedModel fromStream = TrainedModel.read(new ByteArrayInputStream(bytes.toByteArray()), "port");
            assertTrue(fromStream.sameWeightsAs(model));
            try (TinyConvNetwork other = new TinyConvNetwork(m, 2, 3)) {
                back.loadInto(other);
                NDArray w = other.parameters().get("conv.weight");
                assertArrayEquals(model.weights().get("conv.weight").data(), w.toFloatArray());
                assertTrue(w.hasGradient(), "parameters stay trainable after loading");
            }
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
            }
        }
    }

    @Test
    void checkpointKeepsOptimiserAndTrainerStateAndServesAsModel() throws IOException {
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            TrainedModel model = model(m, 1);
            LinkedHashMap<String, HostTensor> opt = new LinkedHashMap<>();
            opt.put("momentum.conv.bias", new HostTensor(new long[] {3}, new float[] {1, -2, 3.5f}));
            ObjectNode state = ModelArchive.JSON.createObjectNode().put("epoch", 7);
            Path file = dir.resolve("ckpt.zip");
            new Checkpoint(model, opt, state).save(file);
            Checkpoint back = Checkpoint.load(file);
            assertTrue(back.model().sameWeightsAs(model));
            assertArrayEquals(new float[] {1, -2, 3.5f}, back.optimizerState().get("momentum.conv.bias").data());
            assertEquals(7, back.trainerState().get("epoch").asInt());
            assertTrue(TrainedModel.load(file).sameWeightsAs(model));

            Path plain = dir.resolve("plain.zip");
            model.save(plain);
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Checkpoint.load(plain));
            assertTrue(e.getMessage().contains("not a training checkpoint"), e.getMessage());
        }
    }

    @Test
    void damagedOrForeignFilesAreRefusedWithTheReason() throws IOException {
        byte[] good;
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            model(m, 1).write(b);
            good = b.toByteArray();
        }
        // one flipped byte inside the stored weights
        Map<String, byte[]> entries = unzip(good);
        entries.get("weights.bin")[entries.get("weights.bin").length - 3] ^= 0x10;
        assertMessage(zip(entries), "x.zip", "model file 'x.zip' is corrupt: weights.bin checksum mismatch");

        // truncated archive
        byte[] cut = java.util.Arrays.copyOf(good, good.length / 2);
        String msg = load(cut, "cut.zip");
        assertTrue(msg.startsWith("model file 'cut.zip' is corrupt"), msg);

        // not a zip at all
        assertMessage("hello, this is text".getBytes(), "notes.txt", "'notes.txt' is not a MaskSeg model file");

        // a zip from something else
        assertMessage(zip(Map.of("readme.txt", "hi".getBytes())), "other.zip",
                "'other.zip' is not a MaskSeg model file (the zip archive has no maskseg-model.json)");

        // a newer format
        Map<String, byte[]> newer = unzip(good);
        ObjectNode manifest = (ObjectNode) ModelArchive.JSON.readTree(newer.get("maskseg-model.json"));
        manifest.put("formatVersion", 9).put("createdBy", "MaskSeg 7.0.0");
        newer.put("maskseg-model.json", ModelArchive.JSON.writeValueAsBytes(manifest));
        assertMessage(zip(newer), "new.zip", "model file 'new.zip' has format version 9 (written by MaskSeg 7.0.0); "
                + "this MaskSeg reads format versions up to 2");

        // a missing entry
        Map<String, byte[]> missing = unzip(good);
        missing.remove("weights.bin");
        assertMessage(zip(missing), "m.zip", "model file 'm.zip' is corrupt: weights.bin is missing");

        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainedModel.load(dir.resolve("absent.zip")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void weightsOfAnotherArchitectureAreRefused() {
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            TrainedModel model = model(m, 1);
            Map<String, HostTensor> w = new LinkedHashMap<>(model.weights());
            w.put("conv.bias", new HostTensor(new long[] {4}, new float[4]));
            w.put("extra.weight", new HostTensor(new long[] {1}, new float[1]));
            TrainedModel wrong = new TrainedModel(model.plan(), model.metadata(), w);
            try (TinyConvNetwork net = new TinyConvNetwork(m, 1, 3)) {
                InvalidInputException e = assertThrows(InvalidInputException.class, () -> wrong.loadInto(net));
                assertTrue(e.getMessage().contains("parameter 'conv.bias' has shape [4], the network needs [3]"),
                        e.getMessage());
                assertTrue(e.getMessage().contains("parameter 'extra.weight' is not part of the network"),
                        e.getMessage());
            }
            try (TinyConvNetwork net = new TinyConvNetwork(m, 2, 3)) {
                InvalidInputException e = assertThrows(InvalidInputException.class, () -> model.loadInto(net));
                assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
            }
        }
    }

    @Test
    void imagesWithOtherChannelsOrDimensionalityAreRefused() {
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            TrainedModel two = model(m, 2);
            ImageVolume a = ImageVolume.create("a.tif", new long[] {8, 8}, 1, new double[] {1, 1});
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> two.checkCompatible(a));
            assertEquals("the model expects 2 channels, the image 'a.tif' has 1", e.getMessage());
            two.checkCompatible(ImageVolume.create("b.tif", new long[] {8, 8}, 2, new double[] {1, 1}));
            two.checkCompatible(ImageVolume.create("stack.tif", new long[] {8, 8, 4}, 2, new double[] {1, 1, 1}));

            Plan p3 = plan(1, 3).toBuilder()
                    .configuration("3d")
                    .targetSpacing(1, 1, 1)
                    .patchSize(16, 16, 16)
                    .network(TestPlans.unet(3, 4, 8))
                    .targets(two.plan().targets())
                    .build();
            TrainedModel threeD = new TrainedModel(p3, two.metadata(), Map.of());
            InvalidInputException e3 = assertThrows(InvalidInputException.class, () -> threeD
                    .checkCompatible(ImageVolume.create("flat.png", new long[] {8, 8}, 1, new double[] {1, 1})));
            assertEquals("the model is a 3D network, the image 'flat.png' is 2D", e3.getMessage());
        }
    }

    @Test
    void failedWriteLeavesNeitherTargetNorTemporaryFile() throws IOException {
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            TrainedModel model = model(m, 1);
            // the target name is taken by a non-empty folder: the final move must fail
            Path target = dir.resolve("model.zip");
            Files.createDirectories(target.resolve("inside"));
            assertThrows(IOException.class, () -> model.save(target));
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(target), files.toList());
            }
            // a writer failing half-way
            Path other = dir.resolve("other.zip");
            assertThrows(IOException.class, () -> ModelArchive.writeAtomically(other, out -> {
                out.write(new byte[1000]);
                throw new IOException("disk full");
            }));
            assertFalse(Files.exists(other));
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(target), files.toList());
            }
        }
    }

    private static void assertMessage(byte[] bytes, String name, String expectedStart) {
        String msg = load(bytes, name);
        assertTrue(msg.startsWith(expectedStart), msg);
    }

    private static String load(byte[] bytes, String name) {
        return assertThrows(InvalidInputException.class,
                () -> TrainedModel.read(new ByteArrayInputStream(bytes), name)).getMessage();
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return b.toByteArray();
    }
}
