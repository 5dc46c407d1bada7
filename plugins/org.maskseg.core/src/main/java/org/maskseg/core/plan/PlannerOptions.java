package org.maskseg.core.plan;

import java.util.List;

/**
 * User choices for {@link Planner}.
 *
 * @param configuration     "2d", "3d", "3d_cascade" (3D with nnU-Net's low-resolution stage, see
 *                          {@link Planner#cascade}), or null to choose by the data (2d for 2D images, 3d for 3D
 *                          images); "2d" on 3D images trains on xy slices
 * @param memoryBudgetGiB   device memory the training may use for activations, in GiB (nnU-Net's reference: 8)
 * @param maxBatchSize      upper bound of the batch size, or 0 for none (the planner's own bounds still apply)
 * @param channelModalities per channel a modality name, mapped to a normalisation as nnU-Net maps its channel names
 *                          ({@link Planner#scheme}): "CT" (any case) selects CT normalisation with dataset clipping,
 *                          "noNorm", "rescale_to_0_1" and "rgb_to_0_1" their own schemes, anything else per-image
 *                          z-score. Null or empty means z-score for all channels.
 * @param overrides         a JSON object merged onto the planned plan (see {@link PlanJson#applyOverrides}), or null;
 *                          a new patch size or target spacing without a new network re-derives the network
 * @param regions           regions for region-based training in the text form of
 *                          {@link org.maskseg.core.labels.RegionSet#parse}, e.g. {@code whole=1,2;core=2}; null or
 *                          blank for ordinary class training
 * @param preset            the network to plan: the plain U-Net ({@link Preset#DEFAULT}, also for null) or one of
 *                          nnU-Net's ResEnc presets; for a ResEnc preset {@code memoryBudgetGiB} is its memory
 *                          target (see {@link #withPreset})
 */
public record PlannerOptions(String configuration, double memoryBudgetGiB, int maxBatchSize,
        List<String> channelModalities, String overrides, String regions, Preset preset) {

    public static final double DEFAULT_MEMORY_BUDGET_GIB = 8;

    public PlannerOptions {
        channelModalities = channelModalities == null ? List.of() : List.copyOf(channelModalities);
        regions = regions == null || regions.isBlank() ? null : regions;
        preset = preset == null ? Preset.DEFAULT : preset;
    }

    /** Options for the plain U-Net (the default preset). */
    public PlannerOptions(String configuration, double memoryBudgetGiB, int maxBatchSize,
            List<String> channelModalities, String overrides, String regions) {
        this(configuration, memoryBudgetGiB, maxBatchSize, channelModalities, overrides, regions, Preset.DEFAULT);
    }

    /** Options for class training (no regions). */
    public PlannerOptions(String configuration, double memoryBudgetGiB, int maxBatchSize,
            List<String> channelModalities, String overrides) {
        this(configuration, memoryBudgetGiB, maxBatchSize, channelModalities, overrides, null, Preset.DEFAULT);
    }

    /** Configuration chosen by the data, 8 GiB, no batch limit, z-score for all channels, no overrides. */
    public static PlannerOptions defaults() {
        return new PlannerOptions(null, DEFAULT_MEMORY_BUDGET_GIB, 0, List.of(), null, null, Preset.DEFAULT);
    }

    public PlannerOptions withConfiguration(String value) {
        return new PlannerOptions(value, memoryBudgetGiB, maxBatchSize, channelModalities, overrides, regions, preset);
    }

    public PlannerOptions withMemoryBudgetGiB(double value) {
        return new PlannerOptions(configuration, value, maxBatchSize, channelModalities, overrides, regions, preset);
    }

    public PlannerOptions withMaxBatchSize(int value) {
        return new PlannerOptions(configuration, memoryBudgetGiB, value, channelModalities, overrides, regions, preset);
    }

    public PlannerOptions withChannelModalities(List<String> value) {
        return new PlannerOptions(configuration, memoryBudgetGiB, maxBatchSize, value, overrides, regions, preset);
    }

    public PlannerOptions withOverrides(String value) {
        return new PlannerOptions(configuration, memoryBudgetGiB, maxBatchSize, channelModalities, value, regions,
                preset);
    }

    /** With regions in text form (null or blank: class training). */
    public PlannerOptions withRegions(String value) {
        return new PlannerOptions(configuration, memoryBudgetGiB, maxBatchSize, channelModalities, overrides, value,
                preset);
    }

    /**
     * With a preset (null: the default), and the preset's memory target as the memory budget (8 GiB for the default
     * and ResEnc M, 24 GiB for ResEnc L, as in nnU-Net); a later {@link #withMemoryBudgetGiB} replaces it.
     */
    public PlannerOptions withPreset(Preset value) {
        Preset p = value == null ? Preset.DEFAULT : value;
        return new PlannerOptions(configuration, p.memoryTargetGiB(), maxBatchSize, channelModalities, overrides,
                regions, p);
    }
}
