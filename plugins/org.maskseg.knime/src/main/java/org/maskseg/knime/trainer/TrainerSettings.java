package org.maskseg.knime.trainer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.knime.core.data.DataTableSpec;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.defaultnodesettings.SettingsModel;
import org.knime.core.node.defaultnodesettings.SettingsModelBoolean;
import org.knime.core.node.defaultnodesettings.SettingsModelDoubleBounded;
import org.knime.core.node.defaultnodesettings.SettingsModelInteger;
import org.knime.core.node.defaultnodesettings.SettingsModelIntegerBounded;
import org.knime.core.node.defaultnodesettings.SettingsModelString;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.plan.Preset;
import org.maskseg.core.train.ClassMapping;
import org.maskseg.core.train.CrossValidation;
import org.maskseg.core.train.Budget;
import org.maskseg.core.train.TrainingSettings;
import org.maskseg.knime.util.DatasetProperties;
import org.maskseg.knime.util.IgnoreValueProperty;
import org.maskseg.knime.util.PartialLabelColumns;
import org.maskseg.knime.util.SettingsGroup;

/** Settings of the Masked Trainer; the keys are those of the node's settings.xml. 0 means "as planned". */
final class TrainerSettings extends SettingsGroup {

    static final String AUTO = "auto";

    static final List<String> CONFIGURATIONS = List.of(AUTO, "2d", "3d", "3d_cascade");

    static final List<String> PRECISIONS = Precision.SETTINGS;

    static final List<String> PRESETS = Arrays.stream(Preset.values()).map(Preset::label).toList();

    static final String FINAL_MODEL = "final";

    static final String BEST_MODEL = "best";

    final SettingsModelString imageColumn = new SettingsModelString("image_column", "");

    final SettingsModelString labelColumn = new SettingsModelString("label_column", "");

    final SettingsModelBoolean defaultIgnore = new SettingsModelBoolean("ignore_value_default", true);

    final SettingsModelInteger ignoreValue = new SettingsModelInteger("ignore_value", -1);

    final SettingsModelString configuration = new SettingsModelString("configuration", AUTO);

    /** The network the planner plans: nnU-Net's plain U-Net ("default") or a ResEnc preset. */
    final SettingsModelString preset = new SettingsModelString("preset", Preset.DEFAULT.label());

    /** One name per image channel, comma separated; CT selects CT normalisation. Empty: declared by the column. */
    final SettingsModelString channelNames = new SettingsModelString("channel_names", "");

    final SettingsModelIntegerBounded epochs = new SettingsModelIntegerBounded("epochs", 0, 0, Integer.MAX_VALUE);

    final SettingsModelIntegerBounded iterations =
        new SettingsModelIntegerBounded("iterations_per_epoch", 0, 0, Integer.MAX_VALUE);

    final SettingsModelIntegerBounded validationIterations =
        new SettingsModelIntegerBounded("validation_iterations", 0, 0, Integer.MAX_VALUE);

    final SettingsModelIntegerBounded batchSize = new SettingsModelIntegerBounded("batch_size", 0, 0, 4096);

    final SettingsModelString patchSize = new SettingsModelString("patch_size", "");

    final SettingsModelIntegerBounded timeLimit =
        new SettingsModelIntegerBounded("time_limit_minutes", 0, 0, Integer.MAX_VALUE);

    /** Training time or steps to fit the schedule to, e.g. 20m, 2h or 5000steps; empty for nnU-Net's epochs. */
    final SettingsModelString budget = new SettingsModelString("budget", "");

    /** With a time budget, whether the plan's patch, batch and width may be made smaller to suit the device. */
    final SettingsModelBoolean deviceSizing = new SettingsModelBoolean("device_sizing", true);

    final SettingsModelDoubleBounded validationFraction =
        new SettingsModelDoubleBounded("validation_fraction", 0.2, 0, 0.9);

    final SettingsModelString device = new SettingsModelString("device", AUTO);

    final SettingsModelString precision = new SettingsModelString("precision", AUTO);

    final SettingsModelInteger seed = new SettingsModelInteger("seed", 0);

    final SettingsModelIntegerBounded threads = new SettingsModelIntegerBounded("threads", 0, 0, 1024);

