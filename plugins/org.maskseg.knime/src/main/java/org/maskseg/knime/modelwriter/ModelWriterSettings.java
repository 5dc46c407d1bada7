package org.maskseg.knime.modelwriter;

import java.util.List;

import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.defaultnodesettings.SettingsModel;
import org.knime.core.node.defaultnodesettings.SettingsModelBoolean;
import org.knime.core.node.defaultnodesettings.SettingsModelString;
import org.maskseg.core.InvalidInputException;
import org.maskseg.knime.util.LocalFiles;
import org.maskseg.knime.util.SettingsGroup;

/** Settings of the Model Writer. */
final class ModelWriterSettings extends SettingsGroup {

    final SettingsModelString file = new SettingsModelString("file", "");

    final SettingsModelBoolean overwrite = new SettingsModelBoolean("overwrite", false);

    @Override
    public List<SettingsModel> models() {
        return List.of(file, overwrite);
    }

    @Override
    protected ModelWriterSettings newInstance() {
        return new ModelWriterSettings();
    }

    @Override
    protected void check() {
        // an empty file name is allowed until the node is configured
    }

    /** The chosen file; refused when none is chosen. */
    java.nio.file.Path path() throws InvalidSettingsException {
        String f = file.getStringValue();
        if (f == null || f.isBlank()) {
            throw new InvalidSettingsException("No target file chosen; open the dialog and choose one");
        }
        try {
            return LocalFiles.resolve(f, "Target file");
        } catch (InvalidInputException e) {
            throw refused(e);
        }
    }
}
