package org.maskseg.core.annotate;

import org.maskseg.core.image.LabelVolume;

/**
 * Where one foreground class is unknown in a case: wherever the mask is non-zero the labels cannot say whether a
 * voxel belongs to the class, so a voxel labelled 0 there means "background or this class". This is the per-class
 * unknown-region mask read by training ({@link org.maskseg.core.labels.ClassKnowledge}); on disk it is stored as
 * {@code <folder>/<class name or value>/<label file name>}.
 *
 * @param classValue the class's label value (1 or higher)
 * @param className  the name of the mask's folder and output column: the class name, or its value when the classes
 *                   have no names
 * @param mask       1 where the class is unknown, 0 elsewhere; same size as the labels
 */
public record UnknownRegion(int classValue, String className, LabelVolume mask) {

    /** Voxels where the class is unknown. */
    public long unknownVoxels() {
        long n = 0;
        for (int v : mask.data()) {
            if (v != 0) {
                n++;
            }
        }
        return n;
    }
}
