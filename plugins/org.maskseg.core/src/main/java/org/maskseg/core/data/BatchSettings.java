package org.maskseg.core.data;

import java.util.Arrays;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.augment.AugmentationSettings;
import org.maskseg.core.plan.Plan;

/**
 * How a {@link BatchLoader} builds batches: patch and batch size, classes, foreground oversampling,
 * augmentation, and the threading (worker threads, batches prepared ahead, buffer reuse).
 *
 * @param patchSize              spatial patch size, x first (2 axes for 2D training, also on 3D cases)
 * @param batchSize              patches per batch
 * @param numClasses             classes K including background; canonical labels use K as ignore
 * @param foregroundOversampling share of each batch forced to contain foreground
 * @param augmentation           augmentation switches and ranges (copied)
 * @param threads                worker threads producing batches
 * @param prefetch               batches prepared ahead of the consumer
 * @param recycleBuffers         reuse batch arrays: a batch stays valid only until the next call to
 *                               {@link BatchLoader#next()}; false gives every batch its own arrays
 */
public record BatchSettings(int[] patchSize, int batchSize, int numClasses, double foregroundOversampling,
        AugmentationSettings augmentation, int threads, int prefetch, boolean recycleBuffers) {

    /** Batches prepared ahead by default. */
    public static final int DEFAULT_PREFETCH = 4;

    public BatchSettings {
        patchSize = patchSize.clone();
        augmentation = augmentation.copy();
        if (batchSize < 1) {
            throw new InvalidInputException("batch size must be at least 1, got " + batchSize);
        }
        if (threads < 1) {
            throw new InvalidInputException("batch worker threads must be at least 1, got " + threads);
        }
        if (prefetch < 1) {
            throw new InvalidInputException("batch prefetch depth must be at least 1, got " + prefetch);
        }
    }

    /**
     * Settings from a plan: its patch size, batch size, classes and oversampling, nnU-Net's default
     * augmentation (with that of the previous stage's channels in a cascade), {@link #defaultThreads()} workers,
     * {@link #DEFAULT_PREFETCH} batches ahead, recycled buffers.
     */
    public static BatchSettings fromPlan(Plan plan) {
        AugmentationSettings augmentation = AugmentationSettings.defaults(plan.patchSize);
        augmentation.previousStageChannels = plan.previousStageChannels();
        return new BatchSettings(plan.patchSize, plan.batchSize, plan.targets.numClasses(),
                plan.training.foregroundOversampling, augmentation, defaultThreads(), DEFAULT_PREFETCH, true);
    }

    /**
     * One core is left to the consumer (the training step); beyond four workers the augmentation rarely
     * limits training.
     */
    public static int defaultThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() - 1));
    }

    @Override
    public int[] patchSize() {
        return patchSize.clone();
    }

    @Override
    public AugmentationSettings augmentation() {
        return augmentation.copy();
    }

    public BatchSettings withThreads(int n) {
        return new BatchSettings(patchSize, batchSize, numClasses, foregroundOversampling, augmentation, n, prefetch,
                recycleBuffers);
    }

    public BatchSettings withPrefetch(int n) {
        return new BatchSettings(patchSize, batchSize, numClasses, foregroundOversampling, augmentation, threads, n,
                recycleBuffers);
    }

    public BatchSettings withAugmentation(AugmentationSettings a) {
        return new BatchSettings(patchSize, batchSize, numClasses, foregroundOversampling, a, threads, prefetch,
                recycleBuffers);
    }

    public BatchSettings withRecycleBuffers(boolean recycle) {
        return new BatchSettings(patchSize, batchSize, numClasses, foregroundOversampling, augmentation, threads,
                prefetch, recycle);
    }

    @Override
    public String toString() {
        return "BatchSettings[patch=" + Arrays.toString(patchSize) + ", batch=" + batchSize + ", classes=" + numClasses
                + ", oversampling=" + foregroundOversampling + ", threads=" + threads + ", prefetch=" + prefetch
                + ", recycle=" + recycleBuffers + "]";
    }
}
