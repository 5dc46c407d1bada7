package org.maskseg.knime.trainer;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.InvalidSettingsException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.train.TrainingJob;
import org.maskseg.core.train.TrainingSettings;
import org.maskseg.knime.port.MaskSegModelPortObject;
import org.maskseg.knime.util.CellReader;

/**
 * The plan the Masked Trainer would train with on its current input, computed with the engine's planning (the one
 * the training itself uses) and described as text for the dialog. No UI classes here: the dialog runs
 * {@link #compute} off the event thread and shows {@link #describe}.
 */
final class PlanPreview {

    static final String NO_DATA = "Execute the upstream node to see the plan.";

    static final String PLANNED = "planned";

    static final String SET = "set in this dialog";

    static final String FROM_MODEL = "from the initial model";

    private PlanPreview() {
    }

    /**
     * Reads the training (and validation) cases and plans on them with the settings' overrides.
     *
     * @param validation the validation table, or null
     * @param initial    the model to start from, or null
     * @param progress   receives a line per case read
     * @param cancelled  checked between cases
     * @throws InvalidSettingsException when a setting is refused (names the setting)
     * @throws CanceledExecutionException when {@code cancelled} turned true
     */
    static Plan compute(final BufferedDataTable training, final BufferedDataTable validation,
        final MaskSegModelPortObject initial, final TrainerSettings settings, final Consumer<String> progress,
        final BooleanSupplier cancelled) throws InvalidSettingsException, CanceledExecutionException {
        TrainingSettings ts = settings.trainingSettings();
        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> labels = new ArrayList<>();
        long total = training.size() + (validation == null ? 0 : validation.size());
        read(training, settings, images, labels, total, progress, cancelled);
        if (validation != null) {
            read(validation, settings, images, labels, total, progress, cancelled);
        }
        if (initial != null) {
            progress.accept("Reading the initial model");
            TrainedModel model = TrainedModel.load(initial.getModelFile());
            ts = ts.toBuilder().initialModel(model)
                .classMapping(settings.classMapping(model.labels().classNames())).build();
        } else {
            ts = ts.toBuilder().classNames(settings.classNameList()).build();
        }
        progress.accept("Planning on " + images.size() + " cases");
        DataTableSpec spec = training.getDataTableSpec();
        return TrainingJob.plan(images, labels, settings.ignore(spec), initial == null ? settings.declaredLabels(spec)
            : null, ts, settings.plannerOptions(spec));
    }

    private static void read(final BufferedDataTable table, final TrainerSettings settings,
        final List<ImageVolume> images, final List<LabelVolume> labels, final long total,
        final Consumer<String> progress, final BooleanSupplier cancelled) throws CanceledExecutionException {
        CellReader reader = new CellReader(table.getDataTableSpec(), settings.labelColumn.getStringValue(),
            settings.imageColumn.getStringValue(), null);
        for (DataRow r : table) {
            if (cancelled.getAsBoolean()) {
                throw new CanceledExecutionException("Planning cancelled");
            }
            images.add(reader.image(r));
            labels.add(reader.labels(r));
            progress.accept("Reading case " + images.size() + " of " + total);
        }
    }

    /**
     * The plan as lines "name: value (source)"; the source says whether the value was planned, set in the dialog
     * (a non-empty override), or taken from the initial model.
     *
     * @param settings the dialog's settings the plan was computed with
     * @param warmStart whether the plan comes from an initial model
     */
    static String describe(final Plan p, final TrainingSettings settings, final boolean warmStart) {
        return describe(p, settings, warmStart, null);
    }

    /**
     * As {@link #describe(Plan, TrainingSettings, boolean)}, saying where the ignore value comes from.
     *
     * @param ignoreSource e.g. "set in this dialog" or "declared by the label column ...", or null when unknown
     */
    static String describe(final Plan p, final TrainingSettings settings, final boolean warmStart,
        final String ignoreSource) {
        String planned = warmStart ? FROM_MODEL : PLANNED;
        StringBuilder sb = new StringBuilder();
        line(sb, "Configuration", p.configuration(), settings.data().configuration() != null ? SET : planned);
        line(sb, "Patch size", sizes(p.patchSize()) + " (" + axes(p.patchSize().length) + ")",
            settings.data().patchSize() != null ? SET : planned);
        line(sb, "Batch size", Integer.toString(p.batchSize()), settings.data().batchSize() != null ? SET : planned);
        line(sb, "Stages", Integer.toString(p.network().numStages()), planned);
        if (p.network().blocksPerStage() != null) {
            line(sb, "Residual blocks per stage", Arrays.stream(p.network().blocksPerStage())
                .mapToObj(Integer::toString).collect(Collectors.joining(", ")), planned);
        }
        line(sb, "Features per stage",
            Arrays.stream(p.network().features()).mapToObj(Integer::toString).collect(Collectors.joining(", ")),
            planned);
        line(sb, "Target spacing", Arrays.stream(p.targetSpacing())
            .mapToObj(PlanPreview::number).collect(Collectors.joining(" × ")), planned);
        boolean epochsSet = settings.schedule().epochs() != null;
        boolean iterationsSet = settings.schedule().iterationsPerEpoch() != null;
        line(sb, "Epochs × iterations", p.training().epochs() + " × " + p.training().iterationsPerEpoch(),
            epochsSet || iterationsSet ? (epochsSet && iterationsSet ? SET : "partly " + SET) : planned);
        line(sb, "Initial learning rate", number(p.training().initialLearningRate()),
            settings.schedule().learningRate() != null ? SET : planned);
        line(sb, "Validation batches per epoch", Integer.toString(p.training().validationIterations()),
            settings.schedule().validationIterations() != null ? SET : planned);
        line(sb, "Classes", p.targets().numClasses() + " (" + String.join(", ", p.targets().classNames())
            + "), ignore value " + p.targets().ignoreValue(),
            ignoreSource == null ? "from the labels" : "classes from the labels, ignore value " + ignoreSource);
        if (p.targets().regionBased()) {
            line(sb, "Regions", p.targets().regions().format(), warmStart ? FROM_MODEL : SET);
        }
        line(sb, "Normalisation", String.join(", ", p.normalization().schemes()), planned);
        if (settings.schedule().sizesToDevice() && !warmStart && settings.data().patchSize() == null
            && settings.data().batchSize() == null) {
            // the preview cannot time the device: say that execution may make the plan smaller
            line(sb, "Device sizing", "patch, batch and features may be made smaller when executed, so that the "
                + "budget allows 500 steps on this computer", "time budget");
        }
        return sb.toString();
    }

    /** The message shown when the plan cannot be computed. */
    static String failure(final Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return "The plan cannot be computed: " + message;
    }

    private static void line(final StringBuilder sb, final String name, final String value, final String source) {
        sb.append(String.format("%-30s%s  (%s)\n", name + ":", value, source));
    }

    private static String sizes(final int[] v) {
        return Arrays.stream(v).mapToObj(Integer::toString).collect(Collectors.joining(" × "));
    }

    private static String axes(final int dims) {
        return dims == 3 ? "x × y × z" : "x × y";
    }

    private static String number(final double v) {
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
