package org.maskseg.core.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.jfree.chart.JFreeChart;
import org.maskseg.core.io.AtomicFiles;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Writes the training history as a CSV table and a PNG chart (losses above, pseudo-Dice below). */
public final class TrainingCurves {

    public static final String CSV = "training-curve.csv";
    public static final String PNG = "training-curve.png";

    private TrainingCurves() {
    }

    /**
     * CSV header: epoch, train_loss, val_loss, one pseudo_dice column per foreground class, ema, lr, skipped steps
     * (non-finite loss or gradient), seconds, steps skipped by the loss scaler and the loss scale (NaN in fp32).
     */
    public static String header(List<String> classNames) {
        return scoreHeader(foreground(classNames));
    }

    /**
     * CSV header with one pseudo_dice column per scored output: the foreground classes, or the regions of a
     * region-based model (see {@link org.maskseg.core.model.TrainedModel#scoreNames()}).
     */
    public static String scoreHeader(List<String> scoreNames) {
        StringBuilder sb = new StringBuilder("epoch,train_loss,val_loss");
        for (String name : scoreNames) {
            sb.append(",pseudo_dice_").append(name.replaceAll("[^A-Za-z0-9_]+", "_"));
        }
        return sb.append(",ema_pseudo_dice,lr,skipped_steps,seconds,scaler_skips,loss_scale").toString();
    }

    private static List<String> foreground(List<String> classNames) {
        return classNames.isEmpty() ? classNames : classNames.subList(1, classNames.size());
    }

    public static String row(EpochStats s) {
        StringBuilder sb = new StringBuilder();
        sb.append(s.epoch()).append(',').append(num(s.trainLoss())).append(',').append(num(s.validationLoss()));
        for (double d : s.pseudoDice()) {
            sb.append(',').append(num(d));
        }
        return sb.append(',').append(num(s.emaPseudoDice())).append(',').append(num(s.learningRate())).append(',')
                .append(s.skippedSteps()).append(',')
                .append(String.format(Locale.ROOT, "%.3f", s.elapsedSeconds())).append(',').append(s.scalerSkips())
                .append(',').append(num(s.lossScale())).toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.6g", v);
    }

    /** Writes (replaces) both files in {@code folder}, each atomically; scores are named by foreground class. */
    public static void write(Path folder, List<String> classNames, List<EpochStats> history) throws IOException {
        writeScores(folder, foreground(classNames), history);
    }

    /** Writes (replaces) both files in {@code folder}, each atomically, naming the scores as given. */
    public static void writeScores(Path folder, List<String> scoreNames, List<EpochStats> history)
            throws IOException {
        AtomicFiles.write(folder.resolve(CSV), tmp -> {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(scoreHeader(scoreNames));
                w.write('\n');
                for (EpochStats s : history) {
                    w.write(row(s));
                    w.write('\n');
                }
            }
        });
        AtomicFiles.write(folder.resolve(PNG), tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writePng(out, scoreChart(scoreNames, history), 900, 700);
            }
        });
    }

    /** The chart as PNG bytes, e.g. for a viewer that holds no charting library of its own. */
    public static byte[] png(List<String> classNames, List<EpochStats> history, int width, int height) {
        return scorePng(foreground(classNames), history, width, height);
    }

    /** Like {@link #png}, naming the scores as given (foreground classes or regions). */
    public static byte[] scorePng(List<String> scoreNames, List<EpochStats> history, int width, int height) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            writePng(out, scoreChart(scoreNames, history), width, height);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Encodes the chart as PNG through an in-memory image stream. ImageIO's default file-cached stream registers
     * a JVM shutdown hook on first use, which fails with "Shutdown in progress" when the curve is written while
     * a Ctrl-C or SIGTERM is being handled.
     */
    private static void writePng(OutputStream out, JFreeChart chart, int width, int height) throws IOException {
        BufferedImage image = chart.createBufferedImage(width, height);
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            if (!ImageIO.write(image, "png", stream)) {
                throw new IOException("no PNG encoder available");
            }
        }
    }

    /**
     * The chart: train and validation loss over epochs, pseudo-Dice per class with its moving average, and the
     * learning rate.
     */
    public static JFreeChart chart(List<String> classNames, List<EpochStats> history) {
        return scoreChart(foreground(classNames), history);
    }

    /** The chart, naming the pseudo-Dice series as given (foreground classes or regions). */
    public static JFreeChart scoreChart(List<String> scoreNames, List<EpochStats> history) {
        XYSeries train = new XYSeries("train loss");
        XYSeries val = new XYSeries("validation loss");
        XYSeries ema = new XYSeries("pseudo-Dice (moving average)");
        XYSeries[] dice = new XYSeries[scoreNames.size()];
        for (int c = 0; c < dice.length; c++) {
            dice[c] = new XYSeries("pseudo-Dice " + scoreNames.get(c));
        }
        for (EpochStats s : history) {
            train.add(s.epoch(), finite(s.trainLoss()));
            val.add(s.epoch(), finite(s.validationLoss()));
            ema.add(s.epoch(), finite(s.emaPseudoDice()));
            double[] d = s.pseudoDice();
            for (int c = 0; c < dice.length && c < d.length; c++) {
                dice[c].add(s.epoch(), finite(d[c]));
            }
        }
        XYSeries rate = new XYSeries("learning rate");
        for (EpochStats s : history) {
            rate.add(s.epoch(), finite(s.learningRate()));
        }
        XYSeriesCollection losses = new XYSeriesCollection();
        losses.addSeries(train);
        losses.addSeries(val);
        XYSeriesCollection dices = new XYSeriesCollection();
        for (XYSeries d : dice) {
            dices.addSeries(d);
        }
        dices.addSeries(ema);

        XYPlot lossPlot = new XYPlot(losses, null, new NumberAxis("loss"), renderer(2));
        NumberAxis diceAxis = new NumberAxis("pseudo-Dice");
        diceAxis.setRange(0, 1);
        XYPlot dicePlot = new XYPlot(dices, null, diceAxis, renderer(dices.getSeriesCount()));
        NumberAxis rateAxis = new NumberAxis("learning rate");
        rateAxis.setAutoRangeIncludesZero(true);
        XYPlot ratePlot = new XYPlot(new XYSeriesCollection(rate), null, rateAxis, renderer(1));
        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
        plot.add(lossPlot, 1);
        plot.add(dicePlot, 1);
        plot.add(ratePlot, 1);
        JFreeChart chart = new JFreeChart("Training", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static XYLineAndShapeRenderer renderer(int series) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < series; i++) {
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        return r;
    }

    /** JFreeChart draws gaps for null; NaN would break the axis range. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
