package org.maskseg.core.train;

import java.util.Arrays;

/**
 * What one epoch achieved. Pseudo-Dice follows nnU-Net's online evaluation: true/false positives and
 * false negatives are summed over all validation batches of the epoch, counting only annotated voxels,
 * then Dice = 2tp / (2tp + fp + fn) per foreground class (NaN when the class neither occurs nor is
 * predicted).
 *
 * @param epoch               1-based
 * @param epochs              epochs planned in total
 * @param trainLoss           mean training loss of the epoch
 * @param validationLoss      mean validation loss
 * @param pseudoDice          per foreground class (classes 1..K-1), or per region for a region-based plan
 * @param meanPseudoDice      mean over the classes (regions) that are not NaN (NaN if all are)
 * @param emaPseudoDice       exponential moving average of the mean: 0.9·previous + 0.1·current
 * @param newBest             whether the moving average reached a new high with this epoch
 * @param learningRate        learning rate used in this epoch
 * @param iterations          training steps done in this epoch
 * @param skippedSteps        steps of this epoch whose loss or gradient was not finite, so the parameters were
 *                            left unchanged (they count in {@code iterations}, not in {@code trainLoss})
 * @param epochSeconds        wall-clock seconds of this epoch including validation
 * @param elapsedSeconds      seconds of training so far (all sessions of a resumed run)
 * @param etaSeconds          estimated seconds until training ends (NaN before the first epoch finished)
 * @param scalerSkips         steps of this epoch that the loss scaler of a half-precision run skipped because a
 *                            gradient overflowed (a normal part of mixed precision; not in {@code skippedSteps})
 * @param lossScale           the loss scale at the end of the epoch, NaN without loss scaling
 */
public record EpochStats(int epoch, int epochs, double trainLoss, double validationLoss, double[] pseudoDice,
        double meanPseudoDice, double emaPseudoDice, boolean newBest, double learningRate, int iterations,
        int skippedSteps, double epochSeconds, double elapsedSeconds, double etaSeconds, int scalerSkips,
        double lossScale) {

    public EpochStats {
        pseudoDice = pseudoDice.clone();
    }

    /** Statistics of an epoch without loss scaling. */
    public EpochStats(int epoch, int epochs, double trainLoss, double validationLoss, double[] pseudoDice,
            double meanPseudoDice, double emaPseudoDice, boolean newBest, double learningRate, int iterations,
            int skippedSteps, double epochSeconds, double elapsedSeconds, double etaSeconds) {
        this(epoch, epochs, trainLoss, validationLoss, pseudoDice, meanPseudoDice, emaPseudoDice, newBest,
                learningRate, iterations, skippedSteps, epochSeconds, elapsedSeconds, etaSeconds, 0, Double.NaN);
    }

    @Override
    public double[] pseudoDice() {
        return pseudoDice.clone();
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "epoch %d/%d: train loss %.4f, val loss %.4f, pseudo-Dice %s, EMA %.4f%s, lr %.2e, %.1f s%s", epoch,
                epochs, trainLoss, validationLoss, Arrays.toString(pseudoDice), emaPseudoDice,
                newBest ? " (best)" : "", learningRate, epochSeconds,
                skippedSteps == 0 ? "" : ", " + skippedSteps + " step(s) skipped (non-finite)")
                + (scalerSkips == 0 ? "" : ", " + scalerSkips + " step(s) skipped by the loss scaler")
                + (Double.isNaN(lossScale) ? "" : String.format(java.util.Locale.ROOT, ", loss scale %.0f", lossScale));
    }
}
