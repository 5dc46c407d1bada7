package org.maskseg.core.train;

import java.util.Locale;

import org.maskseg.core.InvalidInputException;

/**
 * Keeps count of training steps that changed nothing because their loss or gradient was not finite, and stops
 * training when they are more than an occasional accident. A skipped step is never silent: the trainer reports
 * each one, and the count goes into the epoch statistics, the curve CSV and the node's statistics table.
 * <p>
 * Training stops once at least {@link #MIN_SKIPPED} steps were skipped and they are more than
 * {@link #MAX_SHARE} of all steps so far. So one bad batch among hundreds goes on (with a message), while
 * data that gives NaN every time (NaN pixels, extreme intensities) or a diverging learning rate stops after a
 * few steps with an error that says what to check.
 */
public final class SkippedSteps {

    /** Largest share of skipped steps that training tolerates. */
    public static final double MAX_SHARE = 0.05;

    /** Skipped steps that are always tolerated, whatever their share. */
    public static final int MIN_SKIPPED = 3;

    private long steps;
    private long skipped;

    /** Counts from an earlier session of the same run (resume). */
    public SkippedSteps(long steps, long skipped) {
        this.steps = steps;
        this.skipped = skipped;
    }

    public SkippedSteps() {
        this(0, 0);
    }

    /**
     * Records one step.
     *
     * @param updated whether the step changed the parameters
     * @throws InvalidInputException when skipped steps now exceed the tolerated share
     */
    public void record(boolean updated) {
        steps++;
        if (!updated) {
            skipped++;
            if (skipped >= MIN_SKIPPED && skipped > MAX_SHARE * steps) {
                throw new InvalidInputException(String.format(Locale.ROOT,
                        "training stopped: %d of %d steps had a non-finite loss or gradient and were skipped (more "
                                + "than %.0f %%); check the images for NaN or infinite values and extreme "
                                + "intensities, or lower the learning rate",
                        skipped, steps, MAX_SHARE * 100));
            }
        }
    }

    public long steps() {
        return steps;
    }

    public long skipped() {
        return skipped;
    }
}
