package org.maskseg.core.model;

import java.util.Arrays;
import java.util.Map;

/**
 * How a model came about, stored in the model file for the user's record (nothing here affects
 * prediction).
 *
 * @param epochsDone          epochs completed
 * @param epochsPlanned       epochs the run was set up for
 * @param iterationsPerEpoch  training steps per epoch
 * @param finalPseudoDice     pseudo-Dice per foreground class (per region for a region-based model, see
 *                            {@link TrainedModel#scoreNames()}) after the last epoch (NaN = never seen)
 * @param finalEmaPseudoDice  exponential moving average of the mean foreground pseudo-Dice after the last epoch
 * @param bestEmaPseudoDice   highest moving average reached
 * @param bestEpoch           epoch (1-based) at which it was reached, 0 when none
 * @param selection           "last" or "best": which of the two models this file holds
 * @param stopReason          why training ended: "completed", "epoch limit", "time limit" or "budget"
 * @param seed                random seed
 * @param trainingSeconds     wall-clock seconds spent training (all sessions of a resumed run)
 * @param finishedAt          ISO-8601 instant the model was written
 * @param device              the compute device, e.g. "cpu()"
 * @param trainingCases       number of cases trained on
 * @param validationCases     number of cases held out for the pseudo-Dice
 * @param dataset             summary of the dataset fingerprint (sizes, spacings, intensities)
 */
public record TrainingMetadata(int epochsDone, int epochsPlanned, int iterationsPerEpoch, double[] finalPseudoDice,
        double finalEmaPseudoDice, double bestEmaPseudoDice, int bestEpoch, String selection, String stopReason,
        long seed, double trainingSeconds, String finishedAt, String device, int trainingCases, int validationCases,
        Map<String, Object> dataset) {

    public TrainingMetadata {
        finalPseudoDice = finalPseudoDice == null ? new double[0] : finalPseudoDice.clone();
        dataset = dataset == null ? Map.of() : Map.copyOf(dataset);
    }

    @Override
    public double[] finalPseudoDice() {
        return finalPseudoDice.clone();
    }

    /** The same metadata with another selection label ("best" / "last"). */
    public TrainingMetadata withSelection(String newSelection) {
        return new TrainingMetadata(epochsDone, epochsPlanned, iterationsPerEpoch, finalPseudoDice, finalEmaPseudoDice,
                bestEmaPseudoDice, bestEpoch, newSelection, stopReason, seed, trainingSeconds, finishedAt, device,
                trainingCases, validationCases, dataset);
    }

    @Override
    public String toString() {
        return "TrainingMetadata[epochs=" + epochsDone + "/" + epochsPlanned + ", pseudoDice="
                + Arrays.toString(finalPseudoDice) + ", ema=" + finalEmaPseudoDice + ", best=" + bestEmaPseudoDice
                + " @" + bestEpoch + ", " + selection + ", " + stopReason + "]";
    }
}
