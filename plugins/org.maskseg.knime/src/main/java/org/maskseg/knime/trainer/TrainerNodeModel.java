package org.maskseg.knime.trainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.knime.core.data.DataColumnSpecCreator;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.DataType;
import org.knime.core.data.def.DefaultRow;
import org.knime.core.data.def.DoubleCell;
import org.knime.core.data.def.IntCell;
import org.knime.core.node.BufferedDataContainer;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeLogger;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;
import org.maskseg.core.CancellationToken;
import org.maskseg.core.CancelledException;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.doctor.Doctor;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.evaluate.Scores;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.plan.DeviceSizing;
import org.maskseg.core.train.EpochStats;
import org.maskseg.core.train.SizingReport;
import org.maskseg.core.train.TrainingCurves;
import org.maskseg.core.train.TrainingJob;
import org.maskseg.core.train.TrainingListener;
import org.maskseg.core.train.TrainingRequest;
import org.maskseg.core.train.TrainingResult;
import org.maskseg.core.train.TrainingSettings;
import org.maskseg.knime.port.MaskSegModelPortObject;
import org.maskseg.knime.port.MaskSegModelPortObjectSpec;
import org.maskseg.knime.util.CellReader;
import org.maskseg.knime.util.Columns;
import org.maskseg.knime.util.IgnoreValueProperty;
import org.maskseg.knime.util.PartialLabelColumns;
import org.maskseg.knime.util.SettingsNodeModel;

import ai.djl.Device;

/**
 * Masked Trainer: plans and trains a segmentation network on the image/label pairs of a table with the engine's
 * training job (masked loss: ignore-label voxels count nowhere). Optional partial-label columns say per row which
 * classes are annotated and where a class is unknown; optional region definitions train one output per region.
 * Outputs the model and one row per epoch.
 * <p>
 * With the default ignore setting, a label column that declares its ignore value ({@link IgnoreValueProperty}, as
 * the Ignore-Label Annotator's output does) is trained with that value; an ignore value set in the dialog wins, and
 * configure warns when it differs from the declared one. Region definitions are checked at configure as far as
 * possible without data ({@link RegionDefinitions}).
 * <p>
 * Two optional inputs: a table of validation cases (same columns as the training table), validated instead of
 * a held-out fraction of the training rows; and a model to start from (its plan, classes and weights).
 */
final class TrainerNodeModel extends SettingsNodeModel<TrainerSettings> {

    private static final NodeLogger LOGGER = NodeLogger.getLogger(TrainerNodeModel.class);

    static final int VALIDATION_PORT = 1;

    static final int MODEL_PORT = 2;

    /** Appended to the row keys of validation cases to name them. */
    static final String VALIDATION_SUFFIX = " (validation)";

    /** Flow variables pushed after training. */
    static final String FLOW_PSEUDO_DICE_EMA = "maskseg_pseudo_dice_ema";

    static final String FLOW_PSEUDO_DICE_LAST = "maskseg_pseudo_dice_last";

    static final String FLOW_EPOCHS = "maskseg_epochs";

    static final String FLOW_STEPS = "maskseg_steps";

    static final String FLOW_SKIPPED_STEPS = "maskseg_skipped_steps";

    static final String FLOW_SECONDS = "maskseg_training_seconds";

    static final String FLOW_STOP_REASON = "maskseg_stop_reason";

    /** Prefix of the final validation's Dice per class or region; the mean is {@link #FLOW_VALIDATION_DICE_MEAN}. */
    static final String FLOW_VALIDATION_DICE_PREFIX = "maskseg_validation_dice_";

    static final String FLOW_VALIDATION_DICE_MEAN = "maskseg_validation_dice_mean";

    /** What device sizing decided and why; set only for a time budget with a newly planned, not fixed, plan. */
    static final String FLOW_DEVICE_SIZING = "maskseg_device_sizing";

    /** The learning curve so far, for the view (replaced, never modified). */
    private volatile LearningCurve m_curve = LearningCurve.EMPTY;

    TrainerNodeModel() {
        // optional ports come after the training table, so that workflows connecting only it stay valid
        super(new PortType[]{BufferedDataTable.TYPE, BufferedDataTable.TYPE_OPTIONAL,
            MaskSegModelPortObject.TYPE_OPTIONAL},
            new PortType[]{MaskSegModelPortObject.TYPE, BufferedDataTable.TYPE}, new TrainerSettings());
    }

