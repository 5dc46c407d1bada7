package org.maskseg.knime.trainer;

import java.util.ArrayList;
import java.util.List;

import org.maskseg.core.train.EpochStats;

/**
 * What the trainer's view shows, as an immutable snapshot: the epochs finished so far (loss, pseudo-Dice per scored
 * output and its moving average, learning rate), the names of the scored outputs (foreground classes or regions,
 * once known) and a one-line status of the running step.
 *
 * @param scoreNames names of the pseudo-Dice series; empty until known (the series are then numbered)
 * @param history the epochs finished so far, in order
 * @param status the current step or phase, or empty
 * @param running whether the training is still going on
 */
record LearningCurve(List<String> scoreNames, List<EpochStats> history, String status, boolean running) {

    static final LearningCurve EMPTY = new LearningCurve(List.of(), List.of(), "", false);

    LearningCurve {
        scoreNames = List.copyOf(scoreNames);
        history = List.copyOf(history);
    }

    LearningCurve withEpoch(final EpochStats epoch) {
        List<EpochStats> h = new ArrayList<>(history);
        h.add(epoch);
        return new LearningCurve(scoreNames, h, status, true);
    }

    LearningCurve withStatus(final String text) {
        return new LearningCurve(scoreNames, history, text, running);
    }

    LearningCurve finished(final List<String> names, final String text) {
        return new LearningCurve(names, history, text, false);
    }

    /** The names of the pseudo-Dice series: the known names, else "1", "2", … for each value the epochs report. */
    List<String> seriesNames() {
        int n = history.isEmpty() ? 0 : history.get(history.size() - 1).pseudoDice().length;
        if (scoreNames.size() == n) {
            return scoreNames;
        }
        List<String> numbered = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            numbered.add(Integer.toString(i));
        }
        return numbered;
    }
}
