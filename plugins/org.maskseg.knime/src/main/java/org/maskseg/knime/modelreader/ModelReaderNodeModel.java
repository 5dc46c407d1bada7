package org.maskseg.knime.modelreader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.knime.core.node.ExecutionContext;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.knime.port.MaskSegModelPortObject;
import org.maskseg.knime.port.MaskSegModelPortObjectSpec;
import org.maskseg.knime.util.SettingsNodeModel;

/**
 * Reads a MaskSeg model file (written by this node's writer, the trainer or the command line) into a model port.
 * The file is read and verified completely, so a damaged or foreign file is refused here and not in a later node.
 */
final class ModelReaderNodeModel extends SettingsNodeModel<ModelReaderSettings> {

    /** The spec of the last file read at configure time, valid while the file is unchanged. */
    private Path m_cachedFile;

    private FileTime m_cachedTime;

    private MaskSegModelPortObjectSpec m_cachedSpec;

    ModelReaderNodeModel() {
        super(new PortType[0], new PortType[]{MaskSegModelPortObject.TYPE}, new ModelReaderSettings());
    }

    private Path file() throws InvalidSettingsException {
        return m_settings.path();
    }

    @Override
    protected PortObjectSpec[] configure(final PortObjectSpec[] inSpecs) throws InvalidSettingsException {
        Path file = file();
        if (!Files.isRegularFile(file)) {
            throw new InvalidSettingsException("Model file \"" + file + "\" does not exist");
        }
        return new PortObjectSpec[]{spec(file)};
    }

    private MaskSegModelPortObjectSpec spec(final Path file) throws InvalidSettingsException {
        try {
            FileTime time = Files.getLastModifiedTime(file);
            if (!file.equals(m_cachedFile) || !time.equals(m_cachedTime)) {
                m_cachedSpec = MaskSegModelPortObjectSpec.of(TrainedModel.load(file));
                m_cachedFile = file;
                m_cachedTime = time;
            }
            return m_cachedSpec;
        } catch (IOException e) {
            throw new InvalidSettingsException("Model file \"" + file + "\" cannot be read: " + e.getMessage(), e);
        } catch (InvalidInputException e) {
            throw new InvalidSettingsException(e.getMessage(), e);
        }
    }

    @Override
    protected PortObject[] execute(final PortObject[] inObjects, final ExecutionContext exec) throws Exception {
        Path file = file();
        exec.setMessage("Reading " + file.getFileName());
        TrainedModel model = TrainedModel.load(file);
        exec.checkCanceled();
        MaskSegModelPortObjectSpec spec = MaskSegModelPortObjectSpec.of(model);
        return new PortObject[]{MaskSegModelPortObject.copyOf(spec, file, exec)};
    }

    @Override
    protected void reset() {
        m_cachedFile = null;
        m_cachedTime = null;
        m_cachedSpec = null;
    }
}