    static DataTableSpec statisticsSpec() {
        return new DataTableSpec("Training statistics",
            new DataColumnSpecCreator("Epoch", IntCell.TYPE).createSpec(),
            new DataColumnSpecCreator("Learning rate", DoubleCell.TYPE).createSpec(),
            new DataColumnSpecCreator("Training loss", DoubleCell.TYPE).createSpec(),
            new DataColumnSpecCreator("Validation loss", DoubleCell.TYPE).createSpec(),
            new DataColumnSpecCreator("Mean pseudo-Dice", DoubleCell.TYPE).createSpec(),
            new DataColumnSpecCreator("Pseudo-Dice moving average", DoubleCell.TYPE).createSpec(),
            new DataColumnSpecCreator("Iterations", IntCell.TYPE).createSpec(),
            new DataColumnSpecCreator("Skipped steps", IntCell.TYPE).createSpec(),
            new DataColumnSpecCreator("Epoch seconds", DoubleCell.TYPE).createSpec(),
            new DataColumnSpecCreator("Elapsed seconds", DoubleCell.TYPE).createSpec(),
            new DataColumnSpecCreator("Fold", IntCell.TYPE).createSpec(),
            new DataColumnSpecCreator("Scaler skips", IntCell.TYPE).createSpec(),
            new DataColumnSpecCreator("Loss scale", DoubleCell.TYPE).createSpec());
    }

    @Override
    protected PortObjectSpec[] configure(final PortObjectSpec[] inSpecs) throws InvalidSettingsException {
        DataTableSpec in = (DataTableSpec)inSpecs[0];
        List<String> warnings = new ArrayList<>();
        preset(in, warnings);
        Columns.require(in, m_settings.imageColumn.getStringValue(), "Image column", Columns.IMAGE_OR_PATH);
        Columns.require(in, m_settings.labelColumn.getStringValue(), "Label column", Columns.IMAGE_OR_PATH);
        if (m_settings.imageColumn.getStringValue().equals(m_settings.labelColumn.getStringValue())) {
            throw new InvalidSettingsException("Image and label column are both \""
                + m_settings.imageColumn.getStringValue() + "\"; choose the label images in their own column");
        }
        addIfPresent(warnings, m_settings.ignoreConflict(in, "training"));
        if (inSpecs.length > VALIDATION_PORT && inSpecs[VALIDATION_PORT] != null) {
            DataTableSpec val = (DataTableSpec)inSpecs[VALIDATION_PORT];
            Columns.require(val, m_settings.imageColumn.getStringValue(), "Image column (validation table)",
                Columns.IMAGE_OR_PATH);
            Columns.require(val, m_settings.labelColumn.getStringValue(), "Label column (validation table)",
                Columns.IMAGE_OR_PATH);
            m_settings.partialLabels(val);
            addIfPresent(warnings, m_settings.ignoreConflict(val, "validation"));
            Integer used = m_settings.ignore(in);
            Integer declared = IgnoreValueProperty.of(val.getColumnSpec(m_settings.labelColumn.getStringValue()));
            if (m_settings.defaultIgnore.getBooleanValue() && declared != null && !declared.equals(used)) {
                warnings.add("The validation label column declares the ignore value " + declared + ", the training "
                    + "label column " + (used == null ? "none" : used) + "; training uses "
                    + (used == null ? "the highest class + 1" : used) + " for both tables");
            }
        }
        PartialLabelColumns partial = m_settings.partialLabels(in);
        if (!partial.maskColumns().isEmpty() && m_settings.detectUnknownMasks.getBooleanValue()) {
            warnings.add("Partial labels: unknown masks from " + partial.maskColumns().stream()
                .map(m -> "\"" + m.column() + "\" (class " + m.classToken() + ")").toList());
        }
        m_settings.check();
        if (m_settings.crossValidation() != null && inSpecs.length > VALIDATION_PORT
            && inSpecs[VALIDATION_PORT] != null) {
            throw new InvalidSettingsException("A cross-validation splits the training rows into folds; disconnect "
                + "the validation table or set \"Cross-validation folds\" to 0");
        }
        List<String> knownClassNames = null;
        if (inSpecs.length > MODEL_PORT && inSpecs[MODEL_PORT] instanceof MaskSegModelPortObjectSpec model
            && model.getConfiguration() != null) {
            checkFitsInitialModel(model);
            m_settings.classMapping(model.getClassNames());
            knownClassNames = model.getClassNames();
        } else if (m_settings.mapsClasses()
            && !(inSpecs.length > MODEL_PORT && inSpecs[MODEL_PORT] instanceof MaskSegModelPortObjectSpec)) {
            throw new InvalidSettingsException("\"Class mapping\" relates the label classes to those of an initial "
                + "model; connect the model to the third input, or clear it and name the classes under \"Class "
                + "names\"");
        } else if (!(inSpecs.length > MODEL_PORT && inSpecs[MODEL_PORT] instanceof MaskSegModelPortObjectSpec)) {
            LabelSpec declared = m_settings.declaredLabels(in);
            knownClassNames = declared != null ? declared.classNames() : m_settings.classNameList();
        }
        RegionDefinitions.check(m_settings.plannerOptions(in).regions(), knownClassNames);
        if (!warnings.isEmpty()) {
            setWarningMessage(String.join("\n", warnings));
        }
        // The model's classes and plan are known only once the data has been read.
        return new PortObjectSpec[]{null, statisticsSpec()};
    }

