package org.maskseg.core.augment;

/**
 * Which training-time augmentations run and with which probabilities and ranges. The defaults are
 * nnU-Net's (see {@link #defaults(int[])}); every transform has an on/off switch. Probabilities are per
 * patch unless called per channel or per axis.
 */
public final class AugmentationSettings {

    /**
     * 3D patches much thinner in z than in x/y (anisotropic data): rotate only about z, scale only in x
     * and y, and simulate low resolution only in x and y, treating the patch as a stack of 2D images.
     */
    public boolean inPlane = false;

    /** Rotation about the patch centre; in 3D about each axis. */
    public boolean rotation = true;
    public double rotationProbability = 0.2;
    /** Largest rotation angle in degrees (angles are uniform in ±this). */
    public double rotationDegrees = 180;

    /** Uniform scaling (same factor on all axes); factors above 1 zoom out. */
    public boolean scaling = true;
    public double scalingProbability = 0.2;
    public double scaleMin = 0.7;
    public double scaleMax = 1.4;

    /** Additive Gaussian noise; its standard deviation is uniform in [0, noiseMax]. */
    public boolean noise = true;
    public double noiseProbability = 0.1;
    public double noiseMax = 0.1;

    public boolean blur = true;
    public double blurProbability = 0.2;
    public double blurPerChannel = 0.5;
    public double blurSigmaMin = 0.5;
    public double blurSigmaMax = 1.0;

    /** Multiplicative brightness. */
    public boolean brightness = true;
    public double brightnessProbability = 0.15;
    public double brightnessMin = 0.75;
    public double brightnessMax = 1.25;

    public boolean contrast = true;
    public double contrastProbability = 0.15;
    public double contrastMin = 0.75;
    public double contrastMax = 1.25;

    /** Simulated low resolution (downsample, then upsample). */
    public boolean lowResolution = true;
    public double lowResolutionProbability = 0.25;
    public double lowResolutionPerChannel = 0.5;
    public double lowResolutionScaleMin = 0.5;
    public double lowResolutionScaleMax = 1.0;

    /** Gamma on the inverted image, then gamma on the image itself. */
    public boolean gamma = true;
    public double gammaInvertedProbability = 0.1;
    public double gammaProbability = 0.3;
    public double gammaMin = 0.7;
    public double gammaMax = 1.5;

    public boolean mirror = true;
    /** Flip probability per axis. */
    public double mirrorProbability = 0.5;
    /** Axes (x first) that may be flipped; null means all. */
    public boolean[] mirrorAxes = null;

    /**
     * The last channels of a patch that hold the previous stage's segmentation in a cascade, one binary channel per
     * foreground class (0 outside a cascade). They are moved with the image but kept binary, take no intensity
     * transform, and get the two transforms below.
     */
    public int previousStageChannels = 0;

    /** Random dilation, erosion, opening or closing of the previous stage's channels (a ball of random radius). */
    public boolean previousStageMorphology = true;
    public double previousStageMorphologyProbability = 0.4;
    public double previousStageMorphologyPerChannel = 0.5;
    public double previousStageRadiusMin = 1;
    public double previousStageRadiusMax = 8;

    /** Removal of a random connected component from the previous stage's channels. */
    public boolean previousStageComponentRemoval = true;
    public double previousStageComponentRemovalProbability = 0.2;
    public double previousStageComponentRemovalPerChannel = 0.5;
    /** Only components smaller than this share of the patch are removed. */
    public double previousStageComponentMaxShare = 0.15;

    /** Longest patch axis over the z axis above which 3D patches are augmented in-plane only. */
    public static final double IN_PLANE_RATIO = 3;

    /**
     * nnU-Net's defaults for a patch size: rotation ±180° in 2D (±15° when the patch is more than 1.5
     * times longer on one axis than on the other), ±30° per axis in 3D, and for 3D patches more than
     * {@link #IN_PLANE_RATIO} times longer in x or y than in z in-plane augmentation with ±180°.
     */
    public static AugmentationSettings defaults(int[] patchSize) {
        AugmentationSettings s = new AugmentationSettings();
        if (patchSize.length == 3) {
            s.inPlane = (double) Math.max(patchSize[0], Math.max(patchSize[1], patchSize[2])) / patchSize[2]
                    > IN_PLANE_RATIO;
            s.rotationDegrees = s.inPlane ? 180 : 30;
        } else {
            int max = Math.max(patchSize[0], patchSize[1]);
            int min = Math.min(patchSize[0], patchSize[1]);
            s.rotationDegrees = (double) max / min > 1.5 ? 15 : 180;
        }
        return s;
    }

    /** Everything off: patches are plain crops (validation). */
    public static AugmentationSettings none() {
        AugmentationSettings s = new AugmentationSettings();
        s.rotation = false;
        s.scaling = false;
        s.noise = false;
        s.blur = false;
        s.brightness = false;
        s.contrast = false;
        s.lowResolution = false;
        s.gamma = false;
        s.mirror = false;
        s.previousStageMorphology = false;
        s.previousStageComponentRemoval = false;
        return s;
    }

    public AugmentationSettings copy() {
        AugmentationSettings s = new AugmentationSettings();
        s.inPlane = inPlane;
        s.rotation = rotation;
        s.rotationProbability = rotationProbability;
        s.rotationDegrees = rotationDegrees;
        s.scaling = scaling;
        s.scalingProbability = scalingProbability;
        s.scaleMin = scaleMin;
        s.scaleMax = scaleMax;
        s.noise = noise;
        s.noiseProbability = noiseProbability;
        s.noiseMax = noiseMax;
        s.blur = blur;
        s.blurProbability = blurProbability;
        s.blurPerChannel = blurPerChannel;
        s.blurSigmaMin = blurSigmaMin;
        s.blurSigmaMax = blurSigmaMax;
        s.brightness = brightness;
        s.brightnessProbability = brightnessProbability;
        s.brightnessMin = brightnessMin;
        s.brightnessMax = brightnessMax;
        s.contrast = contrast;
        s.contrastProbability = contrastProbability;
        s.contrastMin = contrastMin;
        s.contrastMax = contrastMax;
        s.lowResolution = lowResolution;
        s.lowResolutionProbability = lowResolutionProbability;
        s.lowResolutionPerChannel = lowResolutionPerChannel;
        s.lowResolutionScaleMin = lowResolutionScaleMin;
        s.lowResolutionScaleMax = lowResolutionScaleMax;
        s.gamma = gamma;
        s.gammaInvertedProbability = gammaInvertedProbability;
        s.gammaProbability = gammaProbability;
        s.gammaMin = gammaMin;
        s.gammaMax = gammaMax;
        s.mirror = mirror;
        s.mirrorProbability = mirrorProbability;
        s.mirrorAxes = mirrorAxes == null ? null : mirrorAxes.clone();
        s.previousStageChannels = previousStageChannels;
        s.previousStageMorphology = previousStageMorphology;
        s.previousStageMorphologyProbability = previousStageMorphologyProbability;
        s.previousStageMorphologyPerChannel = previousStageMorphologyPerChannel;
        s.previousStageRadiusMin = previousStageRadiusMin;
        s.previousStageRadiusMax = previousStageRadiusMax;
        s.previousStageComponentRemoval = previousStageComponentRemoval;
        s.previousStageComponentRemovalProbability = previousStageComponentRemovalProbability;
        s.previousStageComponentRemovalPerChannel = previousStageComponentRemovalPerChannel;
        s.previousStageComponentMaxShare = previousStageComponentMaxShare;
        return s;
    }
}
