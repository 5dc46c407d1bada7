package org.maskseg.core.io;

import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;

/**
 * One case of a dataset in memory: an image and, for training data, its label image of the same size.
 *
 * @param name   the case name (file base name)
 * @param image  the image, all channels
 * @param labels the labels with the image's spacing, or null for an images-only dataset
 */
public record CaseData(String name, ImageVolume image, LabelVolume labels) {
}