    private static void addIfPresent(final List<String> warnings, final String warning) {
        if (warning != null) {
            warnings.add(warning);
        }
    }

    /**
     * A warm start keeps the initial model's network: a differing configuration or patch size, or a preset that
     * plans another network, is refused.
     */
    private void checkFitsInitialModel(final MaskSegModelPortObjectSpec model) throws InvalidSettingsException {
        TrainingSettings s = m_settings.trainingSettings();
        if (m_settings.presetChoice().residual()) {
            throw new InvalidSettingsException("Network preset " + m_settings.presetChoice().label() + " plans a new "
                + "network, but a start from the initial model keeps the model's network; set it to default");
        }
        if (s.data().configuration() != null && !s.data().configuration().equals(model.getConfiguration())) {
            throw new InvalidSettingsException("Configuration " + s.data().configuration() + " differs from the "
                + "initial model's " + model.getConfiguration() + "; set it to auto or " + model.getConfiguration());
        }
        if (s.data().patchSize() != null && model.getPatchSize().length > 0
            && !Arrays.equals(s.data().patchSize(), model.getPatchSize())) {
            throw new InvalidSettingsException("Patch size " + Arrays.toString(s.data().patchSize())
                + " differs from the initial model's " + Arrays.toString(model.getPatchSize())
                + "; leave it empty to train with the model's patch size");
        }
    }

    private void preset(final DataTableSpec in, final List<String> warnings) {
        if (m_settings.imageColumn.getStringValue().isEmpty() && m_settings.labelColumn.getStringValue().isEmpty()) {
            String labels = Columns.guess(in, Set.of(), Columns.LABEL_HINTS, Columns.IMAGE_OR_PATH);
            String image = Columns.guess(in, labels == null ? Set.of() : Set.of(labels), List.of(),
                Columns.IMAGE_OR_PATH);
            if (labels != null && image != null) {
                m_settings.imageColumn.setStringValue(image);
                m_settings.labelColumn.setStringValue(labels);
                warnings.add("Columns preset: images \"" + image + "\", labels \"" + labels + "\"");
            }
        }
    }

