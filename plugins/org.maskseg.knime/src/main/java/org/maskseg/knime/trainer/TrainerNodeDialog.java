package org.maskseg.knime.trainer;

import java.awt.BorderLayout;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import javax.swing.BorderFactory;
import javax.swing.Box;
import javax.swing.BoxLayout;
import javax.swing.JButton;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;
import javax.swing.SwingWorker;

import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.DataAwareNodeDialogPane;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeSettings;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.NodeSettingsWO;
import org.knime.core.node.NotConfigurableException;
import org.knime.core.node.defaultnodesettings.DialogComponent;
import org.knime.core.node.defaultnodesettings.DialogComponentBoolean;
import org.knime.core.node.defaultnodesettings.DialogComponentColumnNameSelection;
import org.knime.core.node.defaultnodesettings.DialogComponentNumber;
import org.knime.core.node.defaultnodesettings.DialogComponentString;
import org.knime.core.node.defaultnodesettings.DialogComponentStringSelection;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.train.TrainingSettings;
import org.maskseg.knime.port.MaskSegModelPortObject;
import org.maskseg.knime.util.Columns;
import org.maskseg.knime.util.PartialLabelColumns;

/**
 * Dialog of the Masked Trainer: an "Options" tab with data, schedule and compute settings, and a "Plan" tab that
 * shows the plan training would use on the input data (once the upstream node has been executed) with the
 * dialog's current overrides applied. The plan is computed on request, off the event thread, by
 * {@link PlanPreview}.
 */
final class TrainerNodeDialog extends DataAwareNodeDialogPane {

    static final String OPTIONS_TAB = "Options";

    static final String LABELS_TAB = "Partial labels and regions";

    static final String CHANNEL_NAMES_LABEL = "Channel names (comma separated; CT, noNorm, ...)";

    static final String PLAN_TAB = "Plan";

    private final TrainerSettings m_settings = new TrainerSettings();

    private final List<DialogComponent> m_components = new ArrayList<>();

    private final JTextArea m_planText = new JTextArea(14, 70);

    private final JLabel m_planStatus = new JLabel(" ");

    private final JButton m_computeButton = new JButton("Compute plan");

    private BufferedDataTable m_training;

    private BufferedDataTable m_validation;

    private MaskSegModelPortObject m_initialModel;

    private SwingWorker<Plan, String> m_worker;

    /** Completed on the event thread once the last started planning has been shown (or abandoned). */
    private CompletableFuture<Void> m_shown = CompletableFuture.completedFuture(null);

