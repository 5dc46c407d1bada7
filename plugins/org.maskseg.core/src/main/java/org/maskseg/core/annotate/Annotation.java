package org.maskseg.core.annotate;

import org.maskseg.core.image.LabelVolume;

/** The result of annotating one case: the new labels and how much of the input they keep. */
public record Annotation(LabelVolume labels, AnnotationReport report) {
}
