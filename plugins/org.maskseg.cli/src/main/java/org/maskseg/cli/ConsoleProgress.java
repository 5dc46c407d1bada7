package org.maskseg.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.maskseg.core.train.EpochStats;
import org.maskseg.core.train.TrainingListener;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Shows training progress on the console: a progress bar per epoch and one summary line after it. */
final class ConsoleProgress implements TrainingListener, AutoCloseable {

    private final PrintStream out;
    private final boolean interactive;
    private ProgressBar bar;
    private List<String> scoreNames = List.of();

    /** A bar is drawn only on a terminal; in logs and pipes only the per-epoch lines appear. */
    ConsoleProgress(PrintStream out) {
        this.out = out;
        this.interactive = System.console() != null;
    }

    @Override
    public void phase(String description) {
        closeBar();
        out.println(description + "...");
    }

    @Override
    public void message(String text) {
        closeBar();
        out.println(text);
    }

    @Override
    public void epochStarted(int epoch, int epochs, double learningRate) {
        closeBar();
        if (!interactive) {
            return;
        }
        bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
                .setInitialMax(1).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(out)).continuousUpdate().hideEta().build();
    }

    @Override
    public void iterationFinished(int epoch, int iteration, int iterations, double loss) {
        if (bar != null) {
            bar.maxHint(iterations);
            bar.stepTo(iteration);
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", loss));
        }
    }

    @Override
    public void epochFinished(EpochStats s) {
        closeBar();
        out.println(formatEpoch(s, scoreNames));
    }

    @Override
    public void scoresNamed(List<String> names) {
        scoreNames = List.copyOf(names);
    }

    /** One line per epoch; pseudo-Dice values are named when there is more than one. */
    static String formatEpoch(EpochStats s, List<String> names) {
        double[] values = s.pseudoDice();
        StringBuilder dice = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            dice.append(i == 0 ? "" : ", ");
            if (values.length > 1 && names.size() == values.length) {
                dice.append(names.get(i)).append(' ');
            }
            dice.append(String.format(Locale.ROOT, "%.3f", values[i]));
        }
        return String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f  val loss %.4f  pseudo-Dice [%s]  EMA %.4f%s  "
                + "lr %.2e  %.1f s  ETA %s", s.epoch(), s.epochs(), s.trainLoss(), s.validationLoss(), dice,
                s.emaPseudoDice(), s.newBest() ? " (best)" : "", s.learningRate(), s.epochSeconds(),
                eta(s.etaSeconds()))
                + (Double.isNaN(s.lossScale()) ? "" : String.format(Locale.ROOT, "  loss scale %.0f%s", s.lossScale(),
                        s.scalerSkips() == 0 ? "" : " (" + s.scalerSkips() + " step(s) skipped by the scaler)"));
    }

    static String eta(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        Duration d = Duration.ofSeconds(Math.round(seconds));
        return String.format(Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public void close() {
        closeBar();
    }
}
