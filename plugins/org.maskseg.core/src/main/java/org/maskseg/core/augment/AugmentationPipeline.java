package org.maskseg.core.augment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.random.RandomGenerator;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.preprocess.TrainingCase;
import org.maskseg.core.sampling.PatchLocation;

/**
 * The training-time augmentation of one patch, in nnU-Net's order: spatial transform (rotation, scaling;
 * it also extracts the patch), Gaussian noise, Gaussian blur, brightness, contrast, low resolution,
 * inverted gamma, gamma, mirroring. In a cascade the previous stage's one-hot channels (the last ones) are moved
 * and mirrored with the image but kept binary and left out of the intensity transforms; then they get random
 * morphology ({@link PreviousStageMorphology}) and component removal ({@link PreviousStageComponentRemoval}).
 * Immutable and thread-safe; the random generator and the scratch arrays come from the caller.
 */
public final class AugmentationPipeline {

    private final SpatialTransform spatial;
    private final List<PatchTransform> transforms;
    /** Trailing one-hot channels of a cascade's previous stage (0: none). */
    private final int previousStageChannels;
    /** The transforms of those channels, after all others. */
    private final List<PatchTransform> previousStageTransforms;

    /** A pipeline with the transforms switched on in {@code settings}. */
    public AugmentationPipeline(AugmentationSettings settings) {
        check(settings);
        boolean rotate = settings.rotation && settings.rotationProbability > 0;
        boolean scale = settings.scaling && settings.scalingProbability > 0;
        this.spatial = rotate || scale
                ? new SpatialTransform(rotate ? settings.rotationProbability : 0, Math.toRadians(settings.rotationDegrees),
                        scale ? settings.scalingProbability : 0, settings.scaleMin, settings.scaleMax, settings.inPlane)
                : null;
        List<PatchTransform> t = new ArrayList<>();
        if (settings.noise) {
            t.add(new GaussianNoiseTransform(settings.noiseProbability, settings.noiseMax));
        }
        if (settings.blur) {
            t.add(new GaussianBlurTransform(settings.blurProbability, settings.blurPerChannel, settings.blurSigmaMin,
                    settings.blurSigmaMax));
        }
        if (settings.brightness) {
            t.add(new MultiplicativeBrightnessTransform(settings.brightnessProbability, settings.brightnessMin,
                    settings.brightnessMax));
        }
        if (settings.contrast) {
            t.add(new ContrastTransform(settings.contrastProbability, settings.contrastMin, settings.contrastMax));
        }
        if (settings.lowResolution) {
            t.add(new LowResolutionTransform(settings.lowResolutionProbability, settings.lowResolutionPerChannel,
                    settings.lowResolutionScaleMin, settings.lowResolutionScaleMax, settings.inPlane));
        }
        if (settings.gamma) {
            t.add(new GammaTransform(settings.gammaInvertedProbability, settings.gammaMin, settings.gammaMax, true));
            t.add(new GammaTransform(settings.gammaProbability, settings.gammaMin, settings.gammaMax, false));
        }
        if (settings.mirror) {
            boolean[] axes = settings.mirrorAxes == null ? new boolean[] {true, true, true} : settings.mirrorAxes;
            t.add(new MirrorTransform(settings.mirrorProbability, axes));
        }
        this.transforms = Collections.unmodifiableList(t);
        this.previousStageChannels = settings.previousStageChannels;
        List<PatchTransform> p = new ArrayList<>();
        // the one-hot channels are the last ones; the transforms find the first of them from the patch
        if (previousStageChannels > 0 && settings.previousStageMorphology) {
            p.add(new TrailingChannels(previousStageChannels, first -> new PreviousStageMorphology(first,
                    settings.previousStageMorphologyProbability, settings.previousStageMorphologyPerChannel,
                    settings.previousStageRadiusMin, settings.previousStageRadiusMax)));
        }
        if (previousStageChannels > 0 && settings.previousStageComponentRemoval) {
            p.add(new TrailingChannels(previousStageChannels, first -> new PreviousStageComponentRemoval(first,
                    settings.previousStageComponentRemovalProbability,
                    settings.previousStageComponentRemovalPerChannel, settings.previousStageComponentMaxShare)));
        }
        this.previousStageTransforms = Collections.unmodifiableList(p);
    }

    /** A transform of the last {@code count} channels of whatever patch it gets. */
    private record TrailingChannels(int count, java.util.function.IntFunction<PatchTransform> forFirst)
            implements PatchTransform {
        @Override
        public void apply(PatchBuffer patch, RandomGenerator rng, AugmentationScratch scratch) {
            forFirst.apply(patch.channels() - count).apply(patch, rng, scratch);
        }
    }

    /** No augmentation: the patch is a plain crop. */
    public static AugmentationPipeline none() {
        return new AugmentationPipeline(AugmentationSettings.none());
    }