    @Override
    protected PortObject[] execute(final PortObject[] inObjects, final ExecutionContext exec) throws Exception {
        BufferedDataTable table = (BufferedDataTable)inObjects[0];
        if (table.size() == 0) {
            throw new InvalidInputException("The input table is empty; training needs at least one image with labels");
        }
        TrainingSettings settings = m_settings.trainingSettings();
        if (inObjects.length > MODEL_PORT && inObjects[MODEL_PORT] instanceof MaskSegModelPortObject initial) {
            exec.setMessage("Reading the initial model");
            TrainedModel model = TrainedModel.load(initial.getModelFile());
            settings = settings.toBuilder().initialModel(model)
                .classMapping(m_settings.classMapping(model.labels().classNames())).build();
        } else if (m_settings.mapsClasses()) {
            throw new InvalidInputException("\"Class mapping\" relates the label classes to those of an initial "
                + "model; connect the model to the third input, or clear it and name the classes under \"Class "
                + "names\"");
        } else {
            settings = settings.toBuilder().classNames(m_settings.classNameList()).build();
        }
        CellReader reader = new CellReader(table.getDataTableSpec(), m_settings.labelColumn.getStringValue(),
            m_settings.imageColumn.getStringValue(), null);
        PartialLabelColumns partial = m_settings.partialLabels(table.getDataTableSpec());
        Integer ignore = m_settings.ignore(table.getDataTableSpec());
        LabelSpec declared = settings.start().initialModel() == null ? m_settings.declaredLabels(table.getDataTableSpec())
            : null;
        List<String> classNames = declared != null ? declared.classNames() : classNames(settings);

        ExecutionMonitor reading = exec.createSubProgress(0.05);
        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> labels = new ArrayList<>();
        List<ClassKnowledge> knowledge = new ArrayList<>();
        long row = 0;
        for (DataRow r : table) {
            exec.checkCanceled();
            images.add(reader.image(r));
            labels.add(reader.labels(r));
            knowledge.add(partial.knowledge(r, classNames));
            long done = ++row;
            reading.setProgress(done / (double)table.size(), () -> "Read " + done + " of " + table.size() + " cases");
        }
        List<ImageVolume> valImages = new ArrayList<>();
        List<LabelVolume> valLabels = new ArrayList<>();
        List<ClassKnowledge> valKnowledge = new ArrayList<>();
        if (inObjects.length > VALIDATION_PORT && inObjects[VALIDATION_PORT] instanceof BufferedDataTable val) {
            if (val.size() == 0) {
                throw new InvalidInputException("The validation table is empty; connect a table with at least one "
                    + "image with labels, or disconnect it to hold out a fraction of the training rows");
            }
            CellReader valReader = new CellReader(val.getDataTableSpec(), m_settings.labelColumn.getStringValue(),
                m_settings.imageColumn.getStringValue(), null);
            PartialLabelColumns valPartial = m_settings.partialLabels(val.getDataTableSpec());
            for (DataRow r : val) {
                exec.checkCanceled();
                // row keys of the two tables may coincide; case names must not
                valImages.add(valReader.image(r).withName(r.getKey().getString() + VALIDATION_SUFFIX));
                valLabels.add(valReader.labels(r).withName(r.getKey().getString() + VALIDATION_SUFFIX));
                valKnowledge.add(valPartial.knowledge(r, classNames));
            }
        }

        logComputeSetUp(settings);
        ExecutionMonitor training = exec.createSubProgress(0.95);
        BufferedDataContainer stats = exec.createDataContainer(statisticsSpec());
        m_curve = new LearningCurve(List.of(), List.of(), "Planning and preprocessing", true);
        notifyViews(m_curve);
        Progress listener = new Progress(training, stats, settings, this::updateCurve);
        CancellationToken token = CancellationToken.of(() -> {
            try {
                exec.checkCanceled();
                return false;
            } catch (CanceledExecutionException e) {
                return true;
            }
        });
        TrainingResult result;
        try {
            boolean partialLabels = Stream.concat(knowledge.stream(), valKnowledge.stream())
                .anyMatch(k -> !k.isComplete());
            PlannerOptions planner = m_settings.plannerOptions(table.getDataTableSpec());
            result = partialLabels
                ? TrainingJob.run(TrainingRequest.volumes(images, labels).knowledge(knowledge)
                    .validation(valImages, valLabels, valKnowledge).ignoreValue(ignore).declaredLabels(declared)
                    .settings(settings).planner(planner).finalValidation(m_settings.finalValidation.getBooleanValue())
                    .crossValidation(m_settings.crossValidation()).build(), listener, token)
                : TrainingJob.run(TrainingRequest.volumes(images, labels).validation(valImages, valLabels)
                    .ignoreValue(ignore).declaredLabels(declared).settings(settings).planner(planner)
                    .finalValidation(m_settings.finalValidation.getBooleanValue())
                    .crossValidation(m_settings.crossValidation()).build(), listener, token);
        } catch (CancelledException e) {
            m_curve = m_curve.finished(m_curve.scoreNames(), "Training cancelled");
            throw new CanceledExecutionException("Training cancelled; no model was produced");
        }
        stats.close();
        if (!result.completed()) {
            setWarningMessage("Training stopped early (" + result.stopReason() + ") after "
                + result.history().size() + " epochs");
        }
        TrainedModel model =
            TrainerSettings.BEST_MODEL.equals(m_settings.modelSelection.getStringValue()) ? result.bestModel()
                : result.finalModel();
        if (result.sizing() != null) {
            result.sizing().lines().forEach(LOGGER::info);
        }
        m_curve = m_curve.finished(model.scoreNames(), "Training " + result.stopReason() + " after "
            + result.history().size() + " epochs" + (result.sizing() == null ? "" : "; " + sizing(result.sizing())));
        notifyViews(m_curve);
        pushResults(result);
        exec.setMessage("Storing the model");
        MaskSegModelPortObject port =
            MaskSegModelPortObject.create(MaskSegModelPortObjectSpec.of(model), exec, model::save)
                .withTrainingCurve(TrainingCurves.scorePng(model.scoreNames(), result.history(), 900, 700));
        return new PortObject[]{port, stats.getTable()};
    }

