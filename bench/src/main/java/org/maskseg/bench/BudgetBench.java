package org.maskseg.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.maskseg.core.annotate.Annotator;
import org.maskseg.core.annotate.ScribbleOptions;
import org.maskseg.core.annotate.Scribbles;
import org.maskseg.core.annotate.SparseAnnotation;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.CaseData;
import org.maskseg.core.io.DatasetCase;
import org.maskseg.core.io.DatasetFolder;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.metrics.NanMean;
import org.maskseg.core.metrics.SegmentationMetrics;
import org.maskseg.core.plan.DeviceSizing;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.PlanJson;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.predict.ModelPredictor;
import org.maskseg.core.predict.Prediction;
import org.maskseg.core.predict.PredictionMonitor;
import org.maskseg.core.predict.PredictionSettings;
import org.maskseg.core.train.Budget;
import org.maskseg.core.train.EpochStats;
import org.maskseg.core.train.TrainingJob;
import org.maskseg.core.train.TrainingListener;
import org.maskseg.core.train.TrainingRequest;
import org.maskseg.core.train.TrainingResult;
import org.maskseg.core.train.TrainingSettings;

import ai.djl.Device;

/**
 * "Dice at a budget": held-out Dice after a few minutes of CPU training, for
 * <ul>
 * <li>(a) {@code cut}: what a time limit always did, nnU-Net's plan with nnU-Net's schedule stopped by
 * {@code --time-limit};</li>
 * <li>(b) {@code fitted}: {@code --budget}, the plan sized to the measured device and the schedule fitted to the
 * budget.</li>
 * </ul>
 * Data sets: {@code dense} and {@code scribbles} are the bundled nuclei (32 training images, 8 held out; scribbles
 * simulated by the Annotator), {@code 3d} and {@code 3d-slices} are 16 synthetic 64³ volumes with a ball and a cube
 * (12 training, 4 held out; every fourth axial slice labelled in {@code 3d-slices}). Held-out Dice is the nucleus Dice
 * in 2D and the mean of ball and cube Dice in 3D, averaged over the held-out cases. Both variants plan with the
 * defaults (no overrides) and the same seed; each run's seconds include planning, validation and saving.
 * <p>
 * Options: {@code --minutes 1,3,10 --sets dense,scribbles,3d --variants cut,fitted --reference 40
 * --reference-sets dense --threads 2 --png FILE --data DIR}. The reference runs the cut variant once more for the
 * given minutes, on the given sets. Prints a {@code RUN} line per training and a {@code RESULT} line per set and
 * budget as soon as both variants ran ({@code ratio} = fitted / cut Dice), and rewrites the PNG plot after every
 * run. Run it alone on the machine: the budget is wall-clock time.
 * <p>
 * To study sizing choices, a variant {@code fixed:PATCH:BATCH:DIVISOR} (e.g. {@code fixed:128x128:2:1}) trains the
 * default plan sized to that configuration ({@link DeviceSizing#sizedPlan}) with the fitted schedule and no
 * measuring. {@code --replot LOG,LOG...} draws the PNG from the {@code RUN} lines of earlier outputs (a later line for
 * the same set, variant and budget wins) without training.
 */
public final class BudgetBench {

    private BudgetBench() {
    }

    private record Outcome(double dice, long steps, double seconds, String plan) {
    }

    private record DataSet(String name, List<ImageVolume> images, List<LabelVolume> labels, List<CaseData> heldOut,
            LabelSpec spec) {
    }

