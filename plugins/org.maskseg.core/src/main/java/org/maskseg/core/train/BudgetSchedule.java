package org.maskseg.core.train;

import org.maskseg.core.optim.PolyLearningRate;

/**
 * nnU-Net's poly learning rate fitted to a budget instead of a fixed number of epochs. The decay runs over the
 * training steps the budget allows, so that the learning rate reaches its end when the budget does, and the model
 * is annealed whenever the run stops.
 * <ul>
 * <li>A time budget first trains a short warm-up epoch ({@value #WARMUP_STEPS} steps) to measure the step time.
 * After every epoch the epoch length is set from the measured step time and per-epoch overhead (validation, loader
 * start-up, saving): about {@value #TARGET_EPOCHS} epochs in the budget, but at least {@value #OVERHEAD_FACTOR}
 * times the overhead in steps, so that the overhead takes at most a tenth of the budget (never more steps per epoch
 * than the plan's).</li>
 * <li>After every epoch the remaining steps are estimated again from the measured cost of the epochs so far
 * (steps, validation and saving, on a machine whose speed may change): the epochs that still fit before the end,
 * less a reserve of {@value #RESERVE_SHARE} of the budget for the final saving and the time kept for what follows
 * the training ({@link #reserveAtEnd}: the final validation).</li>
 * <li>Progress through the decay, {@code steps done / estimated total}, never goes back, so the learning rate
 * never rises; the step that reaches the end of the budget has progress 1.</li>
 * <li>A step budget knows its total from the start: epochs of {@code steps / TARGET_EPOCHS} steps.</li>
 * </ul>
 * Validation uses a fifth of an epoch's steps in batches (at least {@value #MIN_VALIDATION}, at most the plan's).
 * The arithmetic takes measured seconds as input and reads no clock, so it can be tested exactly.
 */
final class BudgetSchedule implements Schedule {

    /** Epochs a budget is divided into: enough validations to follow the run and select the best model. */
    static final int TARGET_EPOCHS = 30;
    /** Steps of the first epoch of a time budget, which measures the speed of this machine. */
    static final int WARMUP_STEPS = 5;
    /** Fewest steps per epoch. */
    static final int MIN_ITERATIONS = 5;
    /** Fewest validation batches per epoch. */
    static final int MIN_VALIDATION = 2;
    /** An epoch's steps take at least this many times its overhead (validation, loader start-up, saving). */
    static final double OVERHEAD_FACTOR = 9;
    /** Share of a time budget kept free at the end for the final saving. */
    static final double RESERVE_SHARE = 0.02;

    private final Budget budget;
    private final double initialLearningRate;
    private final int maxIterations;
    private final int maxValidationIterations;
    private final double budgetSeconds;
    /** Seconds of the budget used by earlier sessions of the run; the session's clock starts after them. */
    private final double secondsBefore;
    private int iterations;
    private long stepsDone;
    private long estimatedTotal;
    private double progress;
    private int epochsDone;
    private int epochsLeft = Integer.MAX_VALUE;
    private double stepSeconds = Double.NaN;
    private double overheadSeconds;
    private double reservedAtEnd;
    private boolean ended;

    /**
     * @param budget              the budget; for a resumed run, the part not yet used
     * @param planIterations      the plan's steps per epoch (the most an epoch gets)
     * @param planValidation      the plan's validation batches per epoch (the most an epoch gets)
     */
    BudgetSchedule(Budget budget, double initialLearningRate, int planIterations, int planValidation) {
        this(budget, initialLearningRate, planIterations, planValidation, 0, 0, 0, 0);
    }

    /**
     * A schedule that continues a run which earlier sessions have trained for part of the budget.
     *
     * @param epochsBefore   epochs done before this session
     * @param stepsBefore    training steps done before this session
     * @param secondsBefore  seconds used before this session
     * @param lastEpochSteps steps of the last full epoch before (0: none), the epoch length to continue with
     */
    BudgetSchedule(Budget budget, double initialLearningRate, int planIterations, int planValidation,
            int epochsBefore, long stepsBefore, double secondsBefore, int lastEpochSteps) {
        this.budget = budget;
        this.initialLearningRate = initialLearningRate;
        this.maxIterations = Math.max(1, planIterations);
        this.maxValidationIterations = Math.max(1, planValidation);
        this.budgetSeconds = budget.isTime() ? budget.time().toMillis() / 1000.0 : Double.POSITIVE_INFINITY;
        this.epochsDone = epochsBefore;
        this.stepsDone = stepsBefore;
        this.secondsBefore = secondsBefore;
        if (budget.isTime()) {
            iterations = lastEpochSteps > 0 ? Math.min(lastEpochSteps, maxIterations)
                    : Math.min(WARMUP_STEPS, maxIterations);
            estimatedTotal = Long.MAX_VALUE; // unknown until this session's first epoch was measured
            // until then, the share of the time used stands in for the share of the steps done
            progress = Math.min(1, secondsBefore / budgetSeconds);
        } else {
            iterations = clamp(budget.steps() / TARGET_EPOCHS, MIN_ITERATIONS, maxIterations);
            estimatedTotal = budget.steps();
            progress = Math.min(1, stepsBefore / (double) budget.steps());
        }
        ended = budget.isTime() ? secondsBefore >= budgetSeconds * (1 - RESERVE_SHARE)
                : stepsBefore >= budget.steps();
    }

