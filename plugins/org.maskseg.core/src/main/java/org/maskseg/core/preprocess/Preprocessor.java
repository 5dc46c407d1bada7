package org.maskseg.core.preprocess;

import java.util.Arrays;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.plan.Plan;

/**
 * Turns raw images and labels into what training and prediction consume, identically for both: intensities
 * normalised on the original grid (so the statistics do not depend on interpolation), then resampled to the
 * plan's target spacing with the plan's image interpolation; labels converted to canonical values and
 * resampled by nearest neighbour.
 * <p>
 * A 2D plan accepts 2D images and 3D images (trained slice by slice): for the latter only x and y are resampled.
 * With the plan's {@code cropToNonZero} (models from nnU-Net) image and labels are first cut to the image's non-zero
 * box ({@link NonZeroCrop}), as nnU-Net does.
 * For the full-resolution stage of a cascade only the image channels are prepared here; the previous stage's
 * channels are appended by {@link CascadeChannels}.
 */
public final class Preprocessor {

    private Preprocessor() {
    }

    /**
     * A training case: normalised and resampled image, canonical labels (classes 0..K-1, ignore = K) on the
     * same grid.
     */
    public static TrainingCase preprocessCase(ImageVolume image, LabelVolume labels, LabelSpec spec, Plan plan) {
        return preprocessCase(image, labels, spec, plan, ClassKnowledge.complete());
    }

    /**
     * A training case with partial labels: the canonical labels are turned into label codes with the case's
     * class knowledge on the original grid, then resampled by nearest neighbour, which copies codes unchanged.
     * Needs a plan with {@code training.partialLabels} unless the knowledge is complete.
     *
     * @throws InvalidInputException also for a voxel labelled with a class declared unknown there, or an
     *                               unknown-region mask of another size than the labels
     */
    public static TrainingCase preprocessCase(ImageVolume image, LabelVolume labels, LabelSpec spec, Plan plan,
            ClassKnowledge knowledge) {
        checkImage(image, plan);
        if (!Arrays.equals(image.spatialSize(), labels.size())) {
            throw new InvalidInputException("image '" + image.name() + "' has size "
                    + Arrays.toString(image.spatialSize()) + " but its labels '" + labels.name() + "' have size "
                    + Arrays.toString(labels.size()));
        }
        if (spec.numClasses() != plan.targets.numClasses()) {
            throw new InvalidInputException("labels '" + labels.name() + "' have " + spec.numClasses()
                    + " classes but the plan was made for " + plan.targets.numClasses());
        }
        int[] canonical = spec.toCanonical(labels);
        if (!knowledge.isComplete()) {
            if (!plan.targets.partialLabels()) {
                throw new IllegalArgumentException("case '" + image.name() + "' has partial labels but the plan "
                        + "does not enable training.partialLabels");
            }
            canonical = knowledge.encode(canonical, labels.size(), spec, image.name());
        }
        ImageVolume normalised;
        long[] labelSize = labels.size();
        if (plan.cropToNonZero) {
            // labels outside the non-zero mask stay as they are: nnU-Net trains them as background too
            NonZeroCrop crop = NonZeroCrop.of(image);
            image = crop.crop(image);
            canonical = crop.crop(canonical);
            labelSize = crop.size().clone();
            normalised = Normalizer.normalize(image, plan.normalization, crop.mask());
        } else {
            normalised = Normalizer.normalize(image, plan.normalization);
        }
        double[] spacing = image.spacing();
        double[] target = Resampler.fullTargetSpacing(spacing, plan.targetSpacing);
        long[] size = Resampler.sizeForSpacing(image.spatialSize(), spacing, plan.targetSpacing);
        ImageVolume resampled = Resampler.resampleImage(normalised, size, target,
                Resampler.Interpolation.of(plan.imageInterpolation));
        LabelVolume canonicalLabels = LabelVolume.wrap(image.name(), canonical, labelSize, spacing);
        LabelVolume resampledLabels = Resampler.resampleLabels(canonicalLabels, size, target);
        return new TrainingCase(image.name(), resampled, resampledLabels);
    }

    /**
     * An image for prediction, with the same normalisation and resampling as in training; with the plan's
     * {@code cropToNonZero}, cut to its non-zero box first (see {@link PreprocessedImage#crop()}).
     */
    public static PreprocessedImage preprocessImage(ImageVolume image, Plan plan) {
        checkImage(image, plan);
        NonZeroCrop crop = null;
        ImageVolume normalised;
        if (plan.cropToNonZero) {
            crop = NonZeroCrop.of(image);
            image = crop.crop(image);
            normalised = Normalizer.normalize(image, plan.normalization, crop.mask());
        } else {
            normalised = Normalizer.normalize(image, plan.normalization);
        }
        double[] spacing = image.spacing();
        long[] size = Resampler.sizeForSpacing(image.spatialSize(), spacing, plan.targetSpacing);
        ImageVolume resampled = Resampler.resampleImage(normalised, size,
                Resampler.fullTargetSpacing(spacing, plan.targetSpacing),
                Resampler.Interpolation.of(plan.imageInterpolation));
        return new PreprocessedImage(resampled, image.spatialSize(), spacing, crop);
    }

    private static void checkImage(ImageVolume image, Plan plan) {
        if (image.channels() != plan.imageChannels()) {
            throw new InvalidInputException("image '" + image.name() + "' has " + image.channels()
                    + " channel(s) but the plan expects " + plan.imageChannels());
        }
        if (plan.spatialDims() > image.spatialDims()) {
            throw new InvalidInputException("image '" + image.name() + "' is " + image.spatialDims()
                    + "D but the plan is " + plan.configuration + "; use a 2d plan for 2D images");
        }
        if (plan.targetSpacing.length > image.spatialDims()) {
            throw new InvalidInputException("the plan's target spacing " + Arrays.toString(plan.targetSpacing)
                    + " has more axes than image '" + image.name() + "'");
        }
        float[] data = image.data();
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                long perChannel = image.voxelsPerChannel();
                throw new InvalidInputException("image '" + image.name() + "': value " + data[i] + " in channel "
                        + (i / perChannel) + " at linear voxel index " + (i % perChannel)
                        + "; intensities must be finite");
            }
        }
    }
}
