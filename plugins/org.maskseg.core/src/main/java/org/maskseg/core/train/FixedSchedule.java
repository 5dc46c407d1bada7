package org.maskseg.core.train;

import org.maskseg.core.optim.PolyLearningRate;

/**
 * nnU-Net's schedule: a fixed number of epochs of a fixed number of steps, the poly learning rate constant within
 * an epoch. An epoch limit stops it early (keeping the schedule's length); a time limit stops it at the first
 * epoch whose steps and validation would no longer fit, cutting the steps of the epoch that reaches it. Until the
 * first validation has been measured, {@value #FIRST_RESERVE_SHARE} of the limit is kept for it; a validation that
 * reaches {@value #SAVING_RESERVE_SHARE} of the limit before its end stops there, leaving that time for saving.
 */
final class FixedSchedule implements Schedule {

    /** Share of a time limit kept free after the first epoch's steps, before its validation has been measured. */
    static final double FIRST_RESERVE_SHARE = 0.1;
    /** Share of a time limit kept free after validation, for saving. */
    static final double SAVING_RESERVE_SHARE = 0.02;

    private final double initialLearningRate;
    private final int epochs;
    private final int iterations;
    private final int validationIterations;
    private final int lastEpoch;
    private final double limitSeconds;
    private double overheadSeconds;
    private boolean measured;
    private double meanStepSeconds = Double.NaN;
    private String stop;

    /**
     * @param epochLimit       null for none
     * @param timeLimitSeconds infinite for none
     */
    FixedSchedule(double initialLearningRate, int epochs, int iterations, int validationIterations,
            Integer epochLimit, double timeLimitSeconds) {
        this.initialLearningRate = initialLearningRate;
        this.epochs = epochs;
        this.iterations = iterations;
        this.validationIterations = validationIterations;
        this.lastEpoch = epochLimit == null ? epochs : Math.min(epochs, epochLimit);
        this.limitSeconds = timeLimitSeconds;
        this.stop = lastEpoch < epochs ? StopReason.EPOCH_LIMIT : StopReason.COMPLETED;
    }

    @Override
    public boolean trains(int epoch) {
        return epoch <= lastEpoch && !stop.equals(StopReason.TIME_LIMIT);
    }

    @Override
    public int iterations(int epoch) {
        return iterations;
    }

    @Override
    public int epochLength() {
        return iterations;
    }

    @Override
    public int validationIterations() {
        return validationIterations;
    }

    @Override
    public double learningRate(int epoch, int step) {
        return PolyLearningRate.at(initialLearningRate, epoch - 1, epochs);
    }

    @Override
    public int plannedEpochs() {
        return epochs;
    }

    @Override
    public double stepDeadlineSeconds() {
        if (Double.isInfinite(limitSeconds)) {
            return limitSeconds;
        }
        return limitSeconds - (measured ? overheadSeconds : FIRST_RESERVE_SHARE * limitSeconds);
    }

    @Override
    public double validationDeadlineSeconds() {
        return limitSeconds * (1 - SAVING_RESERVE_SHARE);
    }

    @Override
    public double endSeconds() {
        return limitSeconds;
    }

    @Override
    public void epochDone(int epoch, int steps, double stepSeconds, double overhead, double elapsedSeconds) {
        overheadSeconds = Math.max(overheadSeconds, overhead);
        measured = true;
        if (steps > 0) {
            meanStepSeconds = stepSeconds / steps;
        }
        // the next epoch needs at least one step, its validation and saving before the limit
        double nextEpochMinimum = (Double.isNaN(meanStepSeconds) ? 0 : meanStepSeconds) + overheadSeconds;
        if (epoch < lastEpoch && elapsedSeconds + nextEpochMinimum > limitSeconds) {
            stop = StopReason.TIME_LIMIT;
        }
    }

    @Override
    public String stopReason() {
        return stop;
    }
}