    public static void main(String[] args) throws Exception {
        List<Double> minutes = List.of(1.0, 3.0, 10.0);
        List<String> sets = List.of("dense", "scribbles", "3d");
        List<String> variants = List.of("cut", "fitted");
        List<Double> reference = List.of();
        List<String> referenceSets = List.of("dense");
        int threads = 2;
        Path png = Path.of("budget-bench.png");
        Path data = null;
        List<String> replot = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--minutes" -> minutes = numbers(v);
                case "--sets", "--labels" -> sets = List.of(v.split(","));
                case "--variants" -> variants = List.of(v.split(","));
                case "--reference" -> reference = numbers(v);
                case "--reference-sets" -> referenceSets = List.of(v.split(","));
                case "--threads" -> threads = Integer.parseInt(v);
                case "--png" -> png = Path.of(v);
                case "--data" -> data = Path.of(v);
                case "--replot" -> replot = List.of(v.split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (replot != null) {
            replot(replot, png);
            return;
        }
        if (data == null) {
            data = SampleData.nuclei();
        }
        // series name → (minutes → Dice), for the plot
        Map<String, XYSeries> plot = new LinkedHashMap<>();
        List<String> results = new ArrayList<>();
        for (String set : sets) {
            DataSet ds = dataSet(set, data);
            for (double m : minutes) {
                Outcome cut = null;
                Outcome fitted = null;
                if (variants.contains("cut")) {
                    cut = run(ds, "cut", m, threads);
                    point(plot, set + " cut (nnU-Net plan, schedule stopped)", m, cut.dice(), png);
                }
                if (variants.contains("fitted")) {
                    fitted = run(ds, "fitted", m, threads);
                    point(plot, set + " fitted (sized plan, fitted schedule)", m, fitted.dice(), png);
                }
                for (String v : variants) {
                    if (v.startsWith("fixed:")) {
                        Outcome o = run(ds, v, m, threads);
                        point(plot, set + " " + v + " (fitted schedule)", m, o.dice(), png);
                        String line = String.format(Locale.ROOT, "RESULT budget_%s_%sm %s dice=%.4f steps=%d "
                                + "seconds=%.1f plan=%s", set, trim(m), v, o.dice(), o.steps(), o.seconds(), o.plan());
                        System.out.println(line);
                        results.add(line);
                    }
                }
                if (cut != null && fitted != null) {
                    String line = String.format(Locale.ROOT, "RESULT budget_%s_%sm cut_dice=%.4f fitted_dice=%.4f "
                            + "ratio=%.3f cut_steps=%d fitted_steps=%d cut_seconds=%.1f fitted_seconds=%.1f "
                            + "fitted_plan=%s", set, trim(m), cut.dice(), fitted.dice(), fitted.dice() / cut.dice(),
                            cut.steps(), fitted.steps(), cut.seconds(), fitted.seconds(), fitted.plan());
                    System.out.println(line);
                    results.add(line);
                }
            }
            if (referenceSets.contains(set)) {
                for (double m : reference) {
                    Outcome ref = run(ds, "cut", m, threads);
                    point(plot, set + " cut (nnU-Net plan, schedule stopped)", m, ref.dice(), png);
                    String line = String.format(Locale.ROOT, "RESULT budget_%s_reference_%sm cut_dice=%.4f "
                            + "cut_steps=%d cut_seconds=%.1f", set, trim(m), ref.dice(), ref.steps(), ref.seconds());
                    System.out.println(line);
                    results.add(line);
                }
            }
        }
        System.out.println("SUMMARY");
        results.forEach(System.out::println);
        System.out.println("PLOT " + png.toAbsolutePath());
    }

    private static List<Double> numbers(String v) {
        return Arrays.stream(v.split(",")).map(Double::parseDouble).toList();
    }

    private static String trim(double m) {
        return m == Math.rint(m) ? Long.toString((long) m) : Double.toString(m);
    }

    private static DataSet dataSet(String set, Path nuclei) throws IOException {
        return switch (set) {
            case "dense", "scribbles" -> nuclei(set, nuclei);
            case "3d", "3d-slices" -> volumes(set);
            default -> throw new IllegalArgumentException("unknown data set " + set
                    + " (expected dense, scribbles, 3d or 3d-slices)");
        };
    }

    private static DataSet nuclei(String set, Path data) throws IOException {
        List<DatasetCase> all = DatasetFolder.open(data.resolve("images"), data.resolve("labels")).cases();
        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> dense = new ArrayList<>();
        for (DatasetCase c : all.subList(0, all.size() - 8)) {
            CaseData d = c.read();
            images.add(d.image());
            dense.add(d.labels());
        }
        List<CaseData> heldOut = new ArrayList<>();
        for (DatasetCase c : all.subList(all.size() - 8, all.size())) {
            heldOut.add(c.read());
        }
        LabelSpec spec = LabelSpec.infer(dense, null);
        List<LabelVolume> labels = dense;
        if (set.equals("scribbles")) {
            labels = new ArrayList<>();
            for (LabelVolume l : dense) {
                labels.add(Scribbles.scribbles(l, spec, ScribbleOptions.DEFAULT, Annotator.caseSeed(0, l.name())));
            }
        }
        return new DataSet(set, images, labels, heldOut, spec);
    }

    private static DataSet volumes(String set) {
        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> dense = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            CascadeBench.volume(i, 64, images, dense);
        }
        List<CaseData> heldOut = new ArrayList<>();
        for (int i = 12; i < 16; i++) {
            heldOut.add(new CaseData(images.get(i).name(), images.get(i), dense.get(i)));
        }
        LabelSpec spec = LabelSpec.infer(dense.subList(0, 12), null);
        List<LabelVolume> labels = new ArrayList<>(dense.subList(0, 12));
        if (set.equals("3d-slices")) {
            LabelSpec sparse = spec; // its ignore value is the default, one above the classes
            labels.replaceAll(l -> SparseAnnotation.everyNthSlice(l, sparse, SparseAnnotation.defaultAxis(l), 4));
        }
        return new DataSet(set, images.subList(0, 12), labels, heldOut, spec);
    }

