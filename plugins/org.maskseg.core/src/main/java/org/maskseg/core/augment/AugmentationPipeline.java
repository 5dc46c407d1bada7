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
 * inverted gamma, gamma, mirroring. Immutable and thread-safe; the random generator and the scratch
 * arrays come from the caller.
 */
public final class AugmentationPipeline {

    private final SpatialTransform spatial;
    private final List<PatchTransform> transforms;

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
        return spatial == null && transforms.isEmpty();
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
        for (PatchTransform t : transforms) {
            t.apply(out, rng, scratch);
        }
    }
}
