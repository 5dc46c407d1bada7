package org.maskseg.knime.predictor;

import org.knime.core.node.defaultnodesettings.DefaultNodeSettingsPane;
import org.knime.core.node.defaultnodesettings.DialogComponentBoolean;
import org.knime.core.node.defaultnodesettings.DialogComponentColumnNameSelection;
import org.knime.core.node.defaultnodesettings.DialogComponentNumber;
import org.knime.core.node.defaultnodesettings.DialogComponentString;
import org.knime.core.node.defaultnodesettings.DialogComponentStringSelection;
import org.maskseg.core.nn.Precision;
import org.maskseg.knime.util.Columns;
import org.maskseg.knime.util.PartialLabelColumns;

/** Dialog of the Predictor. The table is input port 1 (port 0 is the model). */
final class PredictorNodeDialog extends DefaultNodeSettingsPane {

    PredictorNodeDialog() {
        PredictorSettings s = new PredictorSettings();
        createNewGroup("Input and output");
        addDialogComponent(new DialogComponentColumnNameSelection(s.imageColumn, "Image column", 1, true,
            Columns.IMAGE_OR_PATH));
        addDialogComponent(new DialogComponentString(s.outputColumn, "Output column"));
        addDialogComponent(new DialogComponentBoolean(s.probabilities, "Append class probabilities"));
        addDialogComponent(new DialogComponentBoolean(s.uncertainty, "Append uncertainty"));
        addDialogComponent(new DialogComponentColumnNameSelection(s.referenceColumn,
            "Reference labels for scoring (optional)", 1, false, true, Columns.IMAGE_OR_PATH));
        // partial labels of the reference, named as in the Masked Trainer
        addDialogComponent(new DialogComponentColumnNameSelection(s.referenceAnnotatedClasses,
            "Annotated classes column", 1, false, true, PartialLabelColumns.CLASS_SET_TYPES));
        addDialogComponent(new DialogComponentBoolean(s.referenceDetectUnknownMasks,
            "Use the \"Unknown mask (class)\" columns"));
        addDialogComponent(new DialogComponentColumnNameSelection(s.referenceUnknownMaskColumn, "Unknown mask column",
            1, false, true, Columns.IMAGE_OR_PATH));
        addDialogComponent(new DialogComponentString(s.referenceUnknownMaskClass, "Class of the unknown mask column"));
        closeCurrentGroup();
        createNewGroup("Sliding window");
        addDialogComponent(new DialogComponentNumber(s.step, "Step (fraction of the patch)", 0.05));
        addDialogComponent(new DialogComponentBoolean(s.mirroring, "Mirroring (test-time augmentation)"));
        addDialogComponent(new DialogComponentNumber(s.batchWindows, "Windows per forward pass", 1));
        addDialogComponent(new DialogComponentStringSelection(s.device, "Device", "auto", "cpu", "gpu:0", "gpu:1"));
        addDialogComponent(new DialogComponentStringSelection(s.precision, "Precision", Precision.SETTINGS));
        closeCurrentGroup();
    }
}
