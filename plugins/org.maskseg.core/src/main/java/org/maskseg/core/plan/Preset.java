package org.maskseg.core.plan;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.maskseg.core.InvalidInputException;

/**
 * What {@link Planner} plans: the plain U-Net of nnU-Net's default planner, or the residual encoder U-Net of
 * nnU-Net's ResEnc presets (nnU-Net's {@code nnUNetPlannerResEncM} and {@code nnUNetPlannerResEncL}).
 * <p>
 * A ResEnc preset plans as nnU-Net's ResEnc planners do: the network is a {@value Plan.Network#RESIDUAL_ENCODER_UNET}
 * with {@link #ENCODER_BLOCKS} residual blocks per stage and one convolution per decoder stage, features 32·2^s
 * capped at 512 (2D) or 320 (3D), as many stages as the patch allows (no limit per axis); the patch shrinks
 * while the network's feature-map size ({@link Planner#residualFeatureMapSize}) exceeds the preset's reference
 * value scaled by the memory target ({@code reference × target GiB / reference GiB}), and the batch size is the
 * reference batch (12 in 2D, 2 in 3D) scaled by reference / feature-map size, at least 2 and covering at most the
 * whole dataset once (nnU-Net's 5% cap does not apply to these presets).
 */
public enum Preset {
    /** nnU-Net's default plain convolutional U-Net (MaskSeg's planner, unchanged). */
    DEFAULT("default", 8, 8, 0, 0),
    /** ResEnc M: about 9-11 GB of GPU memory in nnU-Net's measurements; memory target 8 GiB. */
    RESENC_M("resenc-m", 8, 8, 135_000_000, 680_000_000),
    /** ResEnc L: about 24 GB of GPU memory; memory target 24 GiB. */
    RESENC_L("resenc-l", 24, 24, 380_000_000, 2_100_000_000L);

    /** Residual blocks per encoder stage of the ResEnc presets, stage 0 first (at most 13 stages). */
    public static final int[] ENCODER_BLOCKS = {1, 3, 4, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6};

    private final String label;
    private final double memoryTargetGiB;
    private final double referenceGiB;
    private final long reference2d;
    private final long reference3d;

    Preset(String label, double memoryTargetGiB, double referenceGiB, long reference2d, long reference3d) {
        this.label = label;
        this.memoryTargetGiB = memoryTargetGiB;
        this.referenceGiB = referenceGiB;
        this.reference2d = reference2d;
        this.reference3d = reference3d;
    }

    /** The name users give: "default", "resenc-m" or "resenc-l". */
    public String label() {
        return label;
    }

    /** Whether the preset plans a {@value Plan.Network#RESIDUAL_ENCODER_UNET}. */
    public boolean residual() {
        return this != DEFAULT;
    }

    /** The memory target the preset plans for unless the options give another, in GiB. */
    public double memoryTargetGiB() {
        return memoryTargetGiB;
    }

    /** The memory the reference values stand for, in GiB. */
    public double referenceGiB() {
        return referenceGiB;
    }

    /** The feature-map size that fits the reference memory with the reference batch size (ResEnc presets). */
    public long referenceValue(int dims) {
        return dims == 3 ? reference3d : reference2d;
    }

    /** The preset of a name (case ignored), or null for null or blank. */
    public static Preset parse(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Preset p : values()) {
            if (p.label.equals(n)) {
                return p;
            }
        }
        throw new InvalidInputException("preset '" + name + "': expected one of " + labels());
    }

    /** All labels, comma-separated. */
    public static String labels() {
        return Arrays.stream(values()).map(Preset::label).collect(Collectors.joining(", "));
    }
}
