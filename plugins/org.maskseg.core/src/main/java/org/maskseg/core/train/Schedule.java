package org.maskseg.core.train;

/**
 * The training schedule: how many epochs, how many steps each, the learning rate of every step, and when the
 * steps of an epoch must stop so that its validation and saving still fit a time limit. Two kinds exist: nnU-Net's
 * fixed number of epochs ({@link FixedSchedule}) and one fitted to a budget ({@link BudgetSchedule}). The trainer
 * reports back what each epoch cost, which a budget uses to re-estimate.
 */
interface Schedule {

    /** Whether epoch {@code epoch} (1-based) is to be trained. */
    boolean trains(int epoch);

    /** Training steps of epoch {@code epoch}. */
    int iterations(int epoch);

    /** Steps of a full epoch (what the model's metadata records). */
    int epochLength();

    /** Validation batches after each epoch. */
    int validationIterations();

    /** Learning rate of step {@code step} (1-based) of epoch {@code epoch}. */
    double learningRate(int epoch, int step);

    /** The number of epochs the schedule expects in all (an estimate for a time budget). */
    int plannedEpochs();

    /**
     * Seconds since the session started after which the steps of the current epoch stop, so that validation and
     * saving still end within the time limit; infinite without one.
     */
    double stepDeadlineSeconds();

    /**
     * Seconds since the session started after which an epoch's validation takes no further batch (it always takes
     * one), so that saving still fits a time limit; infinite without one.
     */
    double validationDeadlineSeconds();

    /**
     * Keeps this many seconds free at the end of a time budget for work that follows the training (the final
     * validation); updated after every epoch as the estimate improves. Schedules without a time budget ignore it.
     */
    default void reserveAtEnd(double seconds) {
    }

    /** Seconds since the session started at which the whole run must have ended; infinite without a limit. */
    double endSeconds();

    /**
     * What an epoch cost.
     *
     * @param steps           training steps done
     * @param stepSeconds     seconds spent in those steps
     * @param overheadSeconds seconds spent after them (validation, curves, checkpoint)
     * @param elapsedSeconds  seconds since the session started, at the end of the epoch
     */
    void epochDone(int epoch, int steps, double stepSeconds, double overheadSeconds, double elapsedSeconds);

    /** Why the run ended when {@link #trains} turned false: one of {@link StopReason}'s texts. */
    String stopReason();
}
