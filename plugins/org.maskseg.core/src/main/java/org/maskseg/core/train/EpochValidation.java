package org.maskseg.core.train;

import org.maskseg.core.CancellationToken;
import org.maskseg.core.data.BatchSource;
import org.maskseg.core.image.Batch;
import org.maskseg.core.metrics.NanMean;
import org.maskseg.core.optim.TrainingStep;
import org.maskseg.core.plan.Plan;

/**
 * nnU-Net's online validation after an epoch: a fixed number of unaugmented validation batches, whose
 * true/false positives and false negatives (annotated voxels only) are summed into one pseudo-Dice per class or
 * region, and the mean validation loss. Under a time limit it stops taking batches at a deadline (after the
 * first), so that the run still ends within the limit.
 */
final class EpochValidation {

    /**
     * What a validation found.
     *
     * @param batches        the batches validated (fewer than asked when the deadline came first)
     * @param forwardSeconds the seconds the network's forward passes took, without waiting for batches
     */
    record Outcome(double[] pseudoDice, double meanPseudoDice, double meanLoss, int batches, double forwardSeconds) {
    }

    private EpochValidation() {
    }

    /**
     * @param deadlineSeconds seconds on {@code clock} after which no further batch is taken; infinite for none
     */
    static Outcome run(TrainingStep step, Plan plan, BatchSource source, int iterations,
            CancellationToken cancellation, SessionClock clock, double deadlineSeconds) throws InterruptedException {
        PseudoDice dice = PseudoDice.forTargets(plan.targets());
        double lossSum = 0;
        int done = 0;
        long forward = 0;
        for (int it = 0; it < iterations && (it == 0 || clock.elapsedSeconds() < deadlineSeconds); it++) {
            Batch batch = cancellation.await(source::next);
            cancellation.throwIfCancelled();
            long t0 = System.nanoTime();
            TrainingStep.Validation v = step.validate(batch);
            forward += System.nanoTime() - t0;
            dice.add(v.prediction(), batch.labels());
            lossSum += v.loss();
            done++;
        }
        double[] perClass = dice.perClass();
        return new Outcome(perClass, NanMean.of(perClass), lossSum / done, done, forward / 1e9);
    }
}
