package org.maskseg.core.train;

import java.util.List;

/**
 * The trainer's own part of a checkpoint: enough to continue a run exactly where it stopped.
 *
 * @param epochsDone       epochs completed
 * @param emaPseudoDice    current moving average (NaN before the first epoch)
 * @param bestEmaPseudoDice highest moving average so far (NaN before the first epoch)
 * @param bestEpoch        epoch of the best average, 0 if none
 * @param elapsedSeconds   training seconds over all sessions
 * @param seed             the run's seed (a resumed run keeps it)
 * @param trainingCases    case names trained on
 * @param validationCases  case names validated on
 * @param history          statistics of every epoch done
 * @param freezeEncoderEpochs epochs at the start during which the encoder is kept fixed (0 in checkpoints
 *                         written before the setting existed)
 * @param lossScale        the loss scale of a half-precision run, null for fp32 runs (and checkpoints written
 *                         before mixed precision existed)
 * @param scalerCleanSteps consecutive clean steps of the loss scaler since its scale last changed
 */
record TrainerState(int epochsDone, double emaPseudoDice, double bestEmaPseudoDice, int bestEpoch,
        double elapsedSeconds, long seed, List<String> trainingCases, List<String> validationCases,
        List<EpochStats> history, int freezeEncoderEpochs, Double lossScale, int scalerCleanSteps) {

    TrainerState {
        trainingCases = List.copyOf(trainingCases);
        validationCases = List.copyOf(validationCases);
        history = List.copyOf(history);
    }
}