    TrainerNodeDialog() {
        TrainerSettings s = m_settings;
        JPanel options = new JPanel();
        options.setLayout(new BoxLayout(options, BoxLayout.Y_AXIS));
        options.add(group("Data",
            new DialogComponentColumnNameSelection(s.imageColumn, "Image column", 0, true, Columns.IMAGE_OR_PATH),
            new DialogComponentColumnNameSelection(s.labelColumn, "Label column", 0, true, Columns.IMAGE_OR_PATH),
            new DialogComponentBoolean(s.defaultIgnore, "Ignore value: highest class + 1"),
            new DialogComponentNumber(s.ignoreValue, "Ignore value", 1),
            new DialogComponentStringSelection(s.configuration, "Configuration", TrainerSettings.CONFIGURATIONS),
            new DialogComponentStringSelection(s.preset, "Network preset", TrainerSettings.PRESETS),
            new DialogComponentString(s.channelNames, CHANNEL_NAMES_LABEL),
            new DialogComponentNumber(s.validationFraction, "Validation fraction", 0.05)));
        options.add(group("Schedule (0 = as planned)",
            new DialogComponentNumber(s.epochs, "Epochs", 10),
            new DialogComponentNumber(s.iterations, "Iterations per epoch", 10),
            new DialogComponentNumber(s.validationIterations, "Validation batches per epoch", 5),
            new DialogComponentNumber(s.batchSize, "Batch size", 1),
            new DialogComponentString(s.patchSize, "Patch size (x, y[, z]; empty = as planned)"),
            new DialogComponentNumber(s.timeLimit, "Time limit (minutes, 0 = none)", 10),
            new DialogComponentString(s.budget, "Budget (e.g. 20m, 2h, 5000steps; empty = none)"),
            new DialogComponentBoolean(s.deviceSizing, "Size the plan to this computer (time budget)"),
            new DialogComponentStringSelection(s.modelSelection, "Output model", TrainerSettings.FINAL_MODEL,
                TrainerSettings.BEST_MODEL),
            new DialogComponentBoolean(s.finalValidation, "Final validation on whole validation images")));
        options.add(group("Cross-validation",
            new DialogComponentNumber(s.folds, "Cross-validation folds (0 = none)", 1),
            new DialogComponentNumber(s.fold, "Fold (-1 = all folds)", 1)));
        options.add(group("Classes and fine-tuning",
            new DialogComponentString(s.classNames, "Class names (background first, comma separated)"),
            new DialogComponentString(s.classMap, "Class mapping (label class=model class or new)"),
            new DialogComponentNumber(s.freezeEncoderEpochs, "Frozen-encoder epochs", 1),
            new DialogComponentNumber(s.learningRate, "Learning rate (0 = as planned)", 0.001)));
        options.add(group("Compute",
            new DialogComponentStringSelection(s.device, "Device", "auto", "cpu", "gpu:0", "gpu:1"),
            new DialogComponentStringSelection(s.precision, "Precision", TrainerSettings.PRECISIONS),
            new DialogComponentNumber(s.seed, "Random seed", 1),
            new DialogComponentNumber(s.threads, "CPU threads (0 = PyTorch default)", 1)));
        options.add(Box.createVerticalGlue());
        addTab(OPTIONS_TAB, options);
        JPanel labels = new JPanel();
        labels.setLayout(new BoxLayout(labels, BoxLayout.Y_AXIS));
        labels.add(group("Partial labels (optional)",
            new DialogComponentColumnNameSelection(s.annotatedClassesColumn, "Annotated classes column", 0, false,
                true, PartialLabelColumns.CLASS_SET_TYPES),
            new DialogComponentBoolean(s.detectUnknownMasks, "Use the \"Unknown mask (class)\" columns"),
            new DialogComponentColumnNameSelection(s.unknownMaskColumn, "Unknown mask column", 0, false, true,
                Columns.IMAGE_OR_PATH),
            new DialogComponentString(s.unknownMaskClass, "Class of the unknown mask column")));
        labels.add(group("Regions (optional)",
            new DialogComponentString(s.regions, "Regions (name=classes; ...)")));
        labels.add(Box.createVerticalGlue());
        addTab(LABELS_TAB, labels);
        addTab(PLAN_TAB, planPanel());

        s.defaultIgnore.addChangeListener(e -> s.ignoreValue.setEnabled(!s.defaultIgnore.getBooleanValue()));
        s.ignoreValue.setEnabled(!s.defaultIgnore.getBooleanValue());
        // a shown plan no longer matches once an override changes
        for (var model : List.of(s.configuration, s.preset, s.channelNames, s.epochs, s.iterations,
            s.validationIterations, s.batchSize, s.patchSize, s.defaultIgnore, s.ignoreValue, s.imageColumn, s.labelColumn, s.regions, s.classNames,
            s.classMap, s.learningRate)) {
            model.addChangeListener(e -> markOutdated());
        }
    }

    private JPanel group(final String title, final DialogComponent... components) {
        JPanel panel = new JPanel();
        panel.setLayout(new BoxLayout(panel, BoxLayout.Y_AXIS));
        panel.setBorder(BorderFactory.createTitledBorder(title));
        for (DialogComponent c : components) {
            m_components.add(c);
            panel.add(c.getComponentPanel());
        }
        return panel;
    }

    private JPanel planPanel() {
        m_planText.setEditable(false);
        m_planText.setFont(new Font(Font.MONOSPACED, Font.PLAIN, m_planText.getFont().getSize()));
        m_planText.setText(PlanPreview.NO_DATA);
        m_computeButton.setToolTipText("Reads the input data and plans on it with the settings of the Options tab");
        m_computeButton.addActionListener(e -> computePlan());
        JPanel top = new JPanel(new BorderLayout(8, 0));
        top.add(m_computeButton, BorderLayout.WEST);
        top.add(m_planStatus, BorderLayout.CENTER);
        JPanel panel = new JPanel(new BorderLayout(0, 8));
        panel.setBorder(BorderFactory.createEmptyBorder(8, 8, 8, 8));
        panel.add(top, BorderLayout.NORTH);
        panel.add(new JScrollPane(m_planText), BorderLayout.CENTER);
        return panel;
    }

    /** Without input data (upstream node not executed): settings only. */
    @Override
    protected void loadSettingsFrom(final NodeSettingsRO settings, final PortObjectSpec[] specs)
        throws NotConfigurableException {
        loadComponents(settings, specs);
        setInput(null, null, null);
    }

    /** With input data: settings, and the data to plan on. */
    @Override
    protected void loadSettingsFrom(final NodeSettingsRO settings, final PortObject[] input)
        throws NotConfigurableException {
        PortObjectSpec[] specs = new PortObjectSpec[input.length];
        for (int i = 0; i < input.length; i++) {
            specs[i] = input[i] == null ? null : input[i].getSpec();
        }
        loadComponents(settings, specs);
        setInput(at(input, 0, BufferedDataTable.class),
            at(input, TrainerNodeModel.VALIDATION_PORT, BufferedDataTable.class),
            at(input, TrainerNodeModel.MODEL_PORT, MaskSegModelPortObject.class));
    }

