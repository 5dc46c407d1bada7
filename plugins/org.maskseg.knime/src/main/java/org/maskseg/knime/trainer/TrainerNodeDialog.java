package org.maskseg.knime.trainer;

import org.knime.core.node.defaultnodesettings.DefaultNodeSettingsPane;
import org.knime.core.node.defaultnodesettings.DialogComponentBoolean;
import org.knime.core.node.defaultnodesettings.DialogComponentColumnNameSelection;
import org.knime.core.node.defaultnodesettings.DialogComponentNumber;
import org.knime.core.node.defaultnodesettings.DialogComponentString;
import org.knime.core.node.defaultnodesettings.DialogComponentStringSelection;
import org.maskseg.knime.util.Columns;

/** Dialog of the Masked Trainer: data, schedule, and compute settings. */
final class TrainerNodeDialog extends DefaultNodeSettingsPane {

    TrainerNodeDialog() {
        TrainerSettings s = new TrainerSettings();
        createNewGroup("Data");
        addDialogComponent(new DialogComponentColumnNameSelection(s.imageColumn, "Image column", 0, true,
            Columns.IMAGE_OR_PATH));
        addDialogComponent(new DialogComponentColumnNameSelection(s.labelColumn, "Label column", 0, true,
            Columns.IMAGE_OR_PATH));
        addDialogComponent(new DialogComponentBoolean(s.defaultIgnore, "Ignore value: highest class + 1"));
        addDialogComponent(new DialogComponentNumber(s.ignoreValue, "Ignore value", 1));
        addDialogComponent(new DialogComponentStringSelection(s.configuration, "Configuration",
            TrainerSettings.CONFIGURATIONS));
        addDialogComponent(new DialogComponentNumber(s.validationFraction, "Validation fraction", 0.05));
        closeCurrentGroup();
        createNewGroup("Schedule (0 = as planned)");
        addDialogComponent(new DialogComponentNumber(s.epochs, "Epochs", 10));
        addDialogComponent(new DialogComponentNumber(s.iterations, "Iterations per epoch", 10));
        addDialogComponent(new DialogComponentNumber(s.validationIterations, "Validation batches per epoch", 5));
        addDialogComponent(new DialogComponentNumber(s.batchSize, "Batch size", 1));
        addDialogComponent(new DialogComponentString(s.patchSize, "Patch size (x, y[, z]; empty = as planned)"));
        addDialogComponent(new DialogComponentNumber(s.timeLimit, "Time limit (minutes, 0 = none)", 10));
        addDialogComponent(new DialogComponentStringSelection(s.modelSelection, "Output model",
            TrainerSettings.FINAL_MODEL, TrainerSettings.BEST_MODEL));
        closeCurrentGroup();
        createNewGroup("Compute");
        addDialogComponent(new DialogComponentStringSelection(s.device, "Device", "auto", "cpu", "gpu:0", "gpu:1"));
        addDialogComponent(new DialogComponentStringSelection(s.precision, "Precision", TrainerSettings.PRECISIONS));
        addDialogComponent(new DialogComponentNumber(s.seed, "Random seed", 1));
        addDialogComponent(new DialogComponentNumber(s.threads, "CPU threads (0 = PyTorch default)", 1));
        closeCurrentGroup();
        s.defaultIgnore.addChangeListener(e -> s.ignoreValue.setEnabled(!s.defaultIgnore.getBooleanValue()));
        s.ignoreValue.setEnabled(!s.defaultIgnore.getBooleanValue());
    }
}
