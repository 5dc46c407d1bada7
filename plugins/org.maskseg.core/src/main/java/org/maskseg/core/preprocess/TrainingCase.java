package org.maskseg.core.preprocess;

import java.util.Arrays;
import java.util.Objects;

import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;

/**
 * One preprocessed training case: the image normalised and resampled to the plan's target spacing, and
 * its labels on the same grid in canonical form (classes 0..K-1, the ignore value is K).
 *
 * @param name   case name (usually the file name without extension)
 * @param image  normalised intensities, dimensions (x, y[, z], c)
 * @param labels canonical labels, dimensions (x, y[, z]), same spatial size as the image
 */
public record TrainingCase(String name, ImageVolume image, LabelVolume labels) {

    public TrainingCase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(labels, "labels");
        if (!Arrays.equals(image.spatialSize(), labels.size())) {
            throw new IllegalArgumentException("case '" + name + "': image size " + Arrays.toString(image.spatialSize())
                    + " differs from label size " + Arrays.toString(labels.size()));
        }
    }
}