    private static Outcome run(DataSet ds, String variant, double minutes, int threads) throws Exception {
        Duration d = Duration.ofMillis(Math.round(minutes * 60_000));
        TrainingSettings.Builder settings = TrainingSettings.builder().device("cpu").threads(threads).seed(0);
        if (variant.equals("cut")) {
            settings.timeLimit(d);
        } else {
            settings.budget(Budget.ofTime(d));
        }
        PlannerOptions planner = PlannerOptions.defaults();
        if (variant.startsWith("fixed:")) {
            String[] f = variant.split(":");
            int[] patch = Arrays.stream(f[1].split("x")).mapToInt(Integer::parseInt).toArray();
            Plan planned = TrainingJob.plan(ds.images(), ds.labels(), ds.spec().ignoreValue(), settings.build(),
                    planner);
            Plan sized = DeviceSizing.sizedPlan(planned, new DeviceSizing.Candidate(patch, Integer.parseInt(f[2]),
                    Integer.parseInt(f[3])));
            planner = planner.withOverrides(PlanJson.toJson(sized));
        }
        String name = ds.name() + " " + variant + " " + trim(minutes) + " min";
        long t0 = System.nanoTime();
        TrainingResult r = TrainingJob.run(TrainingRequest.volumes(ds.images(), ds.labels())
                .ignoreValue(ds.spec().ignoreValue()).finalValidation(false).settings(settings.build())
                .planner(planner).build(), new TrainingListener() {
                    @Override
                    public void message(String text) {
                        System.out.println("  " + name + ": " + text);
                    }

                    @Override
                    public void epochFinished(EpochStats s) {
                        System.out.printf(Locale.ROOT, "  EPOCH %s %d/%d: %d steps, lr %.2e, %.1f s, pseudo-Dice "
                                + "%.3f%n", name, s.epoch(), s.epochs(), s.iterations(), s.learningRate(),
                                s.elapsedSeconds(), s.meanPseudoDice());
                    }
                }, null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Double> dice = new ArrayList<>();
        try (ModelPredictor p = ModelPredictor.open(r.finalModel(), Device.cpu(), PredictionSettings.DEFAULTS)) {
            for (CaseData c : ds.heldOut()) {
                Prediction pred = p.predict(c.image(), Prediction.Outputs.LABELS_ONLY, PredictionMonitor.NONE);
                dice.add(SegmentationMetrics.evaluate(c.name(), c.labels(), pred.labels(), ds.spec())
                        .meanForegroundDice());
            }
        }
        long steps = r.history().stream().mapToLong(EpochStats::iterations).sum();
        double lastLr = r.history().isEmpty() ? Double.NaN : r.history().get(r.history().size() - 1).learningRate();
        Plan plan = r.finalModel().plan();
        String planText = "patch" + Arrays.toString(plan.patchSize()).replace(" ", "") + "xbatch" + plan.batchSize()
                + "xstages" + plan.network().numStages();
        Outcome o = new Outcome(NanMean.of(dice.stream().mapToDouble(Double::doubleValue).toArray()), steps, seconds,
                planText);
        System.out.printf(Locale.ROOT, "RUN %s: held-out Dice %.4f, %d steps in %d epochs, last lr %.2e, %.1f s, "
                + "plan %s (stop: %s)%n", name, o.dice(), steps, r.history().size(), lastLr, seconds, planText,
                r.stopReason());
        return o;
    }

    /**
     * Draws the plot from the RUN lines of earlier outputs, without training: a later line for the same set, variant
     * and budget replaces an earlier one, so that runs repeated after a change can be drawn with the rest.
     */
    private static void replot(List<String> logs, Path png) throws IOException {
        Pattern run = Pattern.compile("^RUN (\\S+) (cut|fitted) (\\S+) min: held-out Dice (\\S+),");
        Map<String, Map<Double, Double>> points = new LinkedHashMap<>();
        for (String log : logs) {
            for (String line : Files.readAllLines(Path.of(log))) {
                Matcher m = run.matcher(line);
                if (m.find()) {
                    String series = m.group(1) + " " + m.group(2) + (m.group(2).equals("cut")
                            ? " (nnU-Net plan, schedule stopped)" : " (sized plan, fitted schedule)");
                    points.computeIfAbsent(series, k -> new java.util.TreeMap<>())
                            .put(Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)));
                }
            }
        }
        Map<String, XYSeries> plot = new LinkedHashMap<>();
        for (Map.Entry<String, Map<Double, Double>> e : points.entrySet()) {
            for (Map.Entry<Double, Double> p : e.getValue().entrySet()) {
                point(plot, e.getKey(), p.getKey(), p.getValue(), png);
            }
        }
        System.out.println("PLOT " + png.toAbsolutePath());
    }

    private static void point(Map<String, XYSeries> plot, String series, double minutes, double dice, Path png)
            throws IOException {
        plot.computeIfAbsent(series, XYSeries::new).addOrUpdate((Number) minutes, Double.isFinite(dice) ? (Number) dice : null);
        XYSeriesCollection all = new XYSeriesCollection();
        plot.values().forEach(all::addSeries);
        LogAxis time = new LogAxis("CPU training budget (minutes, log scale)");
        time.setBase(10);
        NumberAxis diceAxis = new NumberAxis("held-out Dice");
        diceAxis.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < all.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        JFreeChart chart = new JFreeChart("Held-out Dice at a CPU time budget", JFreeChart.DEFAULT_TITLE_FONT,
                new XYPlot(all, time, diceAxis, renderer), true);
        chart.setBackgroundPaint(Color.WHITE);
        Path tmp = png.toAbsolutePath().resolveSibling(png.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ChartUtils.writeChartAsPNG(out, chart, 900, 600);
        }
        Files.move(tmp, png.toAbsolutePath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
