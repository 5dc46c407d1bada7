package org.maskseg.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.maskseg.core.annotate.Annotator;
import org.maskseg.core.annotate.ScribbleOptions;
import org.maskseg.core.annotate.Scribbles;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.CaseData;
import org.maskseg.core.io.DatasetCase;
import org.maskseg.core.io.DatasetFolder;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.metrics.NanMean;
import org.maskseg.core.metrics.SegmentationMetrics;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.predict.ModelPredictor;
import org.maskseg.core.predict.Prediction;
import org.maskseg.core.predict.PredictionMonitor;
import org.maskseg.core.predict.PredictionSettings;
import org.maskseg.core.train.Budget;
import org.maskseg.core.train.TrainingJob;
import org.maskseg.core.train.TrainingRequest;
import org.maskseg.core.train.TrainingResult;
import org.maskseg.core.train.TrainingSettings;

import ai.djl.Device;

/**
 * Held-out Dice at a CPU time budget on the bundled nuclei (32 training images, 8 held out, dense labels or
 * simulated scribbles), for (a) nnU-Net's schedule cut by {@code --time-limit} and (b) the schedule fitted to
 * {@code --budget}, with the same plan (patch 128², batch 2, the demo's narrow network) and seed. Each run's wall
 * time includes validation and saving; the overshoot is that time over the budget.
 * <p>
 * Options: {@code --minutes 1,3 --labels dense,scribbles --variants cut,fitted --threads 2 --data DIR}. Prints one {@code RUN} line per
 * training and ends with {@code RESULT budget_<labels>_<minutes>m cut_dice=… fitted_dice=… ratio=…} lines (ratio =
 * fitted / cut). Run it alone on the machine: the budget is wall-clock time.
 */
public final class BudgetBench {

    private BudgetBench() {
    }

    private record Outcome(double dice, long steps, int epochs, double lastLearningRate, double seconds) {
    }

    public static void main(String[] args) throws Exception {
        List<Double> minutes = List.of(1.0, 3.0);
        List<String> labelKinds = List.of("dense", "scribbles");
        int threads = 2;
        boolean cutToo = true;
        Path data = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--minutes" -> minutes = java.util.Arrays.stream(v.split(",")).map(Double::parseDouble).toList();
                case "--labels" -> labelKinds = List.of(v.split(","));
                case "--threads" -> threads = Integer.parseInt(v);
                case "--variants" -> cutToo = v.contains("cut");
                case "--data" -> data = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (data == null) {
            data = SampleData.nuclei();
        }
        List<DatasetCase> all = DatasetFolder.open(data.resolve("images"), data.resolve("labels")).cases();
        List<DatasetCase> heldOut = all.subList(all.size() - 8, all.size());
        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> dense = new ArrayList<>();
        for (DatasetCase c : all.subList(0, all.size() - 8)) {
            CaseData d = c.read();
            images.add(d.image());
            dense.add(d.labels());
        }
        LabelSpec spec = LabelSpec.infer(dense, null);
        List<String> results = new ArrayList<>();
        for (String kind : labelKinds) {
            List<LabelVolume> labels = dense;
            if (kind.equals("scribbles")) {
                labels = new ArrayList<>();
                for (LabelVolume l : dense) {
                    labels.add(Scribbles.scribbles(l, spec, ScribbleOptions.DEFAULT, Annotator.caseSeed(0, l.name())));
                }
            }
            for (double m : minutes) {
                Duration d = Duration.ofMillis(Math.round(m * 60_000));
                TrainingSettings base = TrainingSettings.builder().device("cpu").threads(threads).seed(0)
                        .patchSize(128, 128).batchSize(2).build();
                Outcome cut = !cutToo ? new Outcome(Double.NaN, 0, 0, Double.NaN, Double.NaN)
                        : run(images, labels, spec, base.toBuilder().timeLimit(d).build(), heldOut,
                                kind + " cut " + m + " min");
                Outcome fitted = run(images, labels, spec,
                        base.toBuilder().budget(Budget.ofTime(d)).build(), heldOut, kind + " fitted " + m + " min");
                results.add(String.format(Locale.ROOT, "RESULT budget_%s_%sm cut_dice=%.4f fitted_dice=%.4f "
                        + "ratio=%.3f cut_steps=%d fitted_steps=%d cut_seconds=%.1f fitted_seconds=%.1f", kind,
                        trim(m), cut.dice(), fitted.dice(), fitted.dice() / cut.dice(), cut.steps(), fitted.steps(),
                        cut.seconds(), fitted.seconds()));
            }
        }
        results.forEach(System.out::println);
    }

    private static String trim(double m) {
        return m == Math.rint(m) ? Long.toString((long) m) : Double.toString(m);
    }

    private static Outcome run(List<ImageVolume> images, List<LabelVolume> labels, LabelSpec spec,
            TrainingSettings settings, List<DatasetCase> heldOut, String name) throws Exception {
        long t0 = System.nanoTime();
        // the held-out images are scored below; the run's time is the budgeted training alone
        TrainingResult r = TrainingJob.run(TrainingRequest.volumes(images, labels).ignoreValue(spec.ignoreValue())
                .finalValidation(false).settings(settings).planner(PlannerOptions.defaults()
                        .withOverrides("{\"network\":{\"features\":[16,32,64,128,256,256]}}")).build(),
                new org.maskseg.core.train.TrainingListener() {
                    @Override
                    public void epochFinished(org.maskseg.core.train.EpochStats s) {
                        System.out.printf(Locale.ROOT, "EPOCH %s %d/%d: %d steps, lr %.2e, %.1f s, pseudo-Dice %.3f%n",
                                name, s.epoch(), s.epochs(), s.iterations(), s.learningRate(), s.elapsedSeconds(),
                                s.meanPseudoDice());
                    }
                }, null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        TrainedModel model = r.finalModel();
        List<Double> dice = new ArrayList<>();
        try (ModelPredictor p = ModelPredictor.open(model, Device.cpu(), PredictionSettings.DEFAULTS)) {
            for (DatasetCase c : heldOut) {
                CaseData d = c.read();
                Prediction pred = p.predict(d.image(), Prediction.Outputs.LABELS_ONLY, PredictionMonitor.NONE);
                dice.add(SegmentationMetrics.evaluate(c.name(), d.labels(), pred.labels(), spec).dice(1));
            }
        }
        long steps = r.history().stream().mapToLong(s -> s.iterations()).sum();
        double lastLr = r.history().isEmpty() ? Double.NaN : r.history().get(r.history().size() - 1).learningRate();
        Outcome o = new Outcome(NanMean.of(dice.stream().mapToDouble(Double::doubleValue).toArray()), steps,
                r.history().size(), lastLr, seconds);
        System.out.printf(Locale.ROOT, "RUN %s: held-out Dice %.4f, %d steps in %d epochs, last lr %.2e, %.1f s "
                + "(stop: %s)%n", name, o.dice(), steps, o.epochs(), lastLr, seconds, r.stopReason());
        return o;
    }
}
