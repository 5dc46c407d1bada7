package org.maskseg.core.train;

import java.util.List;

import org.maskseg.core.evaluate.Scores;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.postprocess.Postprocessing;

/**
 * The outcome of a training run.
 *
 * @param finalModel     the network after the last epoch
 * @param bestModel      the network at the epoch with the highest moving-average pseudo-Dice (the final model
 *                       if the average never improved)
 * @param history        one entry per epoch, including epochs of earlier sessions of a resumed run
 * @param stopReason     why the session ended: one of {@link StopReason}'s texts
 * @param split          which cases were trained on and which validated
 * @param msPerStep      mean wall-clock milliseconds per training step in this session (batch wait included)
 * @param finalValidation scores of the final model on the whole validation cases ({@link FinalValidation}), or
 *                       null when it was not run (turned off, or no case was held out); for several folds the
 *                       scores of all their validation cases pooled
 * @param fold           the cross-validation fold trained, or null when this is not a single fold
 * @param folds          for several folds trained one after the other: each fold's result (the models above then
 *                       hold every fold's network, the history is every fold's in turn); else empty
 * @param sizing         how the plan was sized to the device and the time budget, or null when it was not
 *                       ({@link SizingReport})
 */
public record TrainingResult(TrainedModel finalModel, TrainedModel bestModel, List<EpochStats> history,
        String stopReason, ValidationSplit split, double msPerStep, Scores finalValidation, Integer fold,
        List<TrainingResult> folds, SizingReport sizing) {

    public TrainingResult {
        history = List.copyOf(history);
        folds = List.copyOf(folds);
    }

    /** The result of one training, not of a cross-validation. */
    public TrainingResult(TrainedModel finalModel, TrainedModel bestModel, List<EpochStats> history,
            String stopReason, ValidationSplit split, double msPerStep) {
        this(finalModel, bestModel, history, stopReason, split, msPerStep, null, null, List.of(), null);
    }

    /** This result with the report of the device sizing its plan had. */
    public TrainingResult withSizing(SizingReport report) {
        return new TrainingResult(finalModel, bestModel, history, stopReason, split, msPerStep, finalValidation, fold,
                folds, report);
    }

    /** This result with the scores of the final validation. */
    public TrainingResult withFinalValidation(Scores scores) {
        return new TrainingResult(finalModel, bestModel, history, stopReason, split, msPerStep, scores, fold, folds, sizing);
    }

    /** This result with models that apply this postprocessing to the labels they predict. */
    public TrainingResult withPostprocessing(Postprocessing p) {
        return new TrainingResult(finalModel.withPostprocessing(p), bestModel.withPostprocessing(p), history,
                stopReason, split, msPerStep, finalValidation, fold, folds, sizing);
    }

    /** This single training as fold {@code k} of a cross-validation: its models are marked with the fold. */
    public TrainingResult asFold(int k) {
        return new TrainingResult(finalModel.withFold(k), bestModel.withFold(k), history, stopReason, split,
                msPerStep, finalValidation, k, List.of(), sizing);
    }

    /** True when every planned epoch ran: no epoch limit, time limit or budget ended the session early. */
    public boolean completed() {
        return StopReason.COMPLETED.equals(stopReason);
    }

    /**
     * The folds of a cross-validation trained one after the other, as one result: models holding every fold's
     * network, every fold's epochs, "completed" when every fold completed, and the validation scores of all folds
     * pooled (null unless every fold has them).
     */
    public static TrainingResult ofFolds(List<TrainingResult> folds) {
        List<TrainedModel> finals = new java.util.ArrayList<>();
        List<TrainedModel> bests = new java.util.ArrayList<>();
        List<EpochStats> history = new java.util.ArrayList<>();
        List<Scores> scores = new java.util.ArrayList<>();
        String stop = StopReason.COMPLETED;
        double ms = 0;
        for (TrainingResult r : folds) {
            finals.add(r.finalModel());
            bests.add(r.bestModel());
            history.addAll(r.history());
            if (r.finalValidation() != null) {
                scores.add(r.finalValidation());
            }
            if (!r.completed() && StopReason.COMPLETED.equals(stop)) {
                stop = r.stopReason();
            }
            ms += r.msPerStep() / folds.size();
        }
        TrainingResult last = folds.get(folds.size() - 1);
        return new TrainingResult(TrainedModel.ensemble(finals), TrainedModel.ensemble(bests), history, stop,
                last.split(), ms, scores.size() == folds.size() ? Scores.pooled(scores) : null, null, folds,
                folds.get(0).sizing());
    }
}
