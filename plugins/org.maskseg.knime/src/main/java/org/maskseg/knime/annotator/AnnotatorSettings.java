package org.maskseg.knime.annotator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.knime.core.data.DataTableSpec;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.defaultnodesettings.SettingsModel;
import org.knime.core.node.defaultnodesettings.SettingsModelBoolean;
import org.knime.core.node.defaultnodesettings.SettingsModelDoubleBounded;
import org.knime.core.node.defaultnodesettings.SettingsModelInteger;
import org.knime.core.node.defaultnodesettings.SettingsModelIntegerBounded;
import org.knime.core.node.defaultnodesettings.SettingsModelString;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.annotate.AnnotateOptions;
import org.maskseg.core.annotate.AnnotationMode;
import org.maskseg.core.annotate.ScribbleOptions;
import org.maskseg.knime.util.Columns;
import org.maskseg.knime.util.SettingsGroup;

/** Settings of the Ignore-Label Annotator; the keys are those of the node's settings.xml. */
final class AnnotatorSettings extends SettingsGroup {

    static final String SLICES_EVERY = "every n-th";

    static final String SLICES_RANDOM = "random fraction";

    static final String AXIS_AUTO = "auto";

    static final List<String> AXES = List.of(AXIS_AUTO, "x", "y", "z");

    final SettingsModelString labelColumn = new SettingsModelString("label_column", "");

    final SettingsModelString imageColumn = new SettingsModelString("image_column", "");

    final SettingsModelString roiColumn = new SettingsModelString("roi_column", "");

    final SettingsModelString mode = new SettingsModelString("mode", AnnotationMode.SCRIBBLES.key());

    final SettingsModelBoolean defaultIgnore = new SettingsModelBoolean("ignore_value_default", true);

    final SettingsModelInteger ignoreValue = new SettingsModelInteger("ignore_value", -1);

    final SettingsModelString remapValues = new SettingsModelString("remap_values", "");

    final SettingsModelDoubleBounded borderWidth =
        new SettingsModelDoubleBounded("border_width", 2, 0, Double.MAX_VALUE);

    final SettingsModelBoolean borderPhysical = new SettingsModelBoolean("border_width_physical", false);

    final SettingsModelBoolean outOfFieldEnabled = new SettingsModelBoolean("out_of_field_enabled", false);

    final SettingsModelDoubleBounded outOfFieldValue =
        new SettingsModelDoubleBounded("out_of_field_value", 0, -Double.MAX_VALUE, Double.MAX_VALUE);

    final SettingsModelBoolean outOfFieldAllChannels = new SettingsModelBoolean("out_of_field_all_channels", true);

    final SettingsModelString sliceSelection = new SettingsModelString("slice_selection", SLICES_EVERY);

    final SettingsModelIntegerBounded sliceEvery =
        new SettingsModelIntegerBounded("slice_every", 5, 1, Integer.MAX_VALUE);

    final SettingsModelDoubleBounded sliceFraction = new SettingsModelDoubleBounded("slice_fraction", 0.1, 0, 1);

    final SettingsModelString sliceAxis = new SettingsModelString("slice_axis", AXIS_AUTO);

    final SettingsModelIntegerBounded scribbleEvery =
        new SettingsModelIntegerBounded("scribble_every_slice", 1, 1, Integer.MAX_VALUE);

    final SettingsModelIntegerBounded scribbleThickness = new SettingsModelIntegerBounded("scribble_thickness",
        ScribbleOptions.DEFAULT.thickness(), 1, Integer.MAX_VALUE);

    final SettingsModelDoubleBounded scribbleBoundary = new SettingsModelDoubleBounded(
        "scribble_boundary_fraction", ScribbleOptions.DEFAULT.boundaryFraction(), 0, 1);

    final SettingsModelDoubleBounded patchFraction = new SettingsModelDoubleBounded("patch_fraction", 0.1, 0, 1);

    final SettingsModelIntegerBounded patchSize =
        new SettingsModelIntegerBounded("patch_size", AnnotateOptions.DEFAULT_PATCH_SIZE, 1, Integer.MAX_VALUE);

    final SettingsModelString unknownClass = new SettingsModelString("unknown_class", "");

    final SettingsModelString classNames = new SettingsModelString("class_names", "");

    final SettingsModelInteger seed = new SettingsModelInteger("seed", 0);

