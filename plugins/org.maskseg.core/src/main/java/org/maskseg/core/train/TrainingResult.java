package org.maskseg.core.train;

import java.util.List;

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
 */
public record TrainingResult(TrainedModel finalModel, TrainedModel bestModel, List<EpochStats> history,
        String stopReason, ValidationSplit split, double msPerStep) {

    public TrainingResult {
        history = List.copyOf(history);
    }
}
