package org.maskseg.core.train;

/**
 * Why a training session ended, as {@link TrainingResult#stopReason()} gives it and model files record it (the
 * texts are part of the model format: they are shown to users and stored, so they never change).
 */
public final class StopReason {

    /** Every planned epoch ran. */
    public static final String COMPLETED = "completed";
    /** The session's epoch limit was reached (the run can be resumed to complete). */
    public static final String EPOCH_LIMIT = "epoch limit";
    /** The time limit was reached. */
    public static final String TIME_LIMIT = "time limit";
    /** A budget ran out; the schedule was fitted to it, so the model is annealed. */
    public static final String BUDGET = "budget";

    private StopReason() {
    }
}
