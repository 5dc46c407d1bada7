package org.maskseg.knime.nnunetreader;

import java.nio.file.Path;
import java.util.List;

import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.defaultnodesettings.SettingsModel;
import org.knime.core.node.defaultnodesettings.SettingsModelString;
import org.maskseg.core.InvalidInputException;
import org.maskseg.knime.util.LocalFiles;
import org.maskseg.knime.util.SettingsGroup;

/** Settings of the nnU-Net Dataset Reader. */
final class NnUnetReaderSettings extends SettingsGroup {

    static final String TRAINING = "training";

    static final String TEST = "test";

    static final List<String> PARTS = List.of(TRAINING, TEST);

    final SettingsModelString folder = new SettingsModelString("dataset_folder", "");

    final SettingsModelString cases = new SettingsModelString("cases", TRAINING);

    @Override
    public List<SettingsModel> models() {
        return List.of(folder, cases);
    }

    @Override
    protected NnUnetReaderSettings newInstance() {
        return new NnUnetReaderSettings();
    }

    @Override
    protected void check() throws InvalidSettingsException {
        if (!PARTS.contains(cases.getStringValue())) {
            throw new InvalidSettingsException("Cases \"" + cases.getStringValue() + "\" is unknown; expected "
                + PARTS);
        }
    }

    boolean training() {
        return TRAINING.equals(cases.getStringValue());
    }

    /** The chosen dataset folder; refused when none is chosen. */
    Path path() throws InvalidSettingsException {
        String f = folder.getStringValue();
        if (f == null || f.isBlank()) {
            throw new InvalidSettingsException("No dataset folder chosen; open the dialog and choose the folder "
                + "holding dataset.json");
        }
        try {
            return LocalFiles.resolve(f, "Dataset folder");
        } catch (InvalidInputException e) {
            throw refused(e);
        }
    }
}
