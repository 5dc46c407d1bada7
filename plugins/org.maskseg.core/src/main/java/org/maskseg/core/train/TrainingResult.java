package org.maskseg.core.train;

import java.util.List;

import org.maskseg.core.evaluate.Scores;
import org.maskseg.core.model.TrainedModel;

/**
 * The outcome of a training run.
 *
 * @param finalModel     the network after the last epoch
 * @param bestModel      the network at the epoch with the highest moving-average pseudo-Dice (the final model
 *                       if the average never improved)
 * @param history        one entry per epoch, including epochs of earlier sessions of a resumed run
 * @param stopReason     "completed", "epoch limit" or "time limit"
 * @param split          which cases were trained on and which validated
 * @param msPerStep      mean wall-clock milliseconds per training step in this session (batch wait included)
 * @param finalValidation scores of the final model on the whole validation cases ({@link FinalValidation}), or
 *                       null when it was not run (turned off, or no case was held out)
 */
public record TrainingResult(TrainedModel finalModel, TrainedModel bestModel, List<EpochStats> history,
        String stopReason, ValidationSplit split, double msPerStep, Scores finalValidation) {

    public TrainingResult {
        history = List.copyOf(history);
    }

    /** This result with the scores of the final validation. */
    public TrainingResult withFinalValidation(Scores scores) {
        return new TrainingResult(finalModel, bestModel, history, stopReason, split, msPerStep, scores);
    }
}
