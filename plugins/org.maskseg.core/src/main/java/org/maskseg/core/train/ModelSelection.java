package org.maskseg.core.train;

/**
 * nnU-Net's choice of the best model: the mean pseudo-Dice of each epoch's validation is smoothed by an
 * exponential moving average (0.9 · previous + 0.1 · current), and the epoch where the average reaches a new
 * high gives the best model. Epochs whose mean is undefined (NaN) leave the average unchanged.
 */
final class ModelSelection {

    private double ema;
    private double bestEma;
    private int bestEpoch;

    private ModelSelection(double ema, double bestEma, int bestEpoch) {
        this.ema = ema;
        this.bestEma = bestEma;
        this.bestEpoch = bestEpoch;
    }

    /** Nothing seen yet. */
    static ModelSelection fresh() {
        return new ModelSelection(Double.NaN, Double.NaN, 0);
    }

    /** Where an interrupted run stood. */
    static ModelSelection resumed(TrainerState state) {
        return new ModelSelection(state.emaPseudoDice(), state.bestEmaPseudoDice(), state.bestEpoch());
    }

    /**
     * Takes an epoch's mean pseudo-Dice.
     *
     * @return whether the moving average reached a new high with this epoch
     */
    boolean update(int epoch, double meanPseudoDice) {
        ema = PseudoDice.ema(ema, meanPseudoDice);
        boolean newBest = !Double.isNaN(ema) && (Double.isNaN(bestEma) || ema > bestEma);
        if (newBest) {
            bestEma = ema;
            bestEpoch = epoch;
        }
        return newBest;
    }

    double ema() {
        return ema;
    }

    double bestEma() {
        return bestEma;
    }

    int bestEpoch() {
        return bestEpoch;
    }
}