    final SettingsModelString modelSelection = new SettingsModelString("model_selection", FINAL_MODEL);

    final SettingsModelString annotatedClassesColumn = new SettingsModelString("annotated_classes_column", "");

    final SettingsModelBoolean detectUnknownMasks = new SettingsModelBoolean("detect_unknown_masks", true);

    final SettingsModelString unknownMaskColumn = new SettingsModelString("unknown_mask_column", "");

    final SettingsModelString unknownMaskClass = new SettingsModelString("unknown_mask_class", "");

    final SettingsModelString regions = new SettingsModelString("regions", "");

    final SettingsModelString classNames = new SettingsModelString("class_names", "");

    final SettingsModelString classMap = new SettingsModelString("class_map", "");

    final SettingsModelIntegerBounded freezeEncoderEpochs =
        new SettingsModelIntegerBounded("freeze_encoder_epochs", 0, 0, Integer.MAX_VALUE);

    final SettingsModelDoubleBounded learningRate = new SettingsModelDoubleBounded("learning_rate", 0, 0, 1000);

    final SettingsModelBoolean finalValidation = new SettingsModelBoolean("final_validation", true);

    /** Folds of a cross-validation; 0 trains one model on the held-out fraction. */
    final SettingsModelIntegerBounded folds = new SettingsModelIntegerBounded("folds", 0, 0, 1000);

    /** The one fold to train; -1 trains all folds one after the other. */
    final SettingsModelIntegerBounded fold = new SettingsModelIntegerBounded("fold", -1, -1, 999);

    @Override
    public List<SettingsModel> models() {
        return List.of(imageColumn, labelColumn, defaultIgnore, ignoreValue, configuration, channelNames, epochs,
            iterations,
            validationIterations, batchSize, patchSize, timeLimit, budget, validationFraction, device, precision, seed,
            threads, modelSelection, annotatedClassesColumn, detectUnknownMasks, unknownMaskColumn, unknownMaskClass,
            regions, classNames, classMap, freezeEncoderEpochs, learningRate, finalValidation, folds, fold, preset,
            deviceSizing);
    }

    @Override
    protected List<SettingsModel> addedLater() {
        return List.of(preset, deviceSizing);
    }

    @Override
    protected TrainerSettings newInstance() {
        return new TrainerSettings();
    }

    @Override
    protected void check() throws InvalidSettingsException {
        trainingSettings();
        crossValidation();
        presetChoice();
        if (!List.of(FINAL_MODEL, BEST_MODEL).contains(modelSelection.getStringValue())) {
            throw new InvalidSettingsException("Model selection \"" + modelSelection.getStringValue()
                + "\" is unknown; expected \"" + FINAL_MODEL + "\" or \"" + BEST_MODEL + "\"");
        }
    }

    /** The cross-validation the fold settings ask for, or null for none. */
    CrossValidation crossValidation() throws InvalidSettingsException {
        int n = folds.getIntValue();
        int k = fold.getIntValue();
        if (n == 0) {
            if (k >= 0) {
                throw new InvalidSettingsException("\"Fold\" " + k + " is set, but \"Cross-validation folds\" is 0; "
                    + "set the number of folds (e.g. 5) or the fold to -1");
            }
            return null;
        }
        if (n == 1) {
            throw new InvalidSettingsException("\"Cross-validation folds\" must be 0 (no cross-validation) or at "
                + "least 2, got 1");
        }
        if (k >= n) {
            throw new InvalidSettingsException("\"Fold\" " + k + " does not exist: folds are numbered 0 to " + (n - 1)
                + " (-1 trains all of them)");
        }
        return new CrossValidation(n, k < 0 ? null : k, null);
    }

    /** The chosen preset. */
    Preset presetChoice() throws InvalidSettingsException {
        try {
            Preset p = Preset.parse(preset.getStringValue());
            return p == null ? Preset.DEFAULT : p;
        } catch (InvalidInputException e) {
            throw new InvalidSettingsException("Network preset: " + e.getMessage(), e);
        }
    }

    /** Whether the class mapping setting, which needs an initial model, is set. */
    boolean mapsClasses() {
        return !blank(classMap.getStringValue());
    }