    /** The plan device sizing trained, in a few words for the view. */
    static String sizing(final SizingReport report) {
        DeviceSizing.Decision d = report.decision();
        return d.changed()
            ? "plan sized to " + report.device() + ": " + d.chosen() + ", about " + d.steps() + " steps"
            : "nnU-Net's plan kept on " + report.device() + ", about " + d.steps() + " steps";
    }

    /** Called by the training listener with each new state; passed on to the open views. */
    private void updateCurve(final java.util.function.UnaryOperator<LearningCurve> change) {
        LearningCurve next;
        synchronized (this) {
            next = change.apply(m_curve);
            m_curve = next;
        }
        notifyViews(next);
    }

    LearningCurve learningCurve() {
        return m_curve;
    }

    /**
     * The main results as flow variables: the final pseudo-Dice (moving average and last epoch's mean), the epochs,
     * the training steps and those skipped for a non-finite loss or gradient, and the seconds of training.
     */
    private void pushResults(final TrainingResult result) {
        List<EpochStats> h = result.history();
        int steps = 0;
        int skipped = 0;
        for (EpochStats s : h) {
            steps += s.iterations();
            skipped += s.skippedSteps();
        }
        EpochStats last = h.isEmpty() ? null : h.get(h.size() - 1);
        pushFlowVariableDouble(FLOW_PSEUDO_DICE_EMA, last == null ? Double.NaN : last.emaPseudoDice());
        pushFlowVariableDouble(FLOW_PSEUDO_DICE_LAST, last == null ? Double.NaN : last.meanPseudoDice());
        pushFlowVariableInt(FLOW_EPOCHS, h.size());
        pushFlowVariableInt(FLOW_STEPS, steps);
        pushFlowVariableInt(FLOW_SKIPPED_STEPS, skipped);
        pushFlowVariableDouble(FLOW_SECONDS, last == null ? 0 : last.elapsedSeconds());
        pushFlowVariableString(FLOW_STOP_REASON, result.stopReason());
        if (result.sizing() != null) {
            pushFlowVariableString(FLOW_DEVICE_SIZING, String.join(" ", result.sizing().lines()));
        }
        Scores v = result.finalValidation();
        if (v != null) {
            for (int i = 0; i < v.names().size(); i++) {
                pushFlowVariableDouble(FLOW_VALIDATION_DICE_PREFIX + v.names().get(i), v.dice(i));
            }
            pushFlowVariableDouble(FLOW_VALIDATION_DICE_MEAN, v.meanDice());
        }
    }

    /**
     * The class names that classes given by name in the partial-label columns refer to: those of the class mapping,
     * else those of the initial model, else those set for a new model; empty when none are set (the classes are then
     * given by value).
     */
    private static List<String> classNames(final TrainingSettings settings) {
        if (settings.start().classMapping() != null) {
            return settings.start().classMapping().classNames();
        }
        if (settings.start().initialModel() != null) {
            return settings.start().initialModel().labels().classNames();
        }
        return settings.data().classNames() != null ? settings.data().classNames() : List.of();
    }

    /** Node progress and the statistics table, from the training job's events. */
    /**
     * Logs what the training computes with (as the command line's doctor prints it): versions, CPU or CUDA build,
     * GPUs, threads and one timed step of a tiny network. A set-up that cannot start is reported by the training
     * itself, with its own message.
     */
    private static void logComputeSetUp(final TrainingSettings settings) {
        try {
            TorchRuntime.setCpuThreads(settings.compute().threads());
            Doctor.environment(settings.compute().installation()).forEach(LOGGER::info);
            Device device = TorchRuntime.device(settings.compute().device());
            Precision precision = Precision.resolve(settings.compute().precision(), device);
            LOGGER.info(Doctor.stepTiming(device, precision));
        } catch (InvalidInputException e) {
            LOGGER.info("compute set-up not reported: " + e.getMessage());
        }
    }

