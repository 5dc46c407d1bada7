package org.maskseg.core.annotate;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.maskseg.core.InvalidInputException;

/** The ways the annotator can turn labels into labels with an ignore region. */
public enum AnnotationMode {
    /** Outside a region-of-interest mask becomes ignore. */
    ROI("roi", "region of interest"),
    /**
     * One class annotated only inside a region-of-interest mask: outside it that class is unknown (partial
     * labels), every other class stays known.
     */
    CLASS_ROI("class-roi", "class annotated only inside a region of interest"),
    /** Listed label values become ignore. */
    REMAP("remap", "remap values to ignore"),
    /** A band around every class border becomes ignore. */
    BORDER("border", "border band"),
    /** Voxels where the image is NaN, infinite or out of the field of view become ignore. */
    INVALID("invalid", "invalid image voxels"),
    /** Simulated scribbles; everything else becomes ignore. */
    SCRIBBLES("scribbles", "scribbles"),
    /** Simulated dense slices; everything else becomes ignore. */
    SLICES("slices", "dense slices"),
    /** Simulated dense patches; everything else becomes ignore. */
    PATCHES("patches", "dense patches");

    private final String key;
    private final String description;

    AnnotationMode(String key, String description) {
        this.key = key;
        this.description = description;
    }

    /** The short name used in settings and on the command line, e.g. "scribbles". */
    public String key() {
        return key;
    }

    public String description() {
        return description;
    }

    /** The mode with this short name (case-insensitive). */
    public static AnnotationMode of(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        for (AnnotationMode m : values()) {
            if (m.key.equals(k)) {
                return m;
            }
        }
        throw new InvalidInputException("unknown annotation mode '" + key + "'; expected one of " + keys());
    }

    /** All short names, comma separated. */
    public static String keys() {
        return Arrays.stream(values()).map(AnnotationMode::key).collect(Collectors.joining(", "));
    }
}
