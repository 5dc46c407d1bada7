package org.maskseg.knime.modelwriter;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.knime.core.node.ExecutionContext;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.io.AtomicFiles;
import org.maskseg.knime.port.MaskSegModelPortObject;
import org.maskseg.knime.util.SettingsNodeModel;

/**
 * Writes the model of the input port to a file: byte for byte the engine's model zip, readable by the Model Reader
 * and the command line. The file is written under a temporary name in the target folder and then moved into place.
 */
final class ModelWriterNodeModel extends SettingsNodeModel<ModelWriterSettings> {

    ModelWriterNodeModel() {
        super(new PortType[]{MaskSegModelPortObject.TYPE}, new PortType[0], new ModelWriterSettings());
    }

    private Path target() throws InvalidSettingsException {
        Path target = m_settings.path();
        if (Files.isDirectory(target)) {
            throw new InvalidSettingsException("\"" + target + "\" is a folder; choose a file name, e.g. model.zip");
        }
        if (Files.exists(target) && !m_settings.overwrite.getBooleanValue()) {
            throw new InvalidSettingsException("File \"" + target
                + "\" exists; choose another name or tick \"Overwrite an existing file\"");
        }
        return target;
    }

    @Override
    protected PortObjectSpec[] configure(final PortObjectSpec[] inSpecs) throws InvalidSettingsException {
        target();
        return new PortObjectSpec[0];
    }

    @Override
    protected PortObject[] execute(final PortObject[] inObjects, final ExecutionContext exec) throws Exception {
        Path target;
        try {
            target = target();
        } catch (InvalidSettingsException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        Path model = ((MaskSegModelPortObject)inObjects[0]).getModelFile();
        exec.setMessage("Writing " + target.getFileName());
        AtomicFiles.write(target, temp -> Files.copy(model, temp, StandardCopyOption.REPLACE_EXISTING));
        return new PortObject[0];
    }
}
