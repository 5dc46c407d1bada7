package org.maskseg.core.preprocess;

import org.maskseg.core.image.ImageVolume;

/**
 * An image prepared for prediction, plus what is needed to map the prediction back to the original grid.
 *
 * @param image            normalised and resampled to the plan's target spacing
 * @param originalSize     spatial size of the input image (of its non-zero box when cropped), x first
 * @param originalSpacing  spacing of the input image, x first
 * @param crop             the non-zero box the image was cut to before normalising, or null when not cropped;
 *                         {@link #toOriginalGrid} gives maps of the box, {@link NonZeroCrop#paste} puts them back
 */
public record PreprocessedImage(ImageVolume image, long[] originalSize, double[] originalSpacing, NonZeroCrop crop) {

    /** An image that was not cropped. */
    public PreprocessedImage(ImageVolume image, long[] originalSize, double[] originalSpacing) {
        this(image, originalSize, originalSpacing, null);
    }

    /**
     * Per-class maps (probabilities or logits, C-order (k, [z,] y, x) on the grid of {@link #image()}) resampled
     * linearly to the original grid (by nearest neighbour along a much coarser axis, see
     * {@link Resampler#separateAxis}).
     */
    public float[] toOriginalGrid(float[] classMaps, int classes) {
        return Resampler.resample(classMaps, classes, image.spatialSize(), originalSize,
                Resampler.perAxis(image.spacing(), originalSpacing, Resampler.Interpolation.LINEAR));
    }

    /** A label array on the grid of {@link #image()} resampled to the original grid by nearest neighbour. */
    public int[] labelsToOriginalGrid(int[] labels) {
        return Resampler.nearest(labels, image.spatialSize(), originalSize);
    }
}
