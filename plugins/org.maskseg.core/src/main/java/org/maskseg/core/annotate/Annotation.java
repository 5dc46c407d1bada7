package org.maskseg.core.annotate;

import org.maskseg.core.image.LabelVolume;

/**
 * The result of annotating one case: the new labels, how much of the input they keep, and, for modes that make a
 * class unknown in part of the image (partial labels), where that class is unknown.
 *
 * @param unknown null unless the mode produces an unknown-region mask
 */
public record Annotation(LabelVolume labels, AnnotationReport report, UnknownRegion unknown) {

    /** A result without unknown region. */
    public Annotation(LabelVolume labels, AnnotationReport report) {
        this(labels, report, null);
    }
}
