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
 */
public record AnnotateOptions(AnnotationMode mode, Integer ignoreValue, long seed, Double fraction, Integer every,
        Integer axis, Double width, boolean physicalWidth, List<Integer> values, Double outOfField,
        boolean outOfFieldAllChannels, int patchSize, int thickness, double boundaryFraction) {

    public static final int DEFAULT_PATCH_SIZE = 32;

    public AnnotateOptions {
        values = values == null ? List.of() : List.copyOf(values);
    }

    /** Defaults for a mode: seed 0, patches of 32 voxels, scribble strokes 2 pixels wide along a quarter
     * of the boundary; nothing else set. */
    public static AnnotateOptions of(AnnotationMode mode) {
        return new AnnotateOptions(mode, null, 0, null, null, null, null, false, List.of(), null, false,
                DEFAULT_PATCH_SIZE, ScribbleOptions.DEFAULT.thickness(), ScribbleOptions.DEFAULT.boundaryFraction());
    }

    public AnnotateOptions withIgnoreValue(Integer v) {
        return new AnnotateOptions(mode, v, seed, fraction, every, axis, width, physicalWidth, values, outOfField,
                outOfFieldAllChannels, patchSize, thickness, boundaryFraction);
    }

    public AnnotateOptions withSeed(long s) {
        return new AnnotateOptions(mode, ignoreValue, s, fraction, every, axis, width, physicalWidth, values,
                outOfField, outOfFieldAllChannels, patchSize, thickness, boundaryFraction);
    }

    public AnnotateOptions withFraction(Double f) {
        return new AnnotateOptions(mode, ignoreValue, seed, f, every, axis, width, physicalWidth, values,
                outOfField, outOfFieldAllChannels, patchSize, thickness, boundaryFraction);
    }

    public AnnotateOptions withEvery(Integer n) {
        return new AnnotateOptions(mode, ignoreValue, seed, fraction, n, axis, width, physicalWidth, values,
                outOfField, outOfFieldAllChannels, patchSize, thickness, boundaryFraction);
    }

    public AnnotateOptions withAxis(Integer a) {
        return new AnnotateOptions(mode, ignoreValue, seed, fraction, every, a, width, physicalWidth, values,
                outOfField, outOfFieldAllChannels, patchSize, thickness, boundaryFraction);
    }

    public AnnotateOptions withWidth(Double w, boolean physical) {
        return new AnnotateOptions(mode, ignoreValue, seed, fraction, every, axis, w, physical, values, outOfField,
                outOfFieldAllChannels, patchSize, thickness, boundaryFraction);
    }

    public AnnotateOptions withValues(List<Integer> v) {
        return new AnnotateOptions(mode, ignoreValue, seed, fraction, every, axis, width, physicalWidth, v,
                outOfField, outOfFieldAllChannels, patchSize, thickness, boundaryFraction);
    }

    public AnnotateOptions withOutOfField(Double v, boolean allChannels) {
        return new AnnotateOptions(mode, ignoreValue, seed, fraction, every, axis, width, physicalWidth, values, v,
                allChannels, patchSize, thickness, boundaryFraction);
    }

    public AnnotateOptions withPatchSize(int size) {
        return new AnnotateOptions(mode, ignoreValue, seed, fraction, every, axis, width, physicalWidth, values,
                outOfField, outOfFieldAllChannels, size, thickness, boundaryFraction);
    }

    public AnnotateOptions withScribbleStroke(int pixels, double boundary) {
        return new AnnotateOptions(mode, ignoreValue, seed, fraction, every, axis, width, physicalWidth, values,
                outOfField, outOfFieldAllChannels, patchSize, pixels, boundary);
    }

    /** Checks that the mode has what it needs and nothing that contradicts it. */
    public AnnotateOptions validate() {
        if (mode == null) {
            throw new InvalidInputException("no annotation mode chosen; expected one of " + AnnotationMode.keys());
        }
        String m = "mode '" + mode.key() + "'";
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