    static final class Progress implements TrainingListener {

        private final ExecutionMonitor m_exec;

        private final BufferedDataContainer m_stats;

        private final TrainingSettings m_settings;

        private final java.util.function.Consumer<java.util.function.UnaryOperator<LearningCurve>> m_curve;

        private String m_epochLine = "";

        /** The fold being trained, or null outside a cross-validation. */
        private Integer m_fold;

        @Override
        public void foldStarted(final int fold, final int folds) {
            m_fold = fold;
            m_exec.setMessage("Fold " + fold + " of " + folds);
            // each fold's curve starts afresh
            m_curve.accept(c -> new LearningCurve(c.scoreNames(), List.of(), "Fold " + fold + " of " + folds, true));
        }

        Progress(final ExecutionMonitor exec, final BufferedDataContainer stats, final TrainingSettings settings,
            final java.util.function.Consumer<java.util.function.UnaryOperator<LearningCurve>> curve) {
            m_exec = exec;
            m_stats = stats;
            m_settings = settings;
            m_curve = curve;
        }

        @Override
        public void phase(final String description) {
            m_exec.setMessage(description);
            m_curve.accept(c -> c.withStatus(description));
        }

        @Override
        public void iterationFinished(final int epoch, final int iteration, final int iterations, final double loss) {
            m_curve.accept(c -> c.withStatus(String.format("Epoch %d, step %d/%d, loss %.4f", epoch, iteration,
                iterations, loss)));
            // progress within an epoch is shown as part of the epoch; the message keeps the last epoch's summary
            m_exec.setMessage(() -> "Epoch " + epoch + ", step " + iteration + "/" + iterations
                + String.format(", loss %.4f", loss) + m_epochLine);
        }

        @Override
        public void epochFinished(final EpochStats s) {
            m_stats.addRowToTable(new DefaultRow((m_fold == null ? "" : "Fold " + m_fold + ", epoch ")
                + (m_fold == null ? "Epoch " + s.epoch() : s.epoch()), new IntCell(s.epoch()),
                new DoubleCell(s.learningRate()), new DoubleCell(s.trainLoss()), new DoubleCell(s.validationLoss()),
                new DoubleCell(s.meanPseudoDice()), new DoubleCell(s.emaPseudoDice()), new IntCell(s.iterations()),
                new IntCell(s.skippedSteps()), new DoubleCell(s.epochSeconds()), new DoubleCell(s.elapsedSeconds()),
                m_fold == null ? DataType.getMissingCell() : new IntCell(m_fold), new IntCell(s.scalerSkips()),
                new DoubleCell(s.lossScale())));
            double fraction = s.epoch() / (double)s.epochs();
            if (m_settings.schedule().timeLimit() != null) {
                fraction = Math.max(fraction, s.elapsedSeconds() / m_settings.schedule().timeLimit().toSeconds());
            }
            if (m_settings.schedule().budget() != null && m_settings.schedule().budget().isTime()) {
                fraction = Math.max(fraction, s.elapsedSeconds() / m_settings.schedule().budget().time().toSeconds());
            }
            m_epochLine = String.format(" | last epoch %d/%d: pseudo-Dice %.3f", s.epoch(), s.epochs(),
                s.meanPseudoDice()) + (Double.isFinite(s.etaSeconds()) ? ", about " + eta(s.etaSeconds()) + " left"
                    : "");
            m_exec.setProgress(Math.min(1, fraction), "Epoch " + s.epoch() + "/" + s.epochs() + m_epochLine);
            m_curve.accept(c -> c.withEpoch(s).withStatus("Epoch " + s.epoch() + "/" + s.epochs() + m_epochLine));
        }

        @Override
        public void message(final String text) {
            m_exec.setMessage(text);
        }

        static String eta(final double seconds) {
            long s = Math.round(seconds);
            return s >= 3600 ? String.format("%d h %02d min", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%d min %02d s", s / 60, s % 60) : s + " s";
        }
    }

    @Override
    protected void reset() {
        // the model lives in the port's file store; the view forgets the curve
        m_curve = LearningCurve.EMPTY;
    }
}
