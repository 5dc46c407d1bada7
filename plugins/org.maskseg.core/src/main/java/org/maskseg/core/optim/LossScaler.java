package org.maskseg.core.optim;

/**
 * Dynamic loss scaling for half-precision training, with the rule of PyTorch's GradScaler: the loss is multiplied
 * by the scale before the backward pass so that small gradients survive in half precision; when any gradient comes
 * out infinite or NaN the step is skipped and the scale halved; after {@code growthInterval} consecutive steps with
 * finite gradients the scale doubles. Gradients are divided by the scale before clipping and the update.
 */
public final class LossScaler {

    /** The scale a run starts with, 2^16. */
    public static final double INITIAL_SCALE = 65536;

    /** Consecutive clean steps after which the scale doubles. */
    public static final int GROWTH_INTERVAL = 2000;

    private final int growthInterval;
    private double scale;
    private int cleanSteps;

    /** The standard scaler: scale 2^16, doubling after 2,000 clean steps. */
    public LossScaler() {
        this(INITIAL_SCALE, GROWTH_INTERVAL);
    }

    /**
     * @param initialScale   the first scale (positive)
     * @param growthInterval consecutive clean steps after which the scale doubles (at least 1)
     */
    public LossScaler(double initialScale, int growthInterval) {
        if (!(initialScale > 0) || Double.isInfinite(initialScale)) {
            throw new IllegalArgumentException("loss scale must be positive and finite, got " + initialScale);
        }
        if (growthInterval < 1) {
            throw new IllegalArgumentException("growth interval must be at least 1, got " + growthInterval);
        }
        this.scale = initialScale;
        this.growthInterval = growthInterval;
    }

    /** The factor the loss is multiplied with before the backward pass. */
    public double scale() {
        return scale;
    }

    /** Consecutive clean steps since the scale last changed. */
    public int cleanSteps() {
        return cleanSteps;
    }

    /**
     * Records the outcome of one backward pass.
     *
     * @param gradientsFinite whether every scaled gradient was finite
     * @return whether the step may update the parameters (false: skip it; the scale has been halved)
     */
    public boolean update(boolean gradientsFinite) {
        if (!gradientsFinite) {
            scale *= 0.5;
            cleanSteps = 0;
            return false;
        }
        cleanSteps++;
        if (cleanSteps >= growthInterval) {
            scale *= 2;
            cleanSteps = 0;
        }
        return true;
    }

    /** The scaler's state, for checkpoints. */
    public record State(double scale, int cleanSteps) {
    }

    public State state() {
        return new State(scale, cleanSteps);
    }

    /** Continues from a saved state. */
    public void restore(State s) {
        if (!(s.scale() > 0) || Double.isInfinite(s.scale()) || s.cleanSteps() < 0) {
            throw new IllegalArgumentException("invalid loss scaler state " + s);
        }
        scale = s.scale();
        cleanSteps = s.cleanSteps();
    }
}