    /** The class names setting as a list, background first; null when empty. */
    List<String> classNameList() {
        String text = classNames.getStringValue();
        return blank(text) ? null : Arrays.stream(text.split(",")).map(String::trim).toList();
    }

    private static boolean blank(final String s) {
        return s == null || s.isBlank();
    }

    /**
     * With an initial model: how the classes of the labels relate to those of the model, from the class names or
     * the class mapping setting; null when neither is set.
     *
     * @param modelClassNames the initial model's class names
     */
    ClassMapping classMapping(final List<String> modelClassNames) throws InvalidSettingsException {
        boolean byName = !blank(classNames.getStringValue());
        boolean byIndex = !blank(classMap.getStringValue());
        if (!byName && !byIndex) {
            return null;
        }
        if (byName && byIndex) {
            throw new InvalidSettingsException("Give the classes either by name (\"Class names\") or by index "
                + "(\"Class mapping\"), not both");
        }
        try {
            return byName ? ClassMapping.byNames(modelClassNames, classNames.getStringValue().trim())
                : ClassMapping.parse(classMap.getStringValue().trim(), modelClassNames);
        } catch (InvalidInputException e) {
            throw refused(e);
        }
    }

    /** The partial-label columns these settings select in a table (none when nothing is selected or found). */
    PartialLabelColumns partialLabels(final DataTableSpec spec) throws InvalidSettingsException {
        return PartialLabelColumns.of(spec, annotatedClassesColumn.getStringValue(),
            detectUnknownMasks.getBooleanValue(), unknownMaskColumn.getStringValue(),
            unknownMaskClass.getStringValue());
    }

    /**
     * The planner options for a table: the region definitions and channel names set in the dialog, else those the
     * table's label and image columns declare ({@link DatasetProperties}, set by the nnU-Net Dataset Reader).
     */
    PlannerOptions plannerOptions(final DataTableSpec table) throws InvalidSettingsException {
        String r = regions.getStringValue();
        if (blank(r) && table != null) {
            r = DatasetProperties.text(table.getColumnSpec(labelColumn.getStringValue()), DatasetProperties.REGIONS);
        }
        return PlannerOptions.defaults().withPreset(presetChoice()).withRegions(blank(r) ? null : r.trim())
            .withChannelModalities(channelNameList(table));
    }

    /**
     * The channel names: those set in the dialog, else those the image column declares; null when neither (z-score
     * for every channel).
     */
    List<String> channelNameList(final DataTableSpec table) {
        String text = channelNames.getStringValue();
        if (!blank(text)) {
            return Arrays.stream(text.split(",")).map(String::trim).toList();
        }
        return table == null ? null
            : DatasetProperties.list(table.getColumnSpec(imageColumn.getStringValue()), DatasetProperties.CHANNEL_NAMES);
    }

    /**
     * The classes the label column declares (class names from {@link DatasetProperties}, with the ignore value of
     * {@link #ignore(DataTableSpec)}, else the highest class + 1), used when no class names are set in the dialog;
     * null when the column declares none or class names are set.
     */
    LabelSpec declaredLabels(final DataTableSpec table) throws InvalidSettingsException {
        if (!blank(classNames.getStringValue()) || table == null) {
            return null;
        }
        List<String> names =
            DatasetProperties.list(table.getColumnSpec(labelColumn.getStringValue()), DatasetProperties.CLASS_NAMES);
        if (names == null) {
            return null;
        }
        Integer ignore = ignore(table);
        try {
            return new LabelSpec(names.size(), ignore == null ? names.size() : ignore, names);
        } catch (InvalidInputException e) {
            throw new InvalidSettingsException("The label column \"" + labelColumn.getStringValue() + "\" declares "
                + "the classes " + names + ": " + e.getMessage(), e);
        }
    }

    /**
     * The ignore value training uses on a table: the one set in the dialog; with the default, the one the label
     * column declares ({@link IgnoreValueProperty}, set by the Ignore-Label Annotator); else null, for the highest
     * class + 1.
     */
    Integer ignore(final DataTableSpec table) throws InvalidSettingsException {
        if (!defaultIgnore.getBooleanValue()) {
            return ignoreValue.getIntValue();
        }
        return IgnoreValueProperty.of(table.getColumnSpec(labelColumn.getStringValue()));
    }

