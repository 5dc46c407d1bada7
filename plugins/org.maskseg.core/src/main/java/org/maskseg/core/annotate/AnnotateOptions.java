package org.maskseg.core.annotate;

import java.util.List;

import org.maskseg.core.InvalidInputException;

/**
 * Settings of one annotation job, shared by the command line and the KNIME node. Which settings a mode
 * uses is listed with each; {@link #validate()} refuses missing or contradicting ones.
 *
 * @param mode                  what to do
 * @param ignoreValue           the ignore value of the label files (e.g. -1, 255), or null for the highest
 *                              class + 1
 * @param seed                  seed of the random modes (scribbles, random slices, patches); each case gets
 *                              its own seed derived from this one and the case name
 * @param fraction              slices: fraction of slices chosen at random; patches: fraction of the image
 *                              the patches cover. In (0, 1]
 * @param every                 slices: keep every n-th slice; scribbles: scribble every n-th slice of 3D
 *                              volumes (default 1)
 * @param axis                  slices and scribbles: the slice axis 0 = x, 1 = y, 2 = z; null for z in 3D
 *                              and y (rows) in 2D
 * @param width                 border: half width of the ignore band
 * @param physicalWidth         border: whether the width is in spacing units (e.g. mm) instead of voxels
 * @param values                remap: label values that become ignore
 * @param outOfField            invalid: the image value outside the field of view, or null for NaN and
 *                              infinity only
 * @param outOfFieldAllChannels invalid: out of field only where every channel holds the value
 * @param patchSize             patches: side length in voxels
 * @param thickness             scribbles: stroke width in pixels
 * @param boundaryFraction      scribbles: part of the boundary the boundary scribble covers
 * @param unknownClass          class-roi: the class annotated only inside the region of interest, as its value
 *                              ("2"), its name ("mito", needs classNames) or both ("mito=2"); see {@link ClassChoice}
 * @param classNames            names of the classes 0, 1, ... (background first), or empty; used in reports and
 *                              to find a class by name
 */
