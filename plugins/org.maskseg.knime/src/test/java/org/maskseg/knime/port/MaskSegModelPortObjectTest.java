package org.maskseg.knime.port;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.ModelContent;
import org.knime.core.node.port.PortTestAccess;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.plan.Plan;
import org.maskseg.knime.testing.ExecutionContexts;
import org.maskseg.knime.testing.PortObjects;

class MaskSegModelPortObjectTest {

    @TempDir
    Path dir;

    private static MaskSegModelPortObjectSpec spec() {
        return new MaskSegModelPortObjectSpec("3d", 2, List.of("background", "nucleus", "membrane"), -1,
            new int[]{64, 64, 32});
    }

    @Test
    void specSurvivesSerialization() throws IOException {
        MaskSegModelPortObjectSpec loaded =
            PortObjects.roundTripSpec(spec(), new MaskSegModelPortObjectSpec.Serializer());
        assertEquals(spec(), loaded);
        assertEquals("3d", loaded.getConfiguration());
        assertEquals(2, loaded.getInputChannels());
        assertEquals(3, loaded.getNumClasses());
        assertEquals(-1, loaded.getIgnoreValue());
        assertArrayEquals(new int[]{64, 64, 32}, loaded.getPatchSize());
    }

    @Test
    void regionNamesSurviveSerializationAndOlderSpecsAreClassModels() throws Exception {
        MaskSegModelPortObjectSpec regions = new MaskSegModelPortObjectSpec("2d", 1,
            List.of("background", "outer", "inner"), 3, new int[]{64, 64}, List.of("cell", "core"));
        MaskSegModelPortObjectSpec loaded =
            PortObjects.roundTripSpec(regions, new MaskSegModelPortObjectSpec.Serializer());
        assertEquals(regions, loaded);
        assertEquals(List.of("cell", "core"), loaded.getRegionNames());
        assertTrue(loaded.isRegionBased());
        assertNotEquals(new MaskSegModelPortObjectSpec("2d", 1, List.of("background", "outer", "inner"), 3,
            new int[]{64, 64}), loaded);
        assertTrue(loaded.describe().contains("regions [cell, core]"), loaded.describe());

        // a spec saved without region names (as before they were stored) loads as a class model
        ModelContent old = new ModelContent("spec");
        old.addString("configuration", "2d");
        old.addInt("input_channels", 1);
        old.addStringArray("class_names", "background", "nucleus");
        old.addInt("ignore_value", 2);
        old.addIntArray("patch_size", 64, 64);
        MaskSegModelPortObjectSpec fromOld = new MaskSegModelPortObjectSpec();
        fromOld.load(old);
        assertEquals(List.of(), fromOld.getRegionNames());
        assertTrue(!fromOld.isRegionBased());
    }

    @Test
    void specFromPlanNamesUnnamedClasses() {
        Plan plan = Plan.builder()
            .targets(Targets.classes(new LabelSpec(3, 255, null)))
            .inputChannels(1)
            .patchSize(128, 96)
            .build();
        MaskSegModelPortObjectSpec s = MaskSegModelPortObjectSpec.of(plan);
        assertEquals(List.of("background", "class 1", "class 2"), s.getClassNames());
        assertEquals(255, s.getIgnoreValue());
        assertArrayEquals(new int[]{128, 96}, s.getPatchSize());
        assertTrue(s.describe().contains("2D model"), s.describe());
    }

    @Test
    void modelFileLivesInFileStoreAndSurvivesSaveAndLoad() throws Exception {
        byte[] model = "not really a zip, but bytes that must survive unchanged".getBytes();
        ExecutionContext exec = ExecutionContexts.create(dir.resolve("a"));
        MaskSegModelPortObject po = MaskSegModelPortObject.create(spec(), exec, p -> Files.write(p, model));
        assertArrayEquals(model, Files.readAllBytes(po.getModelFile()));
        assertEquals(MaskSegModelPortObject.FILE_NAME, po.getModelFile().getFileName().toString());

        MaskSegModelPortObject loaded = PortObjects.roundTrip(po, new MaskSegModelPortObject.Serializer(),
            new MaskSegModelPortObjectSpec.Serializer(), dir.resolve("b"));
        assertEquals(spec(), loaded.getSpec());
        assertNotEquals(po.getModelFile(), loaded.getModelFile());
        assertArrayEquals(model, Files.readAllBytes(loaded.getModelFile()));
        assertTrue(loaded.getSummary().contains("membrane"), loaded.getSummary());
        // the view says plainly that these bytes are no model, instead of failing
        assertEquals(1, loaded.getViews().length);
        assertTrue(loaded.describeModel().startsWith("The model file cannot be read"), loaded.describeModel());
    }

    @Test
    void trainingCurveSurvivesSaveAndLoadAndIsShown() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        ExecutionContext exec = ExecutionContexts.create(dir.resolve("c"));
        MaskSegModelPortObject po = MaskSegModelPortObject.create(spec(), exec, p -> Files.write(p, new byte[] {1}))
            .withTrainingCurve(png);
        MaskSegModelPortObject loaded = PortObjects.roundTrip(po, new MaskSegModelPortObject.Serializer(),
            new MaskSegModelPortObjectSpec.Serializer(), dir.resolve("d"));
        assertArrayEquals(png, loaded.getTrainingCurve());
        assertEquals("Training curve", loaded.getViews()[0].getName());
        assertEquals(2, loaded.getViews().length);
    }

    @Test
    void writerThatWritesNothingIsAnError() {
        ExecutionContext exec = ExecutionContexts.create(dir);
        IOException e = assertThrows(IOException.class, () -> MaskSegModelPortObject.create(spec(), exec, p -> {
        }));
        assertTrue(e.getMessage().contains("not written"), e.getMessage());
    }

    @Test
    void foreignPortObjectIsRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("something-else.xml"));
            zip.write(1);
        }
        IOException e = assertThrows(IOException.class, () -> new MaskSegModelPortObject.Serializer()
            .loadPortObject(PortTestAccess.objectIn(new ByteArrayInputStream(bytes.toByteArray())), spec(),
                new ExecutionMonitor()));
        assertTrue(e.getMessage().contains("Not a MaskSeg model"), e.getMessage());
    }

    @Test
    void newerFormatIsRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("maskseg-model-port.properties"));
            zip.write("format=7\n".getBytes());
        }
        IOException e = assertThrows(IOException.class, () -> new MaskSegModelPortObject.Serializer()
            .loadPortObject(PortTestAccess.objectIn(new ByteArrayInputStream(bytes.toByteArray())), spec(),
                new ExecutionMonitor()));
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
    }
}
