package org.maskseg.core.train;

import java.util.List;

import org.maskseg.core.data.BatchSource;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.preprocess.TrainingCase;

/**
 * Opens batch sources for the trainer. The trainer opens a new source per epoch with a seed derived from
 * the run's seed and the epoch, so that a resumed run sees exactly the batches an uninterrupted run would
 * have seen; implementations must therefore produce the same batch sequence for the same seed.
 */
@FunctionalInterface
public interface BatchSourceFactory {

    /**
     * @param cases      cases to draw patches from
     * @param plan       patch size, batch size, foreground oversampling
     * @param seed       seed of the batch sequence
     * @param training   true for training batches (augmented), false for validation batches
     * @param threads    background threads to use, 0 for the implementation's default
     */
    BatchSource open(List<TrainingCase> cases, Plan plan, long seed, boolean training, int threads);
}
