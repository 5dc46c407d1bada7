package org.maskseg.core.train;

import java.util.List;

/**
 * Receives progress from a training run, on the training thread. Implementations must return quickly
 * (update a progress bar, a node's progress, a log). All methods do nothing by default.
 */
public interface TrainingListener {

    TrainingListener NONE = new TrainingListener() {
    };

    /** A preparation phase began, e.g. "reading images", "planning", "preprocessing". */
    default void phase(String description) {
    }

    /**
     * Names of the pseudo-Dice values that {@link EpochStats#pseudoDice()} will hold, in their order: the
     * foreground classes, or the regions of a region-based model. Called once before the first epoch.
     */
    default void scoresNamed(List<String> names) {
    }

    /**
     * An epoch begins.
     *
     * @param epoch        1-based
     * @param epochs       epochs planned in total
     * @param learningRate learning rate of this epoch
     */
    default void epochStarted(int epoch, int epochs, double learningRate) {
    }

    /**
     * A training step finished.
     *
     * @param iteration  1-based within the epoch
     * @param iterations steps in this epoch
     * @param loss       the step's loss
     */
    default void iterationFinished(int epoch, int iteration, int iterations, double loss) {
    }

    /** An epoch and its validation finished. */
    default void epochFinished(EpochStats stats) {
    }

    /**
     * A fold of a cross-validation begins; the epochs that follow, until the next call, belong to it.
     *
     * @param fold  0-based fold number
     * @param folds folds of the split
     */
    default void foldStarted(int fold, int folds) {
    }

    /** A line worth showing to the user (e.g. where files were written, why training stopped). */
    default void message(String text) {
    }
}
