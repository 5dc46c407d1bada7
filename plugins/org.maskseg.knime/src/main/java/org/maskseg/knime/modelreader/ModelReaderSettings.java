package org.maskseg.knime.modelreader;

import java.util.List;

import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.defaultnodesettings.SettingsModel;
import org.knime.core.node.defaultnodesettings.SettingsModelString;
import org.maskseg.core.InvalidInputException;
import org.maskseg.knime.util.LocalFiles;
import org.maskseg.knime.util.SettingsGroup;

/** Settings of the Model Reader. */
final class ModelReaderSettings extends SettingsGroup {

    final SettingsModelString file = new SettingsModelString("file", "");

    @Override
    public List<SettingsModel> models() {
        return List.of(file);
    }

    @Override
    protected ModelReaderSettings newInstance() {
        return new ModelReaderSettings();
    }

    @Override
    protected void check() {
        // an empty file name is allowed until the node is configured
    }

    /** The chosen file; refused when none is chosen. */
    java.nio.file.Path path() throws InvalidSettingsException {
        String f = file.getStringValue();
        if (f == null || f.isBlank()) {
            throw new InvalidSettingsException("No model file chosen; open the dialog and choose one");
        }
        try {
            return LocalFiles.resolve(f, "Model file");
        } catch (InvalidInputException e) {
            throw refused(e);
        }
    }
}
