package org.maskseg.knime.annotator;

import org.knime.core.node.defaultnodesettings.DefaultNodeSettingsPane;
import org.knime.core.node.defaultnodesettings.DialogComponentBoolean;
import org.knime.core.node.defaultnodesettings.DialogComponentColumnNameSelection;
import org.knime.core.node.defaultnodesettings.DialogComponentNumber;
import org.knime.core.node.defaultnodesettings.DialogComponentString;
import org.knime.core.node.defaultnodesettings.DialogComponentStringSelection;
import org.maskseg.knime.util.Columns;

/** Dialog of the Ignore-Label Annotator: columns and mode first, then one group of options per mode. */
final class AnnotatorNodeDialog extends DefaultNodeSettingsPane {

    AnnotatorNodeDialog() {
        AnnotatorSettings s = new AnnotatorSettings();
        createNewGroup("Input");
        addDialogComponent(new DialogComponentColumnNameSelection(s.labelColumn, "Label column", 0, true,
            Columns.IMAGE_OR_PATH));
        addDialogComponent(new DialogComponentColumnNameSelection(s.imageColumn, "Image column (mode 'invalid')", 0,
            false, true, Columns.IMAGE_OR_PATH));
        addDialogComponent(new DialogComponentColumnNameSelection(s.roiColumn,
            "Region-of-interest column (modes 'roi', 'class-roi')", 0, false, true, Columns.IMAGE_OR_PATH));
        closeCurrentGroup();
        createNewGroup("Annotation");
        addDialogComponent(new DialogComponentStringSelection(s.mode, "Mode", AnnotatorSettings.modeKeys()));
        addDialogComponent(new DialogComponentBoolean(s.defaultIgnore, "Ignore value: highest class + 1"));
        addDialogComponent(new DialogComponentNumber(s.ignoreValue, "Ignore value", 1));
        addDialogComponent(new DialogComponentNumber(s.seed, "Random seed", 1));
        addDialogComponent(new DialogComponentString(s.outputColumn, "Output column"));
        addDialogComponent(new DialogComponentString(s.classNames, "Class names (optional, comma separated)"));
        closeCurrentGroup();

        createNewTab("Mode options");
        createNewGroup("remap");
        addDialogComponent(new DialogComponentString(s.remapValues, "Values to ignore (comma separated)"));
        closeCurrentGroup();
        createNewGroup("border");
        addDialogComponent(new DialogComponentNumber(s.borderWidth, "Band half-width", 0.5));
        addDialogComponent(new DialogComponentBoolean(s.borderPhysical, "Width in physical units (voxel spacing)"));
        closeCurrentGroup();
        createNewGroup("invalid");
        addDialogComponent(new DialogComponentBoolean(s.outOfFieldEnabled, "Also ignore out-of-field value"));
        addDialogComponent(new DialogComponentNumber(s.outOfFieldValue, "Out-of-field value", 1));
        addDialogComponent(new DialogComponentBoolean(s.outOfFieldAllChannels, "Only where all channels hold it"));
        closeCurrentGroup();
        createNewGroup("slices and scribbles");
        addDialogComponent(new DialogComponentStringSelection(s.sliceSelection, "Slices",
            AnnotatorSettings.SLICES_EVERY, AnnotatorSettings.SLICES_RANDOM));
        addDialogComponent(new DialogComponentNumber(s.sliceEvery, "Keep every n-th slice", 1));
        addDialogComponent(new DialogComponentNumber(s.sliceFraction, "Fraction of random slices", 0.05));
        addDialogComponent(new DialogComponentStringSelection(s.sliceAxis, "Slice axis", AnnotatorSettings.AXES));
        addDialogComponent(new DialogComponentNumber(s.scribbleEvery, "Scribble every n-th slice (3D)", 1));
        addDialogComponent(new DialogComponentNumber(s.scribbleThickness, "Scribble stroke width (pixels)", 1));
        addDialogComponent(new DialogComponentNumber(s.scribbleBoundary, "Boundary part followed by scribble", 0.05));
        closeCurrentGroup();
        createNewGroup("class-roi (partial labels)");
        addDialogComponent(new DialogComponentString(s.unknownClass, "Class annotated only inside the region"));
        closeCurrentGroup();
        createNewGroup("patches");
        addDialogComponent(new DialogComponentNumber(s.patchFraction, "Fraction of the image covered", 0.05));
        addDialogComponent(new DialogComponentNumber(s.patchSize, "Patch side length (voxels)", 8));
        closeCurrentGroup();

        s.mode.addChangeListener(e -> s.updateEnabled());
        s.defaultIgnore.addChangeListener(e -> s.updateEnabled());
        s.sliceSelection.addChangeListener(e -> s.updateEnabled());
        s.outOfFieldEnabled.addChangeListener(e -> s.updateEnabled());
        s.updateEnabled();
    }
}
