package org.maskseg.core.train;

import java.util.Locale;

import org.maskseg.core.CancellationToken;
import org.maskseg.core.data.BatchSource;
import org.maskseg.core.image.Batch;
import org.maskseg.core.optim.TrainingStep;

/**
 * The training steps of one epoch: batches from a source, one optimisation step each, the loss reported after
 * every step. Steps whose loss or gradient is not finite change nothing; they are reported, counted, and stop the
 * training when they become more than an accident ({@link SkippedSteps}). Steps the loss scaler of a half-precision
 * run skips (a gradient overflowed and the scale was halved) are counted apart and never stop the training. The
 * epoch ends early when the session's schedule's step deadline has passed.
 */
final class EpochSteps {

    /** What an epoch's steps did. */
    record Outcome(double meanLoss, int steps, int skipped, int scalerSkips) {
    }

    private final TrainingStep step;
    private final TrainingListener listener;
    private final CancellationToken cancellation;
    private final SkippedSteps skipped;
    private final SessionClock clock;
    private long stepNanos;
    private int stepCount;
    private long firstStepNanos;

    EpochSteps(TrainingStep step, TrainingListener listener, CancellationToken cancellation, SkippedSteps skipped,
            SessionClock clock) {
        this.step = step;
        this.listener = listener;
        this.cancellation = cancellation;
        this.skipped = skipped;
        this.clock = clock;
    }

    /** The learning rate of a step (1-based) of the running epoch. */
    interface LearningRates {
        double at(int step);
    }

    /**
     * Runs up to {@code iterations} steps, at the learning rates given per step. After each step the epoch ends
     * early when another step of the mean length so far would pass {@code stepDeadlineSeconds} (seconds since the
     * session started), so that validation and saving still fit a time limit.
     *
     * @throws InterruptedException when the wait for a batch is interrupted
     */
    Outcome run(BatchSource source, int epoch, int iterations, LearningRates lr, double stepDeadlineSeconds)
            throws InterruptedException {
        double lossSum = 0;
        int done = 0;
        int updated = 0;
        int skippedHere = 0;
        int scalerSkips = 0;
        for (int it = 1; it <= iterations; it++) {
            long t0 = System.nanoTime();
            Batch batch = cancellation.await(source::next);
            cancellation.throwIfCancelled();
            TrainingStep.Result result = step.run(batch, lr.at(it));
            long took = System.nanoTime() - t0;
            stepNanos += took;
            if (it == 1) {
                firstStepNanos += took;
            }
            stepCount++;
            done++;
            if (result.updated()) {
                lossSum += result.loss();
                updated++;
            } else if (result.overflow()) {
                // the loss scaler's own adjustment of a half-precision run: counted apart, never a failure
                scalerSkips++;
            } else {
                skippedHere++;
                listener.message(String.format(Locale.ROOT,
                        "step %d of epoch %d skipped: loss %s, gradient norm %s (parameters unchanged)", it, epoch,
                        result.loss(), result.gradientNorm()));
            }
            skipped.record(result.updated() || result.overflow());
            listener.iterationFinished(epoch, it, iterations, result.loss());
            // stop when the next step, taking as long as the steps so far, would end after the deadline
            double typical = stepNanos / 1e9 / stepCount;
            if (clock.elapsedSeconds() + typical >= stepDeadlineSeconds && it < iterations) {
                break;
            }
        }
        return new Outcome(updated == 0 ? Double.NaN : lossSum / updated, done, skippedHere, scalerSkips);
    }

    /** Seconds spent in steps (batch waits included) in this session. */
    double stepSeconds() {
        return stepNanos / 1e9;
    }

    /**
     * Seconds spent in the first step of each epoch in this session: it also waits for the batch loader's start-up,
     * which is a cost of the epoch rather than of a step.
     */
    double firstStepSeconds() {
        return firstStepNanos / 1e9;
    }

    /** Mean wall-clock milliseconds per step of this session (batch wait included), NaN before the first. */
    double msPerStep() {
        return stepCount == 0 ? Double.NaN : stepNanos / 1e6 / stepCount;
    }
}
