package org.maskseg.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.metrics.CaseMetrics;
import org.maskseg.core.metrics.SegmentationMetrics;
import org.maskseg.core.plan.NetworkTopology;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.Planner;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.predict.ModelPredictor;
import org.maskseg.core.predict.Prediction;
import org.maskseg.core.predict.PredictionMonitor;
import org.maskseg.core.predict.PredictionSettings;
import org.maskseg.core.train.EpochStats;
import org.maskseg.core.train.TrainingJob;
import org.maskseg.core.train.TrainingListener;
import org.maskseg.core.train.TrainingRequest;
import org.maskseg.core.train.TrainingResult;
import org.maskseg.core.train.TrainingSettings;

import ai.djl.Device;

/**
 * nnU-Net's cascade against the full-resolution network alone on synthetic 3D volumes whose classes need context:
 * every volume holds a ball (class 1) and a cube (class 2) of similar size, both of the same brightness in noise, so
 * that a patch inside an object cannot tell which it is. A memory budget for small patches (24³ by default, as a
 * small GPU would force on large images) makes the planner add a low-resolution stage, whose patch sees whole
 * objects. Both variants get the same total number of training steps (the cascade splits them evenly between its
 * stages), the same seed and the same full-resolution plan; the held-out volumes are scored per class.
 * <p>
 * Options: {@code --steps 600 --edge 96 --cases 10 --held-out 3 --patch 24 --iterations 50 --threads 2}. Prints the
 * plans, one {@code RUN} line per variant and ends with {@code RESULT cascade steps=… cascade_dice=… fullres_dice=…}
 * (mean Dice over both classes and the held-out volumes) with per-class Dice and seconds. The seconds depend on the
 * machine's load; compare the Dice.
 */
public final class CascadeBench {

    private CascadeBench() {
    }

    private record Outcome(double ball, double cube, long steps, double seconds) {
        double mean() {
            return (ball + cube) / 2;
        }
    }

