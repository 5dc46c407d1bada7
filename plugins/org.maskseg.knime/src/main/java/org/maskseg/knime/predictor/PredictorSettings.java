package org.maskseg.knime.predictor;

import java.util.List;

import org.knime.core.data.DataTableSpec;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.defaultnodesettings.SettingsModel;
import org.knime.core.node.defaultnodesettings.SettingsModelBoolean;
import org.knime.core.node.defaultnodesettings.SettingsModelDoubleBounded;
import org.knime.core.node.defaultnodesettings.SettingsModelIntegerBounded;
import org.knime.core.node.defaultnodesettings.SettingsModelString;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.predict.PredictionSettings;
import org.maskseg.knime.util.PartialLabelColumns;
import org.maskseg.knime.util.SettingsGroup;

/** Settings of the Predictor; the keys are those of the node's settings.xml. */
final class PredictorSettings extends SettingsGroup {

    final SettingsModelString imageColumn = new SettingsModelString("image_column", "");

    final SettingsModelString outputColumn = new SettingsModelString("output_column", "Predicted labels");

    final SettingsModelBoolean probabilities = new SettingsModelBoolean("append_probabilities", false);

    final SettingsModelBoolean uncertainty = new SettingsModelBoolean("append_uncertainty", false);

    final SettingsModelString referenceColumn = new SettingsModelString("reference_column", "");

    /** Which classes each reference row annotates; empty for none (every class annotated). */
    final SettingsModelString referenceAnnotatedClasses =
        new SettingsModelString("reference_annotated_classes_column", "");

    /** Whether the columns named "Unknown mask (class)" mark where a class is unknown in the reference. */
    final SettingsModelBoolean referenceDetectUnknownMasks =
        new SettingsModelBoolean("reference_detect_unknown_masks", true);

    final SettingsModelString referenceUnknownMaskColumn = new SettingsModelString("reference_unknown_mask_column", "");

    final SettingsModelString referenceUnknownMaskClass = new SettingsModelString("reference_unknown_mask_class", "");

    final SettingsModelDoubleBounded step =
        new SettingsModelDoubleBounded("step", PredictionSettings.DEFAULT_STEP, 0.05, 1);

    final SettingsModelBoolean mirroring = new SettingsModelBoolean("mirroring", false);

    final SettingsModelIntegerBounded batchWindows =
        new SettingsModelIntegerBounded("batch_windows", PredictionSettings.DEFAULT_BATCH_WINDOWS, 1, 1024);

    final SettingsModelString device = new SettingsModelString("device", "auto");

    /** auto, fp32 or fp16; added after the first release, so older settings without it load as auto. */
    final SettingsModelString precision = new SettingsModelString("precision", "auto");

    @Override
    public List<SettingsModel> models() {
        return List.of(imageColumn, outputColumn, probabilities, uncertainty, referenceColumn,
            referenceAnnotatedClasses, referenceDetectUnknownMasks, referenceUnknownMaskColumn,
            referenceUnknownMaskClass, step, mirroring, batchWindows, device, precision);
    }

    @Override
    protected List<SettingsModel> addedLater() {
        return List.of(precision);
    }

    @Override
    protected PredictorSettings newInstance() {
        return new PredictorSettings();
    }

    @Override
    protected void check() throws InvalidSettingsException {
        predictionSettings();
        if (outputColumn.getStringValue() == null || outputColumn.getStringValue().isBlank()) {
            throw new InvalidSettingsException("The output column name must not be empty");
        }
        String d = device.getStringValue();
        if (d == null || !d.trim().matches("(?i)auto|cpu|gpu(:\\d+)?")) {
            throw new InvalidSettingsException("Device \"" + d + "\" is unknown; expected auto, cpu or gpu:N");
        }
    }

    PredictionSettings predictionSettings() throws InvalidSettingsException {
        try {
            return new PredictionSettings(step.getDoubleValue(), mirroring.getBooleanValue(),
                batchWindows.getIntValue(), precision.getStringValue());
        } catch (InvalidInputException e) {
            throw refused(e);
        }
    }

    boolean scores() {
        String r = referenceColumn.getStringValue();
        return r != null && !r.isEmpty();
    }

    /** The partial-label columns of the reference in a table (empty when none is set or detected). */
    PartialLabelColumns referencePartialLabels(final DataTableSpec spec) throws InvalidSettingsException {
        return PartialLabelColumns.of(spec, referenceAnnotatedClasses.getStringValue(),
            referenceDetectUnknownMasks.getBooleanValue(), referenceUnknownMaskColumn.getStringValue(),
            referenceUnknownMaskClass.getStringValue());
    }
}