    /** Where the value of {@link #ignore(DataTableSpec)} comes from, in words for the plan preview. */
    String ignoreSource(final DataTableSpec table) throws InvalidSettingsException {
        if (!defaultIgnore.getBooleanValue()) {
            return "set in this dialog";
        }
        return ignore(table) != null ? "declared by the label column \"" + labelColumn.getStringValue() + "\""
            : "highest class + 1";
    }

    /**
     * A warning when the ignore value set in the dialog differs from the one the label column of a table declares
     * (the declared value would then count as a class); null when they agree or nothing is declared or set.
     *
     * @param table the training or validation table
     * @param what "training" or "validation", for the message
     */
    String ignoreConflict(final DataTableSpec table, final String what) throws InvalidSettingsException {
        Integer declared = IgnoreValueProperty.of(table.getColumnSpec(labelColumn.getStringValue()));
        if (declared == null || defaultIgnore.getBooleanValue() || declared == ignoreValue.getIntValue()) {
            return null;
        }
        return "Ignore value " + ignoreValue.getIntValue() + " is set, but the " + what + " label column \""
            + labelColumn.getStringValue() + "\" declares " + declared + " (e.g. from the Ignore-Label Annotator); "
            + "the set value is used, so " + declared + " counts as a class. Select \"Ignore value: highest class "
            + "+ 1\" to use the declared value";
    }

    private static Integer planned(final int v) {
        return v == 0 ? null : v;
    }

    /** The engine's training settings; refused values name the setting. */
    TrainingSettings trainingSettings() throws InvalidSettingsException {
        String conf = configuration.getStringValue();
        if (!CONFIGURATIONS.contains(conf)) {
            throw new InvalidSettingsException("Configuration \"" + conf + "\" is unknown; expected " + CONFIGURATIONS);
        }
        try {
            Precision.checkSetting(precision.getStringValue(), "Precision");
        } catch (InvalidInputException e) {
            throw refused(e);
        }
        try {
            TrainingSettings.Builder b = TrainingSettings.builder()
                .configuration(AUTO.equals(conf) ? null : conf)
                .epochs(planned(epochs.getIntValue()))
                .iterationsPerEpoch(planned(iterations.getIntValue()))
                .validationIterations(planned(validationIterations.getIntValue()))
                .batchSize(planned(batchSize.getIntValue()))
                .timeLimit(timeLimit.getIntValue() == 0 ? null : Duration.ofMinutes(timeLimit.getIntValue()))
                .budget(budget.getStringValue().isBlank() ? null : Budget.parse(budget.getStringValue()))
                .deviceSizing(deviceSizing.getBooleanValue())
                .validationFraction(validationFraction.getDoubleValue())
                .seed(seed.getIntValue())
                .device(device.getStringValue())
                .precision(precision.getStringValue())
                .threads(threads.getIntValue())
                .freezeEncoderEpochs(freezeEncoderEpochs.getIntValue())
                .learningRate(learningRate.getDoubleValue() == 0 ? null : learningRate.getDoubleValue());
            int[] patch = parsePatchSize(patchSize.getStringValue());
            if (patch != null) {
                b.patchSize(patch);
            }
            return b.build();
        } catch (InvalidInputException e) {
            throw refused(e);
        }
    }

    /** "128, 128" (x first); empty for the planned size. */
    static int[] parsePatchSize(final String text) throws InvalidSettingsException {
        if (text == null || text.isBlank()) {
            return null;
        }
        List<Integer> values = new ArrayList<>();
        for (String part : text.trim().split("[,x×;\\s]+")) {
            try {
                int v = Integer.parseInt(part);
                if (v < 1) {
                    throw new NumberFormatException();
                }
                values.add(v);
            } catch (NumberFormatException e) {
                throw new InvalidSettingsException("\"Patch size\": \"" + part
                    + "\" is not a positive whole number; give 2 or 3 sizes, x first, e.g. 128, 128");
            }
        }
        if (values.size() != 2 && values.size() != 3) {
            throw new InvalidSettingsException(
                "\"Patch size\" needs 2 (2D) or 3 (3D) sizes, x first, e.g. 128, 128; got \"" + text + "\"");
        }
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