public record AnnotateOptions(AnnotationMode mode, Integer ignoreValue, long seed, Double fraction, Integer every,
        Integer axis, Double width, boolean physicalWidth, List<Integer> values, Double outOfField,
        boolean outOfFieldAllChannels, int patchSize, int thickness, double boundaryFraction, String unknownClass,
        List<String> classNames) {

    public static final int DEFAULT_PATCH_SIZE = 32;

    public AnnotateOptions {
        values = values == null ? List.of() : List.copyOf(values);
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
    }

    /** Defaults for a mode: seed 0, patches of 32 voxels, scribble strokes 2 pixels wide along a quarter
     * of the boundary; nothing else set. */
    public static AnnotateOptions of(AnnotationMode mode) {
        return new AnnotateOptions(mode, null, 0, null, null, null, null, false, List.of(), null, false,
                DEFAULT_PATCH_SIZE, ScribbleOptions.DEFAULT.thickness(), ScribbleOptions.DEFAULT.boundaryFraction(),
                null, List.of());
    }

    public AnnotateOptions withIgnoreValue(Integer v) {
        return new AnnotateOptions(mode, v, seed, fraction, every, axis, width, physicalWidth, values, outOfField,
                outOfFieldAllChannels, patchSize, thickness, boundaryFraction, unknownClass, classNames);
    }

    public AnnotateOptions withSeed(long s) {
        return new AnnotateOptions(mode, ignoreValue, s, fraction, every, axis, width, physicalWidth, values,
                outOfField, outOfFieldAllChannels, patchSize, thickness, boundaryFraction, unknownClass, classNames);
    }

    public AnnotateOptions withFraction(Double f) {
        return new AnnotateOptions(mode, ignoreValue, seed, f, every, axis, width, physicalWidth, values,
                outOfField, outOfFieldAllChannels, patchSize, thickness, boundaryFraction, unknownClass, classNames);
    }

    public AnnotateOptions withEvery(Integer n) {
        return new AnnotateOptions(mode, ignoreValue, seed, fraction, n, axis, width, physicalWidth, values,
                outOfField, outOfFieldAllChannels, patchSize, thickness, boundaryFraction, unknownClass, classNames);
    }

    public AnnotateOptions withAxis(Integer a) {
        return new AnnotateOptions(mode, ignoreValue, seed, fraction, every, a, width, physicalWidth, values,
                outOfField, outOfFieldAllChannels, patchSize, thickness, boundaryFraction, unknownClass, classNames);
    }

    public AnnotateOptions withWidth(Double w, boolean physical) {
        return new AnnotateOptions(mode, ignoreValue, seed, fraction, every, axis, w, physical, values, outOfField,
                outOfFieldAllChannels, patchSize, thickness, boundaryFraction, unknownClass, classNames);
    }

    public AnnotateOptions withValues(List<Integer> v) {
        return new AnnotateOptions(mode, ignoreValue, seed, fraction, every, axis, width, physicalWidth, v,
                outOfField, outOfFieldAllChannels, patchSize, thickness, boundaryFraction, unknownClass, classNames);
    }

    public AnnotateOptions withOutOfField(Double v, boolean allChannels) {
        return new AnnotateOptions(mode, ignoreValue, seed, fraction, every, axis, width, physicalWidth, values, v,
                allChannels, patchSize, thickness, boundaryFraction, unknownClass, classNames);
    }

    public AnnotateOptions withPatchSize(int size) {
        return new AnnotateOptions(mode, ignoreValue, seed, fraction, every, axis, width, physicalWidth, values,
                outOfField, outOfFieldAllChannels, size, thickness, boundaryFraction, unknownClass, classNames);
    }

    public AnnotateOptions withScribbleStroke(int pixels, double boundary) {
        return new AnnotateOptions(mode, ignoreValue, seed, fraction, every, axis, width, physicalWidth, values,
                outOfField, outOfFieldAllChannels, patchSize, pixels, boundary, unknownClass, classNames);
    }

    public AnnotateOptions withUnknownClass(String c) {
        return new AnnotateOptions(mode, ignoreValue, seed, fraction, every, axis, width, physicalWidth, values,
                outOfField, outOfFieldAllChannels, patchSize, thickness, boundaryFraction, c, classNames);
    }

    public AnnotateOptions withClassNames(List<String> names) {
        return new AnnotateOptions(mode, ignoreValue, seed, fraction, every, axis, width, physicalWidth, values,
                outOfField, outOfFieldAllChannels, patchSize, thickness, boundaryFraction, unknownClass, names);
    }

    /** The class chosen for mode class-roi, parsed (not yet resolved against the classes). */
    public ClassChoice unknownClassChoice() {
        if (unknownClass == null || unknownClass.isBlank()) {
            throw new InvalidInputException("mode '" + AnnotationMode.CLASS_ROI.key() + "' needs the class that is"
                    + " annotated only inside the region of interest (its value, e.g. 2, or name=value, e.g. mito=2)");
        }
        return ClassChoice.parse(unknownClass);
    }

    /** Checks that the mode has what it needs and nothing that contradicts it. */
    public AnnotateOptions validate() {
        if (mode == null) {
            throw new InvalidInputException("no annotation mode chosen; expected one of " + AnnotationMode.keys());
        }
        String m = "mode '" + mode.key() + "'";
        ClassChoice.checkNames(classNames);
        switch (mode) {
            case REMAP -> {
                if (values.isEmpty()) {
                    throw new InvalidInputException(m + " needs the label values to turn into ignore");
                }
            }
            case BORDER -> {
                if (width == null) {
                    throw new InvalidInputException(m + " needs the band width");
                }
                if (!(width >= 0) || width.isInfinite()) {
                    throw new InvalidInputException("border band width must be a finite number >= 0, got " + width);
                }
            }
            case SLICES -> {
                if ((every == null) == (fraction == null)) {
                    throw new InvalidInputException(m + " needs either a slice interval (every n-th slice) or a"
                            + " fraction of random slices, " + (every == null ? "got neither" : "not both"));
                }
            }
            case PATCHES -> {
                if (fraction == null) {
                    throw new InvalidInputException(m + " needs the fraction of the image the patches cover");
                }
                if (patchSize < 1) {
                    throw new InvalidInputException("patch size must be at least 1 voxel, got " + patchSize);
                }
            }
            case SCRIBBLES -> scribbleOptions(); // checks stroke settings
            case CLASS_ROI -> unknownClassChoice().checkNamed(classNames);
            default -> {
                // ROI and INVALID need inputs, not settings
            }
        }
        if (fraction != null && !(fraction > 0 && fraction <= 1)) {
            throw new InvalidInputException("fraction must be in (0, 1], got " + fraction);
        }
        if (every != null && every < 1) {
            throw new InvalidInputException("slice interval must be at least 1, got " + every);
        }
        if (axis != null && (axis < 0 || axis > 2)) {
            throw new InvalidInputException("slice axis must be 0 (x), 1 (y) or 2 (z), got " + axis);
        }
        return this;
    }

    /** The scribble settings these options describe. */
    public ScribbleOptions scribbleOptions() {
        return new ScribbleOptions(axis == null ? -1 : axis, every == null ? 1 : every, thickness, boundaryFraction);
    }
}
