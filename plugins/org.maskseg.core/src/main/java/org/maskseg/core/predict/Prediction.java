package org.maskseg.core.predict;

import org.maskseg.core.labels.Targets;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.RegionSet;

/**
 * The result of predicting one image, on the image's own grid and spacing.
 *
 * @param labels        class per voxel (0..K-1, never the ignore value); for a region-based model the export
 *                      labels of the predicted regions (see {@link ClassMaps#regionLabels})
 * @param probabilities softmax of the blended logits, one channel per class; for a region-based model the
 *                      sigmoid, one channel per region; null unless requested
 * @param uncertainty   per-voxel entropy of the probabilities divided by log K, in [0, 1] (see
 *                      {@link ClassMaps#normalisedEntropy}); for a region-based model the mean binary entropy
 *                      of the regions divided by log 2 ({@link ClassMaps#meanBinaryEntropy}); null unless
 *                      requested
 */
public record Prediction(LabelVolume labels, ImageVolume probabilities, ImageVolume uncertainty) {

    /** Which optional maps to compute besides the labels. */
    public record Outputs(boolean probabilities, boolean uncertainty) {
        public static final Outputs LABELS_ONLY = new Outputs(false, false);
        public static final Outputs ALL = new Outputs(true, true);
    }

    /** The prediction of a network with these targets: over regions when they are region-based, else classes. */
    public static Prediction of(ImageVolume logits, Targets targets, Outputs outputs) {
        return targets.regionBased() ? fromRegionLogits(logits, targets.regions(), outputs)
                : fromLogits(logits, outputs);
    }

    /**
     * Labels and the requested maps from probabilities (softmax per class, or sigmoid per region for region-based
     * targets), e.g. the mean probabilities of an ensemble of configurations: the class of highest probability, or
     * each region where its probability exceeds 0.5.
     */
    public static Prediction fromProbabilities(ImageVolume probabilities, Targets targets, Outputs outputs) {
        boolean regions = targets.regionBased();
        LabelVolume labels = regions ? ClassMaps.regionLabelsFromProbabilities(probabilities, targets.regions())
                : ClassMaps.argmax(probabilities);
        ImageVolume uncertainty = !outputs.uncertainty() ? null
                : regions ? ClassMaps.meanBinaryEntropy(probabilities) : ClassMaps.normalisedEntropy(probabilities);
        return new Prediction(labels, outputs.probabilities() ? probabilities : null, uncertainty);
    }

    /** Labels and the requested maps from the blended logits of a model of classes (softmax). */
    public static Prediction fromLogits(ImageVolume logits, Outputs outputs) {
        LabelVolume labels = ClassMaps.argmax(logits);
        if (!outputs.probabilities() && !outputs.uncertainty()) {
            return new Prediction(labels, null, null);
        }
        ImageVolume p = ClassMaps.softmax(logits);
        return new Prediction(labels, outputs.probabilities() ? p : null,
                outputs.uncertainty() ? ClassMaps.normalisedEntropy(p) : null);
    }

    /**
     * Labels and the requested maps from the blended logits of a region-based model (one channel per region):
     * the sigmoid is applied after blending, as nnU-Net does.
     */
    public static Prediction fromRegionLogits(ImageVolume logits, RegionSet regions, Outputs outputs) {
        LabelVolume labels = ClassMaps.regionLabels(logits, regions);
        if (!outputs.probabilities() && !outputs.uncertainty()) {
            return new Prediction(labels, null, null);
        }
        ImageVolume p = ClassMaps.sigmoid(logits);
        return new Prediction(labels, outputs.probabilities() ? p : null,
                outputs.uncertainty() ? ClassMaps.meanBinaryEntropy(p) : null);
    }
}
