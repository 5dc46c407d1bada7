package org.maskseg.knime.port;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Properties;
import java.util.zip.ZipEntry;

import java.awt.Font;

import javax.swing.ImageIcon;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;

import org.knime.core.data.filestore.FileStore;
import org.knime.core.data.filestore.FileStorePortObject;
import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortObjectZipInputStream;
import org.knime.core.node.port.PortObjectZipOutputStream;
import org.knime.core.node.port.PortType;
import org.knime.core.node.port.PortTypeRegistry;
import org.maskseg.core.model.TrainedModel;

/**
 * A trained MaskSeg model passed between nodes. The model is the engine's model file (the same zip the command line
 * reads and writes), kept in one KNIME file store: KNIME saves it with the workflow and never holds the network in
 * the port object itself, so large models cost no heap and a saved workflow reopens without loading them.
 */
public final class MaskSegModelPortObject extends FileStorePortObject {

    public static final PortType TYPE = PortTypeRegistry.getInstance().getPortType(MaskSegModelPortObject.class);

    public static final PortType TYPE_OPTIONAL =
        PortTypeRegistry.getInstance().getPortType(MaskSegModelPortObject.class, true);

    /** Name of the file store holding the model zip. */
    static final String FILE_NAME = "maskseg-model.zip";

    private static final String META_ENTRY = "maskseg-model-port.properties";

    private static final String FORMAT = "1";

    /** Optional entry of the serialized port object: the training curve as PNG. */
    private static final String CURVE_ENTRY = "training-curve.png";

    private final MaskSegModelPortObjectSpec m_spec;

    /** The training curve (PNG) when the model was trained in this workflow, else null. */
    private byte[] m_curvePng;

    private MaskSegModelPortObject(final MaskSegModelPortObjectSpec spec, final FileStore store) {
        super(List.of(store));
        m_spec = spec;
    }

    /** For deserialization: KNIME attaches the file store afterwards. */
    private MaskSegModelPortObject(final MaskSegModelPortObjectSpec spec) {
        m_spec = spec;
    }

    /** The same port object showing a training curve (PNG bytes) in its view. */
    public MaskSegModelPortObject withTrainingCurve(final byte[] png) {
        m_curvePng = png == null ? null : png.clone();
        return this;
    }

    /** The training curve as PNG, or null when the model was read from a file. */
    public byte[] getTrainingCurve() {
        return m_curvePng == null ? null : m_curvePng.clone();
    }

    /** Writes a model file into a new file store. The writer receives the path to write the zip to. */
    public static MaskSegModelPortObject create(final MaskSegModelPortObjectSpec spec, final ExecutionContext exec,
        final ModelFileWriter writer) throws IOException {
        FileStore store = exec.createFileStore(FILE_NAME);
        writer.write(store.getFile().toPath());
        if (!Files.isRegularFile(store.getFile().toPath())) {
            throw new IOException("the model file was not written to " + store.getFile());
        }
        return new MaskSegModelPortObject(spec, store);
    }

    /** Copies an existing model file (e.g. one chosen in the Model Reader) into a new file store. */
    public static MaskSegModelPortObject copyOf(final MaskSegModelPortObjectSpec spec, final Path modelFile,
        final ExecutionContext exec) throws IOException {
        return create(spec, exec, target -> Files.copy(modelFile, target, StandardCopyOption.REPLACE_EXISTING));
    }

    /** Writes a model zip to the given path. */
    @FunctionalInterface
    public interface ModelFileWriter {
        void write(Path target) throws IOException;
    }

    /** The model zip; read it with the engine's model reader. */
    public Path getModelFile() {
        return getFileStore(0).getFile().toPath();
    }

    @Override
    public MaskSegModelPortObjectSpec getSpec() {
        return m_spec;
    }

    @Override
    public String getSummary() {
        return "MaskSeg " + m_spec.describe();
    }

    @Override
    public JComponent[] getViews() {
        JTextArea text = new JTextArea(describeModel());
        text.setEditable(false);
        text.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 12));
        text.setCaretPosition(0);
        JScrollPane view = new JScrollPane(text);
        view.setName("Plan and training");
        if (m_curvePng == null) {
            return new JComponent[]{view};
        }
        JScrollPane curve = new JScrollPane(new JLabel(new ImageIcon(m_curvePng)));
        curve.setName("Training curve");
        return new JComponent[]{curve, view};
    }

    /** The model file's own description: plan, classes, ignore value and training metadata. */
    public String describeModel() {
        try {
            return TrainedModel.describeFile(getModelFile());
        } catch (IOException | RuntimeException e) {
            return "The model file cannot be read: " + e.getMessage();
        }
    }

    @Override
    public String toString() {
        return getSummary();
    }

    /**
     * Registered in plugin.xml (org.knime.core.PortType, objectSerializer). Writes only a format marker: the model
     * itself is the file store, which KNIME persists on its own.
     */
    public static final class Serializer extends PortObjectSerializer<MaskSegModelPortObject> {

        @Override
        public void savePortObject(final MaskSegModelPortObject portObject, final PortObjectZipOutputStream out,
            final ExecutionMonitor exec) throws IOException, CanceledExecutionException {
            out.putNextEntry(new ZipEntry(META_ENTRY));
            out.write(("format=" + FORMAT + "\n").getBytes(StandardCharsets.ISO_8859_1));
            out.closeEntry();
            if (portObject.m_curvePng != null) {
                out.putNextEntry(new ZipEntry(CURVE_ENTRY));
                out.write(portObject.m_curvePng);
                out.closeEntry();
            }
        }

        @Override
        public MaskSegModelPortObject loadPortObject(final PortObjectZipInputStream in, final PortObjectSpec spec,
            final ExecutionMonitor exec) throws IOException, CanceledExecutionException {
            ZipEntry entry = in.getNextEntry();
            if (entry == null || !META_ENTRY.equals(entry.getName())) {
                throw new IOException("Not a MaskSeg model port object: expected entry " + META_ENTRY);
            }
            Properties p = new Properties();
            p.load(new InputStream() {
                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(final byte[] b, final int off, final int len) throws IOException {
                    return in.read(b, off, len);
                }
            });
            if (!FORMAT.equals(p.getProperty("format"))) {
                throw new IOException("MaskSeg model port object of unknown format " + p.getProperty("format")
                    + "; it was written by a newer MaskSeg version");
            }
            if (!(spec instanceof MaskSegModelPortObjectSpec s)) {
                throw new IOException("Expected a MaskSeg model spec, got " + spec);
            }
            MaskSegModelPortObject po = new MaskSegModelPortObject(s);
            ZipEntry next = in.getNextEntry();
            if (next != null && CURVE_ENTRY.equals(next.getName())) {
                po.m_curvePng = in.readAllBytes();
            }
            return po;
        }
    }
}