    private static <T> T at(final PortObject[] input, final int port, final Class<T> type) {
        return port < input.length && type.isInstance(input[port]) ? type.cast(input[port]) : null;
    }

    private void loadComponents(final NodeSettingsRO settings, final PortObjectSpec[] specs)
        throws NotConfigurableException {
        cancelPlanning();
        for (DialogComponent c : m_components) {
            c.loadSettingsFrom(settings, specs);
        }
    }

    private void setInput(final BufferedDataTable training, final BufferedDataTable validation,
        final MaskSegModelPortObject model) {
        m_training = training;
        m_validation = validation;
        m_initialModel = model;
        m_computeButton.setEnabled(training != null);
        m_planStatus.setText(training == null ? " " : "Press \"Compute plan\" to plan on the "
            + training.size() + " input rows with the settings of the Options tab.");
        m_planText.setText(training == null ? PlanPreview.NO_DATA : "");
    }

    @Override
    protected void saveSettingsTo(final NodeSettingsWO settings) throws InvalidSettingsException {
        for (DialogComponent c : m_components) {
            c.saveSettingsTo(settings);
        }
    }

    @Override
    public void onClose() {
        cancelPlanning();
        // the tables belong to the workflow; do not keep them after the dialog closes
        m_training = null;
        m_validation = null;
        m_initialModel = null;
    }

    /**
     * Starts computing the plan with the current settings in the background; the result replaces the plan text
     * when done. Returns the worker (whose result is the plan), or null when there is no input data.
     */
    SwingWorker<Plan, String> computePlan() {
        if (m_training == null) {
            m_planText.setText(PlanPreview.NO_DATA);
            return null;
        }
        cancelPlanning();
        TrainerSettings settings = snapshot();
        if (settings == null) {
            return null;
        }
        BufferedDataTable training = m_training;
        BufferedDataTable validation = m_validation;
        MaskSegModelPortObject model = m_initialModel;
        m_computeButton.setEnabled(false);
        m_planStatus.setText("Computing the plan ...");
        CompletableFuture<Void> shown = new CompletableFuture<>();
        m_shown = shown;
        SwingWorker<Plan, String> worker = new SwingWorker<>() {
            @Override
            protected Plan doInBackground() throws Exception {
                return PlanPreview.compute(training, validation, model, settings, this::publish, this::isCancelled);
            }

            @Override
            protected void process(final List<String> chunks) {
                if (!isCancelled()) {
                    m_planStatus.setText(chunks.get(chunks.size() - 1));
                }
            }

            @Override
            protected void done() {
                try {
                    show();
                } finally {
                    shown.complete(null);
                }
            }

            private void show() {
                if (isCancelled() || m_worker != this) {
                    return;
                }
                m_computeButton.setEnabled(m_training != null);
                try {
                    TrainingSettings ts = settings.trainingSettings();
                    m_planText.setText(PlanPreview.describe(get(), ts, model != null,
                        settings.ignoreSource(training.getDataTableSpec())));
                    m_planStatus.setText("Plan for " + (training.size() + (validation == null ? 0
                        : validation.size())) + " cases with the current settings");
                } catch (ExecutionException e) {
                    m_planText.setText(PlanPreview.failure(e.getCause()));
                    m_planStatus.setText(" ");
                } catch (InvalidSettingsException | InterruptedException | CancellationException e) {
                    m_planText.setText(PlanPreview.failure(e));
                    m_planStatus.setText(" ");
                }
            }
        };
        m_worker = worker;
        worker.execute();
        return worker;
    }

    /** The dialog's current settings as a separate copy, so that editing during planning does not interfere. */
    private TrainerSettings snapshot() {
        try {
            NodeSettings current = new NodeSettings("model");
            saveSettingsTo(current);
            TrainerSettings copy = new TrainerSettings();
            copy.validate(current);
            copy.loadFrom(current);
            return copy;
        } catch (InvalidSettingsException e) {
            m_planText.setText(PlanPreview.failure(e));
            m_planStatus.setText(" ");
            return null;
        }
    }

    private void markOutdated() {
        if (m_training != null && !m_planText.getText().isEmpty() && m_worker != null && m_worker.isDone()) {
            m_planStatus.setText("Settings changed: press \"Compute plan\" to update the plan.");
        }
    }

    private void cancelPlanning() {
        if (m_worker != null) {
            m_worker.cancel(true);
            m_worker = null;
        }
        m_computeButton.setEnabled(m_training != null);
    }

    /** Completes once the last planning started by {@link #computePlan} has been shown (for tests). */
    CompletableFuture<Void> planShown() {
        return m_shown;
    }

    /** The plan text as shown (for tests). */
    String planText() {
        return m_planText.getText();
    }

    /** The status line above the plan (for tests). */
    String planStatus() {
        return m_planStatus.getText();
    }
}