    private static int clamp(long v, int min, int max) {
        return (int) Math.max(Math.min(v, max), Math.min(min, max));
    }

    @Override
    public boolean trains(int epoch) {
        return !ended;
    }

    @Override
    public int iterations(int epoch) {
        if (!budget.isTime()) {
            return (int) Math.max(1, Math.min(iterations, estimatedTotal - stepsDone));
        }
        return iterations;
    }

    @Override
    public int epochLength() {
        return iterations;
    }

    @Override
    public int validationIterations() {
        return clamp(iterations / 5, MIN_VALIDATION, maxValidationIterations);
    }

    /** Progress through the decay at a step (0 at the start, 1 at the end of the budget). */
    double progress(int step) {
        if (estimatedTotal == Long.MAX_VALUE) {
            return progress; // warm-up: the total is not known yet
        }
        double p = (stepsDone + step - 1) / (double) estimatedTotal;
        return Math.min(1, Math.max(progress, p));
    }

    @Override
    public double learningRate(int epoch, int step) {
        return initialLearningRate * Math.pow(1 - progress(step), PolyLearningRate.EXPONENT);
    }

    @Override
    public int plannedEpochs() {
        if (epochsLeft == Integer.MAX_VALUE) {
            return budget.isTime() ? epochsDone + TARGET_EPOCHS : (int) Math.ceil(estimatedTotal / (double) iterations);
        }
        return epochsDone + epochsLeft;
    }

    @Override
    public double stepDeadlineSeconds() {
        return validationDeadlineSeconds() - overheadSeconds;
    }

    @Override
    public double validationDeadlineSeconds() {
        return endSeconds() - budgetSeconds * RESERVE_SHARE - reservedAtEnd;
    }

    @Override
    public void reserveAtEnd(double seconds) {
        reservedAtEnd = Double.isFinite(seconds) ? Math.max(0, seconds) : 0;
    }

    @Override
    public double endSeconds() {
        return budgetSeconds - secondsBefore;
    }

    @Override
    public void epochDone(int epoch, int steps, double spentInSteps, double overhead, double elapsedSeconds) {
        epochsDone++;
        stepsDone += steps;
        progress = Math.min(1, Math.max(progress, estimatedTotal == Long.MAX_VALUE ? 0
                : stepsDone / (double) estimatedTotal));
        if (steps > 0) {
            double s = spentInSteps / steps;
            stepSeconds = Double.isNaN(stepSeconds) ? s : 0.5 * stepSeconds + 0.5 * s; // follows a changing load
        }
        overheadSeconds = Double.isNaN(overhead) ? overheadSeconds : 0.5 * overheadSeconds + 0.5 * overhead;
        if (!budget.isTime()) {
            ended = stepsDone >= estimatedTotal;
            epochsLeft = ended ? 0 : (int) Math.ceil((estimatedTotal - stepsDone) / (double) iterations);
            return;
        }
        // the epoch length from what this machine measured: about TARGET_EPOCHS epochs in the budget, but long
        // enough that validation, loader start-up and saving take at most a tenth of an epoch
        double usable = budgetSeconds * (1 - RESERVE_SHARE) - reservedAtEnd;
        long affordable = (long) (usable / Math.max(stepSeconds, 1e-6));
        long amortised = (long) Math.ceil(OVERHEAD_FACTOR * overheadSeconds / Math.max(stepSeconds, 1e-6));
        iterations = clamp(Math.max(affordable / TARGET_EPOCHS, amortised), MIN_ITERATIONS, maxIterations);
        double remaining = usable - secondsBefore - elapsedSeconds;
        double perEpoch = iterations * stepSeconds + overheadSeconds;
        epochsLeft = remaining <= 0 ? 0 : (int) Math.floor(remaining / perEpoch);
        long total = stepsDone + (long) epochsLeft * iterations;
        estimatedTotal = Math.max(total, stepsDone); // progress is monotone through the max in progress()
        progress = Math.min(1, Math.max(progress, stepsDone / (double) Math.max(1, estimatedTotal)));
        ended = epochsLeft == 0;
    }

    @Override
    public String stopReason() {
        return StopReason.BUDGET;
    }

}