    private static void check(AugmentationSettings s) {
        probability("rotation probability", s.rotationProbability);
        probability("scaling probability", s.scalingProbability);
        probability("noise probability", s.noiseProbability);
        probability("blur probability", s.blurProbability);
        probability("blur per-channel probability", s.blurPerChannel);
        probability("brightness probability", s.brightnessProbability);
        probability("contrast probability", s.contrastProbability);
        probability("low-resolution probability", s.lowResolutionProbability);
        probability("low-resolution per-channel probability", s.lowResolutionPerChannel);
        probability("inverted gamma probability", s.gammaInvertedProbability);
        probability("gamma probability", s.gammaProbability);
        probability("mirror probability", s.mirrorProbability);
        probability("previous-stage morphology probability", s.previousStageMorphologyProbability);
        probability("previous-stage morphology per-channel probability", s.previousStageMorphologyPerChannel);
        probability("previous-stage component removal probability", s.previousStageComponentRemovalProbability);
        probability("previous-stage component removal per-channel probability",
                s.previousStageComponentRemovalPerChannel);
        probability("previous-stage component share", s.previousStageComponentMaxShare);
        range("previous-stage radius", s.previousStageRadiusMin, s.previousStageRadiusMax, 0);
        if (s.previousStageChannels < 0) {
            throw new InvalidInputException("augmentation setting 'previous-stage channels' must not be negative, got "
                    + s.previousStageChannels);
        }
        range("scale", s.scaleMin, s.scaleMax, 0);
        range("noise strength", 0, s.noiseMax, -1);
        range("blur sigma", s.blurSigmaMin, s.blurSigmaMax, 0);
        range("brightness", s.brightnessMin, s.brightnessMax, 0);
        range("contrast", s.contrastMin, s.contrastMax, 0);
        range("low-resolution scale", s.lowResolutionScaleMin, s.lowResolutionScaleMax, 0);
        range("gamma", s.gammaMin, s.gammaMax, 0);
        if (s.lowResolutionScaleMax > 1) {
            throw new InvalidInputException("augmentation setting 'low-resolution scale': the largest factor must be "
                    + "at most 1, got " + s.lowResolutionScaleMax);
        }
        if (!Double.isFinite(s.rotationDegrees) || s.rotationDegrees < 0) {
            throw new InvalidInputException("augmentation setting 'rotation degrees' must be a non-negative number, got "
                    + s.rotationDegrees);
        }
    }

    private static void probability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new InvalidInputException("augmentation setting '" + name + "' must be between 0 and 1, got " + p);
        }
    }

    private static void range(String name, double lo, double hi, double exclusiveMin) {
        if (!(lo > exclusiveMin && hi >= lo && Double.isFinite(hi))) {
            throw new InvalidInputException("augmentation setting '" + name + "': expected a range min <= max with min > "
                    + exclusiveMin + ", got " + lo + ".." + hi);
        }
    }

    /** Whether any transform is active. */
    public boolean isIdentity() {
        return spatial == null && transforms.isEmpty() && previousStageTransforms.isEmpty();
    }

    /** The transforms applied after extraction, in order. */
    public List<PatchTransform> transforms() {
        return transforms;
    }

    /**
     * Extracts and augments one patch of {@code source} at {@code location} into {@code out}. All random
     * draws come from {@code rng}, in a fixed order, so equal generators give equal patches.
     */
    public void produce(TrainingCase source, PatchLocation location, PatchBuffer out, RandomGenerator rng,
            AugmentationScratch scratch) {
        double[] matrix = spatial == null ? null : spatial.drawMatrix(out.dims(), rng);
        SpatialTransform.extract(source, location, matrix, out);
        if (previousStageChannels == 0) {
            for (PatchTransform t : transforms) {
                t.apply(out, rng, scratch);
            }
            return;
        }
        int imageChannels = out.channels() - previousStageChannels;
        if (imageChannels < 1) {
            throw new IllegalArgumentException("a patch of " + out.channels() + " channels has no image channel "
                    + "besides " + previousStageChannels + " previous-stage channels");
        }
        if (matrix != null) {
            binarise(out, imageChannels);
        }
        // intensity transforms see the image channels only; mirroring moves the segmentation along with the image
        PatchBuffer image = out.firstChannels(imageChannels);
        for (PatchTransform t : transforms) {
            t.apply(t instanceof MirrorTransform ? out : image, rng, scratch);
        }
        for (PatchTransform t : previousStageTransforms) {
            t.apply(out, rng, scratch);
        }
    }

    /**
     * The interpolated one-hot channels back to 0 and 1: a voxel belongs to a channel when more than half of its
     * interpolation weight does, the nearest-neighbour choice for a single mask, and at most one channel can hold
     * more than half.
     */
    static void binarise(PatchBuffer patch, int firstChannel) {
        float[] img = patch.image();
        for (int c = firstChannel; c < patch.channels(); c++) {
            int off = patch.channelOffset(c);
            for (int v = 0; v < patch.voxels(); v++) {
                img[off + v] = img[off + v] > 0.5f ? 1 : 0;
            }
        }
    }
}
