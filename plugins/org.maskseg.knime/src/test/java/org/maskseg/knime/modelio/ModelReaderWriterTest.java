package org.maskseg.knime.modelio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeModel;
import org.knime.core.node.NodeSettings;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.maskseg.knime.TestModels;
import org.maskseg.knime.modelreader.ModelReaderNodeFactory;
import org.maskseg.knime.modelwriter.ModelWriterNodeFactory;
import org.maskseg.knime.port.MaskSegModelPortObject;
import org.maskseg.knime.port.MaskSegModelPortObjectSpec;
import org.maskseg.knime.testing.NodeHarness;

class ModelReaderWriterTest {

    @TempDir
    Path dir;

    private static void setFile(final NodeHarness<? extends NodeModel> h, final Path file, final boolean overwrite)
        throws InvalidSettingsException {
        NodeSettings s = h.saveSettings();
        s.addString("file", file.toString());
        if (s.containsKey("overwrite")) {
            s.addBoolean("overwrite", overwrite);
        }
        h.loadSettings(s);
    }

    @Test
    void readThenWriteGivesTheSameFile() throws Exception {
        Path original = TestModels.write(dir.resolve("model.zip"));
        NodeHarness<?> reader = NodeHarness.of(new ModelReaderNodeFactory(), dir.resolve("r"));
        setFile(reader, original, false);
        PortObjectSpec[] specs = reader.configure();
        MaskSegModelPortObjectSpec spec = (MaskSegModelPortObjectSpec)specs[0];
        assertEquals(List.of("background", "nucleus", "border"), spec.getClassNames());
        assertEquals(255, spec.getIgnoreValue());
        assertArrayEquals(new int[]{64, 48}, spec.getPatchSize());

        PortObject[] out = reader.execute();
        MaskSegModelPortObject model = (MaskSegModelPortObject)out[0];
        assertEquals(spec, model.getSpec());
        assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(model.getModelFile()));

        Path copy = dir.resolve("out/copy.zip");
        NodeHarness<?> writer = NodeHarness.of(new ModelWriterNodeFactory(), dir.resolve("w"));
        setFile(writer, copy, false);
        writer.execute(model);
        assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(copy));
        try (var files = Files.list(copy.getParent())) {
            assertEquals(List.of(copy), files.toList(), "no temporary file left behind");
        }

        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, () -> writer.execute(model));
        assertTrue(e.getMessage().contains("Overwrite"), e.getMessage());
        setFile(writer, copy, true);
        writer.execute(model);
    }

    @Test
    void damagedModelFileIsRefusedAtConfigure() throws Exception {
        Path original = TestModels.write(dir.resolve("model.zip"));
        byte[] bytes = Files.readAllBytes(original);
        bytes[bytes.length / 2] ^= 0x5a;
        Path damaged = Files.write(dir.resolve("damaged.zip"), bytes);
        NodeHarness<?> reader = NodeHarness.of(new ModelReaderNodeFactory(), dir);
        setFile(reader, damaged, false);
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, reader::configure);
        assertTrue(e.getMessage().contains("damaged.zip"), e.getMessage());
    }

    @Test
    void foreignAndMissingFilesAreRefused() throws Exception {
        NodeHarness<?> reader = NodeHarness.of(new ModelReaderNodeFactory(), dir);
        setFile(reader, dir.resolve("absent.zip"), false);
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class, reader::configure);
        assertTrue(e.getMessage().contains("absent.zip") && e.getMessage().contains("does not exist"), e.getMessage());

        Path text = Files.writeString(dir.resolve("notes.zip"), "hello");
        setFile(reader, text, false);
        e = assertThrows(InvalidSettingsException.class, reader::configure);
        assertTrue(e.getMessage().contains("notes.zip"), e.getMessage());

        NodeHarness<?> unset = NodeHarness.of(new ModelReaderNodeFactory(), dir);
        e = assertThrows(InvalidSettingsException.class, unset::configure);
        assertTrue(e.getMessage().contains("No model file chosen"), e.getMessage());
    }

    @Test
    void writerRefusesAFolderAsTarget() throws Exception {
        NodeHarness<?> writer = NodeHarness.of(new ModelWriterNodeFactory(), dir);
        setFile(writer, dir, true);
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
            () -> writer.configure(new MaskSegModelPortObjectSpec()));
        assertTrue(e.getMessage().contains("is a folder"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("model.zip")));
    }
}