    public static void main(String[] args) throws Exception {
        int steps = 600;
        int edge = 96;
        int cases = 10;
        int heldOut = 3;
        int patch = 24;
        int iterations = 50;
        int threads = 2;
        for (int i = 0; i + 1 < args.length; i += 2) {
            int v = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--steps" -> steps = v;
                case "--edge" -> edge = v;
                case "--cases" -> cases = v;
                case "--held-out" -> heldOut = v;
                case "--patch" -> patch = v;
                case "--iterations" -> iterations = v;
                case "--threads" -> threads = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (steps % (2 * iterations) != 0) {
            throw new IllegalArgumentException("--steps must be a multiple of twice --iterations, so that both "
                    + "stages of the cascade get whole epochs");
        }
        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> labels = new ArrayList<>();
        for (int i = 0; i < cases + heldOut; i++) {
            volume(i, edge, images, labels);
        }
        List<ImageVolume> testImages = images.subList(cases, cases + heldOut);
        List<LabelVolume> testLabels = labels.subList(cases, cases + heldOut);
        images = images.subList(0, cases);
        labels = labels.subList(0, cases);
        LabelSpec spec = new LabelSpec(3, 3, List.of("background", "ball", "cube"));
        PlannerOptions options = PlannerOptions.defaults().withMemoryBudgetGiB(budgetGiB(patch));
        TrainingSettings base = TrainingSettings.builder().device("cpu").threads(threads).seed(0)
                .iterationsPerEpoch(iterations).validationIterations(2).build();

        Plan cascadePlan = TrainingJob.plan(images, labels, 3, base.toBuilder().configuration(Planner.CASCADE)
                .epochs(steps / 2 / iterations).build(), options);
        System.out.println("PLAN cascade: " + TrainingJob.describe(cascadePlan));
        System.out.println("PLAN low resolution: " + TrainingJob.describe(cascadePlan.previousStage) + ", spacing "
                + Arrays.toString(cascadePlan.previousStage.targetSpacing));

        Outcome cascade = run("cascade", images, labels, testImages, testLabels, spec, options,
                base.toBuilder().configuration(Planner.CASCADE).epochs(steps / 2 / iterations).build());
        Outcome fullres = run("fullres", images, labels, testImages, testLabels, spec, options,
                base.toBuilder().configuration("3d").epochs(steps / iterations).build());
        System.out.printf(Locale.ROOT, "RESULT cascade steps=%d cascade_dice=%.4f fullres_dice=%.4f "
                + "cascade_ball=%.4f cascade_cube=%.4f fullres_ball=%.4f fullres_cube=%.4f cascade_seconds=%.0f "
                + "fullres_seconds=%.0f edge=%d patch=%d cases=%d held_out=%d%n", steps, cascade.mean(), fullres.mean(),
                cascade.ball(), cascade.cube(), fullres.ball(), fullres.cube(), cascade.seconds(), fullres.seconds(),
                edge, patch, cases, heldOut);
    }

    /** A memory budget that holds two patches of edge {@code patch} (one channel, three classes) and no more. */
    static double budgetGiB(int patch) {
        NetworkTopology t = NetworkTopology.of(new double[] {1, 1, 1}, new int[] {patch, patch, patch},
                Planner.MAX_POOLS_3D);
        return 2 * Planner.patchBytes(t, Planner.MAX_FEATURES_3D, 1, 3) / (1024.0 * 1024 * 1024) * (1 + 1e-9);
    }

    private static Outcome run(String name, List<ImageVolume> images, List<LabelVolume> labels,
            List<ImageVolume> testImages, List<LabelVolume> testLabels, LabelSpec spec, PlannerOptions options,
            TrainingSettings settings) {
        long t0 = System.nanoTime();
        TrainingResult r = TrainingJob.run(TrainingRequest.volumes(images, labels).ignoreValue(3).finalValidation(false)
                .settings(settings).planner(options).build(), new TrainingListener() {
                    @Override
                    public void message(String text) {
                        System.out.println("INFO " + name + ": " + text);
                    }

                    @Override
                    public void epochFinished(EpochStats s) {
                        System.out.printf(Locale.ROOT, "EPOCH %s %d/%d: %d steps, %.1f s, pseudo-Dice %.3f%n", name,
                                s.epoch(), s.epochs(), s.iterations(), s.elapsedSeconds(), s.meanPseudoDice());
                    }
                }, null);
        double ball = 0;
        double cube = 0;
        try (ModelPredictor p = ModelPredictor.open(r.finalModel(), Device.cpu(), PredictionSettings.DEFAULTS)) {
            for (int i = 0; i < testImages.size(); i++) {
                Prediction pred = p.predict(testImages.get(i), Prediction.Outputs.LABELS_ONLY, PredictionMonitor.NONE);
                CaseMetrics m = SegmentationMetrics.evaluate(testImages.get(i).name(), testLabels.get(i),
                        pred.labels(), spec);
                ball += m.dice(1) / testImages.size();
                cube += m.dice(2) / testImages.size();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long steps = r.history().stream().mapToLong(EpochStats::iterations).sum();
        System.out.printf(Locale.ROOT, "RUN %s: held-out Dice ball %.4f cube %.4f, %d steps in the final stage, "
                + "%.0f s with prediction%n", name, ball, cube, steps, seconds);
        return new Outcome(ball, cube, steps, seconds);
    }

    /**
     * A volume of edge {@code edge}: a ball of radius 0.15–0.21 edge and a cube of half edge 0.125–0.167 edge (about
     * the same volume) at random positions that do not touch, brightness 1 on 0, Gaussian noise of standard deviation
     * 0.3.
     */
    static void volume(int index, int edge, List<ImageVolume> images, List<LabelVolume> labels) {
        SplittableRandom rng = new SplittableRandom(2024 + index);
        double r = edge * (0.15 + 0.06 * rng.nextDouble());
        double h = edge * (0.125 + 0.042 * rng.nextDouble());
        double[] b;
        double[] c;
        do {
            b = centre(rng, edge, r);
            c = centre(rng, edge, h);
        } while (distance(b, c) < r + h * Math.sqrt(3) + 2);
        int n = edge * edge * edge;
        float[] img = new float[n];
        int[] lab = new int[n];
        for (int z = 0; z < edge; z++) {
            for (int y = 0; y < edge; y++) {
                for (int x = 0; x < edge; x++) {
                    int v = (z * edge + y) * edge + x;
                    double dx = x - b[0], dy = y - b[1], dz = z - b[2];
                    boolean ball = dx * dx + dy * dy + dz * dz <= r * r;
                    boolean cube = Math.abs(x - c[0]) <= h && Math.abs(y - c[1]) <= h && Math.abs(z - c[2]) <= h;
                    lab[v] = ball ? 1 : cube ? 2 : 0;
                    img[v] = (lab[v] > 0 ? 1f : 0f) + (float) (0.3 * rng.nextGaussian());
                }
            }
        }
        long[] size = {edge, edge, edge};
        double[] spacing = {1, 1, 1};
        images.add(ImageVolume.wrap("vol" + index, img, size, 1, spacing));
        labels.add(LabelVolume.wrap("vol" + index, lab, size, spacing));
    }

    private static double[] centre(SplittableRandom rng, int edge, double extent) {
        double lo = extent + 1;
        double hi = edge - extent - 2;
        return new double[] {lo + (hi - lo) * rng.nextDouble(), lo + (hi - lo) * rng.nextDouble(),
            lo + (hi - lo) * rng.nextDouble()};
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < 3; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}