    final SettingsModelString outputColumn = new SettingsModelString("output_column", "Annotated labels");

    @Override
    public List<SettingsModel> models() {
        return List.of(labelColumn, imageColumn, roiColumn, mode, defaultIgnore, ignoreValue, remapValues,
            borderWidth, borderPhysical, outOfFieldEnabled, outOfFieldValue, outOfFieldAllChannels, sliceSelection,
            sliceEvery, sliceFraction, sliceAxis, scribbleEvery, scribbleThickness, scribbleBoundary, patchFraction,
            patchSize, unknownClass, classNames, seed, outputColumn);
    }

    @Override
    protected AnnotatorSettings newInstance() {
        return new AnnotatorSettings();
    }

    static List<String> modeKeys() {
        return Arrays.stream(AnnotationMode.values()).map(AnnotationMode::key).toList();
    }

    AnnotationMode modeValue() throws InvalidSettingsException {
        try {
            return AnnotationMode.of(mode.getStringValue());
        } catch (InvalidInputException e) {
            throw refused(e);
        }
    }

    boolean needsImage() throws InvalidSettingsException {
        return modeValue() == AnnotationMode.INVALID;
    }

    boolean needsRoi() throws InvalidSettingsException {
        AnnotationMode m = modeValue();
        return m == AnnotationMode.ROI || m == AnnotationMode.CLASS_ROI;
    }

    /**
     * For mode class-roi, the name of the class that is unknown outside the region (the class name, else its value):
     * it names the unknown-mask column. Null for the other modes.
     */
    String unknownClassName() throws InvalidSettingsException {
        AnnotateOptions o = options();
        if (o.mode() != AnnotationMode.CLASS_ROI) {
            return null;
        }
        try {
            return o.unknownClassChoice().displayName(o.classNames());
        } catch (InvalidInputException e) {
            throw refused(e);
        }
    }

    /** The columns the chosen mode reads must exist and hold images or file paths. */
    void validateColumns(final DataTableSpec in) throws InvalidSettingsException {
        Columns.require(in, labelColumn.getStringValue(), "Label column", Columns.IMAGE_OR_PATH);
        if (needsImage()) {
            Columns.require(in, imageColumn.getStringValue(), "Image column", Columns.IMAGE_OR_PATH);
        }
        if (needsRoi()) {
            Columns.require(in, roiColumn.getStringValue(), "Region-of-interest column", Columns.IMAGE_OR_PATH);
        }
    }

    @Override
    protected void check() throws InvalidSettingsException {
        options();
        if (outputColumn.getStringValue() == null || outputColumn.getStringValue().isBlank()) {
            throw new InvalidSettingsException("The output column name must not be empty");
        }
    }

    /** The engine's options for these settings; refused combinations name the setting. */
    AnnotateOptions options() throws InvalidSettingsException {
        AnnotationMode m = modeValue();
        AnnotateOptions o = AnnotateOptions.of(m)
            .withIgnoreValue(defaultIgnore.getBooleanValue() ? null : ignoreValue.getIntValue())
            .withSeed(seed.getIntValue())
            .withClassNames(parseNames(classNames.getStringValue()));
        switch (m) {
            case REMAP -> o = o.withValues(parseValues(remapValues.getStringValue()));
            case BORDER -> o = o.withWidth(borderWidth.getDoubleValue(), borderPhysical.getBooleanValue());
            case INVALID -> o = o.withOutOfField(
                outOfFieldEnabled.getBooleanValue() ? outOfFieldValue.getDoubleValue() : null,
                outOfFieldAllChannels.getBooleanValue());
            case SLICES -> o = (SLICES_RANDOM.equals(sliceSelection.getStringValue())
                ? o.withFraction(sliceFraction.getDoubleValue()) : o.withEvery(sliceEvery.getIntValue()))
                    .withAxis(axis());
            case SCRIBBLES -> o = o.withEvery(scribbleEvery.getIntValue()).withAxis(axis())
                .withScribbleStroke(scribbleThickness.getIntValue(), scribbleBoundary.getDoubleValue());
            case PATCHES -> o = o.withFraction(patchFraction.getDoubleValue()).withPatchSize(patchSize.getIntValue());
            case CLASS_ROI -> o = o.withUnknownClass(unknownClass.getStringValue());
            default -> {
                // ROI needs only its input column
            }
        }
        if (m == AnnotationMode.SLICES && !List.of(SLICES_EVERY, SLICES_RANDOM).contains(sliceSelection.getStringValue())) {
            throw new InvalidSettingsException("Slice selection \"" + sliceSelection.getStringValue()
                + "\" is unknown; expected \"" + SLICES_EVERY + "\" or \"" + SLICES_RANDOM + "\"");
        }
        try {
            return o.validate();
        } catch (InvalidInputException e) {
            throw refused(e);
        }
    }

    private Integer axis() throws InvalidSettingsException {
        int i = AXES.indexOf(sliceAxis.getStringValue());
        if (i < 0) {
            throw new InvalidSettingsException(
                "Slice axis \"" + sliceAxis.getStringValue() + "\" is unknown; expected one of " + AXES);
        }
        return i == 0 ? null : i - 1;
    }

    /** "background, nucleus, mito" as a list of names; empty text gives no names. */
    static List<String> parseNames(final String text) {
        List<String> names = new ArrayList<>();
        for (String part : (text == null ? "" : text).split(",")) {
            names.add(part.trim());
        }
        return names.size() == 1 && names.get(0).isEmpty() ? List.of() : names;
    }

    /** "3, 4 ,7" as a list of label values. */
    static List<Integer> parseValues(final String text) throws InvalidSettingsException {
        List<Integer> values = new ArrayList<>();
        for (String part : (text == null ? "" : text).split("[,;\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                values.add(Integer.parseInt(part));
            } catch (NumberFormatException e) {
                throw new InvalidSettingsException("\"Values to ignore\": \"" + part
                    + "\" is not a whole number; list label values separated by commas, e.g. 3, 4");
            }
        }
        if (values.isEmpty()) {
            throw new InvalidSettingsException(
                "\"Values to ignore\" is empty; list the label values that become ignore, e.g. 3, 4");
        }
        return values;
    }

    /** Enables the settings the chosen mode uses (the dialog calls this when the mode changes). */
    void updateEnabled() {
        AnnotationMode m;
        try {
            m = AnnotationMode.of(mode.getStringValue());
        } catch (InvalidInputException e) {
            return;
        }
        Set<AnnotationMode> slicing = EnumSet.of(AnnotationMode.SLICES, AnnotationMode.SCRIBBLES);
        imageColumn.setEnabled(m == AnnotationMode.INVALID);
        roiColumn.setEnabled(m == AnnotationMode.ROI || m == AnnotationMode.CLASS_ROI);
        unknownClass.setEnabled(m == AnnotationMode.CLASS_ROI);
        ignoreValue.setEnabled(!defaultIgnore.getBooleanValue());
        remapValues.setEnabled(m == AnnotationMode.REMAP);
        borderWidth.setEnabled(m == AnnotationMode.BORDER);
        borderPhysical.setEnabled(m == AnnotationMode.BORDER);
        outOfFieldEnabled.setEnabled(m == AnnotationMode.INVALID);
        outOfFieldValue.setEnabled(m == AnnotationMode.INVALID && outOfFieldEnabled.getBooleanValue());
        outOfFieldAllChannels.setEnabled(m == AnnotationMode.INVALID && outOfFieldEnabled.getBooleanValue());
        sliceSelection.setEnabled(m == AnnotationMode.SLICES);
        sliceEvery.setEnabled(m == AnnotationMode.SLICES && SLICES_EVERY.equals(sliceSelection.getStringValue()));
        sliceFraction.setEnabled(m == AnnotationMode.SLICES && SLICES_RANDOM.equals(sliceSelection.getStringValue()));
        sliceAxis.setEnabled(slicing.contains(m));
        scribbleEvery.setEnabled(m == AnnotationMode.SCRIBBLES);
        scribbleThickness.setEnabled(m == AnnotationMode.SCRIBBLES);
        scribbleBoundary.setEnabled(m == AnnotationMode.SCRIBBLES);
        patchFraction.setEnabled(m == AnnotationMode.PATCHES);
        patchSize.setEnabled(m == AnnotationMode.PATCHES);
        seed.setEnabled(EnumSet.of(AnnotationMode.SLICES, AnnotationMode.SCRIBBLES, AnnotationMode.PATCHES)
            .contains(m));
    }
}
