package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.CaseData;
import org.maskseg.core.io.DatasetCase;
import org.maskseg.core.io.DatasetFolder;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.nn.SegmentationNetwork;
import org.maskseg.core.plan.DatasetFingerprint;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.Planner;
import org.maskseg.core.preprocess.Preprocessor;
import org.maskseg.core.preprocess.TrainingCase;
import org.maskseg.core.testing.TestData;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Fine-tuning where the user drew new labels. A base model segments nuclei (300 steps on eight images). An
 * unseen image gets bright crosses painted into one square R, objects the base model takes for nuclei. Two squares
 * are annotated, as a user correcting a model would: R (nuclei as nuclei, crosses as background or as a new class)
 * and the square with the most nuclei elsewhere (nuclei only, so that fine-tuning also sees what must stay); every
 * other pixel carries the ignore value. Fine-tuning with the lower learning rate 1e-3 and the encoder frozen
 * changes the predictions in R towards the new labels, while the rest of the image and the nuclei of ten held-out
 * images are segmented about as well as before.
 * <p>
 * One libtorch thread keeps runs close, but libtorch is not bit-reproducible from run to run even then, and the base
 * model differs between machines. Measured on CPU over base models trained with the seeds 3, 5, 7, 9 and 11 (the
 * test uses 3), smallest margin to each bound: crosses marked background (300 steps): cross pixels called nucleus
 * 84–96 % before, 0–1.1 % after (bound 10 %); Dice in R recovered 92–106 % of what removing exactly the crosses
 * gives (bound 50 %); held-out Dice change −0.023 to +0.010 and outside the squares −0.034 to +0.004 (bound −0.05).
 * Crosses as a new class (400 steps): its Dice in R 0.75–0.97 (bound 0.7), held-out nucleus Dice change −0.025 to
 * +0.003 (bound −0.05). Without the second square, the held-out or outside Dice fell by up to 0.043 and 0.062.
 */
@Tag("learning")
class RegionFineTuningTest {

    private static final int BASE_CASES = 8;
    private static final int TUNE_CASE = BASE_CASES;
    private static final int HELD_OUT = 10;
    private static final int SIZE = 256;
    /** Side of R; it keeps 32 pixels from the image border so that its patches are mostly inside the image. */
    private static final int REGION = 96;
    private static final int BORDER = 32;
    private static final int ARM = 10;
    private static final int CROSSES = 3;
    private static final int IGNORE = 255;
    private static final int EPOCHS = 30;
    private static final int ITERATIONS = 10;
    /** A new class starts from fresh output rows and needs more steps than moving objects to background. */
    private static final int NEW_CLASS_EPOCHS = 40;

    private static int threadsBefore;
    private static List<ImageVolume> images;
    private static List<LabelVolume> labels;
    private static TrainedModel base;
    private static Region region;
    private static Region second;
    private static ImageVolume painted;
    private static int[] painting;

    /** The annotated square and the centres of the crosses in it. */
    private record Region(int x0, int y0, List<int[]> crosses) {
        boolean contains(int x, int y) {
            return x >= x0 && x < x0 + REGION && y >= y0 && y < y0 + REGION;
        }
    }

    @BeforeAll
    static void trainBaseModel() {
        threadsBefore = TorchRuntime.cpuThreads();
        DatasetFolder folder = DatasetFolder.open(TestData.nuclei().resolve("images"),
                TestData.nuclei().resolve("labels"));
        List<DatasetCase> all = folder.cases();
        images = new ArrayList<>();
        labels = new ArrayList<>();
        for (DatasetCase c : all.subList(0, TUNE_CASE + 1 + HELD_OUT)) {
            CaseData d = c.read();
            images.add(d.image());
            labels.add(d.labels());
        }
        LabelSpec spec = LabelSpec.infer(labels.subList(0, BASE_CASES), null);
        Plan plan = smallPlan(images.subList(0, BASE_CASES), labels.subList(0, BASE_CASES), spec);
        List<TrainingCase> cases = new ArrayList<>();
        for (int i = 0; i < BASE_CASES; i++) {
            cases.add(Preprocessor.preprocessCase(images.get(i), labels.get(i), spec, plan));
        }
        // one libtorch thread: parallel reductions would make the numbers vary from run to run
        TrainingSettings settings = TrainingSettings.builder().device("cpu").seed(3).epochs(30).iterationsPerEpoch(10)
                .validationIterations(1).threads(1).build();
        base = new Trainer(plan, cases, settings).train().finalModel();

        int[] truth = labels.get(TUNE_CASE).data();
        region = chooseRegion(truth);
        second = secondRegion(truth, region);
        painting = new int[SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                painting[y * SIZE + x] = onCross(region, x, y) ? 1 : 0;
            }
        }
        painted = paintCrosses(images.get(TUNE_CASE), truth);
    }

    @AfterAll
    static void restoreThreads() {
        TorchRuntime.setCpuThreads(threadsBefore);
    }

    @Test
    void crossesMarkedBackgroundInTheRegionStopBeingNucleiThere() {
        int[] truth = labels.get(TUNE_CASE).data();
        int[] target = new int[SIZE * SIZE];
        for (int i = 0; i < target.length; i++) {
            target[i] = painting[i] == 1 ? 0 : truth[i];
        }
        TrainedModel tuned = fineTune(target, null, EPOCHS);

        try (NDManager m = TorchRuntime.newManager(Device.cpu());
                SegmentationNetwork before = base.instantiate(m);
                SegmentationNetwork after = tuned.instantiate(m)) {
            int[] p0 = predict(before, base.plan(), painted, m);
            int[] p1 = predict(after, tuned.plan(), painted, m);
            double crossBefore = crossShare(p0, 1);
            double crossAfter = crossShare(p1, 1);
            Counts in0 = inRegion(p0, target, 1, true);
            Counts in1 = inRegion(p1, target, 1, true);
            Counts inCrossesRemoved = inRegion(withoutCrosses(p0), target, 1, true);
            Counts out0 = inRegion(p0, truth, 1, false);
            Counts out1 = inRegion(p1, truth, 1, false);
            double held0 = heldOutDice(before, base.plan(), m);
            double held1 = heldOutDice(after, tuned.plan(), m);
            System.out.printf(Locale.ROOT, "region fine-tuning, crosses marked background (R %dx%d at (%d, %d), %d "
                    + "steps, lr 1e-3, encoder frozen):%n  inside R: cross pixels called nucleus %.0f %% -> %.0f %%, "
                    + "Dice against the new labels %.3f -> %.3f (crosses removed exactly: %.3f)%n  same image outside "
                    + "the annotated squares: Dice %.3f -> %.3f%n  %d held-out images: Dice %.3f -> %.3f%n", REGION,
                    REGION, region.x0, region.y0, EPOCHS * ITERATIONS, 100 * crossBefore, 100 * crossAfter,
                    in0.dice(), in1.dice(), inCrossesRemoved.dice(), out0.dice(), out1.dice(), HELD_OUT, held0,
                    held1);

            assertTrue(crossBefore > 0.5, "the base model takes the crosses for nuclei: " + crossBefore);
            assertTrue(crossAfter < 0.1, "cross pixels called nucleus after fine-tuning: " + crossAfter);
            // the crosses cost the base model some Dice in R; how much depends on how bright it finds them, so the
            // bound is relative to what removing exactly the crosses from its prediction would give
            double costOfCrosses = inCrossesRemoved.dice() - in0.dice();
            assertTrue(in1.dice() > in0.dice() + costOfCrosses / 2, "Dice in R " + in0.dice() + " -> " + in1.dice()
                    + "; with exactly the crosses removed " + inCrossesRemoved.dice());
            assertTrue(held0 > 0.8, "base model's held-out Dice " + held0);
            assertTrue(held1 > held0 - 0.05, "held-out Dice " + held0 + " -> " + held1);
            assertTrue(out1.dice() > out0.dice() - 0.05, "Dice outside the annotated squares " + out0.dice() + " -> "
                    + out1.dice());
        }
    }

    @Test
    void crossesAnnotatedAsANewClassInTheRegionAreSegmentedAsIt() {
        int[] truth = labels.get(TUNE_CASE).data();
        int[] target = new int[SIZE * SIZE];
        for (int i = 0; i < target.length; i++) {
            target[i] = painting[i] == 1 ? 2 : truth[i];
        }
        ClassMapping mapping = ClassMapping.byNames(base.labels().classNames(), "background,class 1,cross");
        TrainedModel tuned = fineTune(target, mapping, NEW_CLASS_EPOCHS);
        assertEquals(List.of("background", "class 1", "cross"), tuned.labels().classNames());

        try (NDManager m = TorchRuntime.newManager(Device.cpu());
                SegmentationNetwork before = base.instantiate(m);
                SegmentationNetwork after = tuned.instantiate(m)) {
            int[] p0 = predict(before, base.plan(), painted, m);
            int[] p1 = predict(after, tuned.plan(), painted, m);
            Counts cross0 = inRegion(p0, target, 2, true);
            Counts cross1 = inRegion(p1, target, 2, true);
            Counts nuclei0 = inRegion(p0, target, 1, true);
            Counts nuclei1 = inRegion(p1, target, 1, true);
            double held0 = heldOutDice(before, base.plan(), m);
            double held1 = heldOutDice(after, tuned.plan(), m);
            System.out.printf(Locale.ROOT, "region fine-tuning, crosses as a new class (R %dx%d at (%d, %d), %d "
                    + "steps, lr 1e-3, encoder frozen):%n  inside R: cross Dice %.3f -> %.3f, nucleus Dice %.3f -> "
                    + "%.3f%n  %d held-out images: nucleus Dice %.3f -> %.3f%n", REGION, REGION, region.x0, region.y0,
                    NEW_CLASS_EPOCHS * ITERATIONS, cross0.dice(), cross1.dice(), nuclei0.dice(), nuclei1.dice(),
                    HELD_OUT, held0, held1);

            assertEquals(0.0, cross0.dice(), "a two-class model never predicts the new class");
            assertTrue(cross1.dice() > 0.7, "cross Dice in R after fine-tuning " + cross1.dice());
            assertTrue(nuclei1.dice() > nuclei0.dice(), "nucleus Dice in R " + nuclei0.dice() + " -> "
                    + nuclei1.dice());
            assertTrue(held1 > held0 - 0.05, "held-out Dice " + held0 + " -> " + held1);
        }
    }

    /** Fine-tunes the base model on the painted image: the given labels in the two squares, ignore elsewhere. */
    private static TrainedModel fineTune(int[] target, ClassMapping mapping, int epochs) {
        int[] sparse = new int[SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                sparse[y * SIZE + x] = annotated(x, y) ? target[y * SIZE + x] : IGNORE;
            }
        }
        LabelVolume l = labels.get(TUNE_CASE);
        TrainingSettings tune = TrainingSettings.builder().device("cpu").seed(4).epochs(epochs)
                .iterationsPerEpoch(ITERATIONS).validationIterations(1).threads(1).initialModel(base)
                .classMapping(mapping).learningRate(1e-3).freezeEncoderEpochs(epochs).build();
        TrainingResult r = TrainingJob.run(TrainingRequest.volumes(List.of(painted),
                List.of(LabelVolume.wrap(l.name(), sparse, l.size(), l.spacing()))).ignoreValue(IGNORE).settings(tune)
                .build(), null, null);
        assertEquals(1e-3, r.finalModel().plan().training().initialLearningRate(), 0);
        return r.finalModel();
    }

    /** The prediction with every cross pixel set to background. */
    private static int[] withoutCrosses(int[] prediction) {
        int[] p = prediction.clone();
        for (int i = 0; i < p.length; i++) {
            if (painting[i] == 1) {
                p[i] = 0;
            }
        }
        return p;
    }

    private static boolean annotated(int x, int y) {
        return region.contains(x, y) || (second != null && second.contains(x, y));
    }

    /** The square of the same size with the most nucleus pixels that does not overlap {@code r}. */
    private static Region secondRegion(int[] truth, Region r) {
        Region best = null;
        long bestNuclei = -1;
        for (int y0 = 0; y0 + REGION <= SIZE; y0 += 16) {
            for (int x0 = 0; x0 + REGION <= SIZE; x0 += 16) {
                boolean overlaps = x0 < r.x0 + REGION && r.x0 < x0 + REGION && y0 < r.y0 + REGION
                        && r.y0 < y0 + REGION;
                if (overlaps) {
                    continue;
                }
                long nuclei = nucleusPixels(truth, x0, y0);
                if (nuclei > bestNuclei) {
                    bestNuclei = nuclei;
                    best = new Region(x0, y0, List.of());
                }
            }
        }
        return best;
    }

    /** Nucleus pixels in the square of side {@link #REGION} at (x0, y0). */
    private static long nucleusPixels(int[] truth, int x0, int y0) {
        long n = 0;
        for (int y = y0; y < y0 + REGION; y++) {
            for (int x = x0; x < x0 + REGION; x++) {
                n += truth[y * SIZE + x] == 1 ? 1 : 0;
            }
        }
        return n;
    }

    /** Share of the cross pixels predicted as the given class. */
    private static double crossShare(int[] prediction, int cls) {
        long n = 0;
        long hit = 0;
        for (int i = 0; i < painting.length; i++) {
            if (painting[i] == 1) {
                n++;
                hit += prediction[i] == cls ? 1 : 0;
            }
        }
        return (double) hit / n;
    }

    /** Counts of one class inside (or outside) R. */
    private static Counts inRegion(int[] prediction, int[] reference, int cls, boolean inside) {
        Counts c = new Counts();
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                if (inside ? region.contains(x, y) : !annotated(x, y)) {
                    int i = y * SIZE + x;
                    c.add(prediction[i] == cls, reference[i] == cls);
                }
            }
        }
        return c;
    }

    /** Nucleus Dice over all held-out images (counts summed). */
    private static double heldOutDice(SegmentationNetwork net, Plan plan, NDManager m) {
        Counts c = new Counts();
        for (int k = TUNE_CASE + 1; k < TUNE_CASE + 1 + HELD_OUT; k++) {
            int[] ref = labels.get(k).data();
            int[] p = predict(net, plan, images.get(k), m);
            for (int i = 0; i < ref.length; i++) {
                c.add(p[i] == 1, ref[i] == 1);
            }
        }
        return c.dice();
    }

    /** True-positive, false-positive and false-negative pixel counts of one class. */
    private static final class Counts {
        long tp;
        long fp;
        long fn;

        void add(boolean predicted, boolean actual) {
            tp += predicted && actual ? 1 : 0;
            fp += predicted && !actual ? 1 : 0;
            fn += !predicted && actual ? 1 : 0;
        }

        double dice() {
            return tp + fp + fn == 0 ? Double.NaN : 2.0 * tp / (2.0 * tp + fp + fn);
        }
    }

    /** The planned topology for 64x64 patches, batch 4, with narrow stages (16..128 features) for speed. */
    private static Plan smallPlan(List<ImageVolume> imgs, List<LabelVolume> labs, LabelSpec spec) {
        Plan planned = Planner.plan(DatasetFingerprint.compute(imgs, labs, spec), spec);
        Plan p = TrainingJob.applySettings(planned, TrainingSettings.builder().patchSize(64, 64).batchSize(4).build());
        int[] features = p.network().features();
        for (int i = 0; i < features.length; i++) {
            features[i] = Math.min(16 << i, 128);
        }
        return p.toBuilder().network(n -> n.features(features)).build();
    }

    /** Argmax of a whole-image forward pass, C order (y, x). */
    private static int[] predict(SegmentationNetwork net, Plan plan, ImageVolume image, NDManager manager) {
        ImageVolume x = Preprocessor.preprocessImage(image, plan).image();
        long[] size = x.spatialSize();
        try (NDManager step = manager.newSubManager()) {
            NDArray in = step.create(x.data(), new Shape(1, 1, size[1], size[0]));
            return net.forward(in, false).get(0).argMax(1).toType(DataType.INT32, false).toIntArray();
        }
    }

    /** A cross: two perpendicular bars, 3 pixels wide, reaching {@link #ARM} pixels from the centre. */
    private static boolean onCross(Region r, int x, int y) {
        for (int[] c : r.crosses) {
            int dx = Math.abs(x - c[0]);
            int dy = Math.abs(y - c[1]);
            if ((dx <= 1 && dy <= ARM) || (dy <= 1 && dx <= ARM)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Among the squares at least {@link #BORDER} pixels inside the image that leave room for {@link #CROSSES}
     * crosses on background (3 pixels clear of nuclei and of each other), the one with the most nucleus pixels.
     */
    private static Region chooseRegion(int[] truth) {
        Region best = null;
        long bestNuclei = -1;
        for (int y0 = BORDER; y0 + REGION + BORDER <= SIZE; y0 += 16) {
            for (int x0 = BORDER; x0 + REGION + BORDER <= SIZE; x0 += 16) {
                List<int[]> crosses = new ArrayList<>();
                int margin = ARM + 2;
                for (int cy = y0 + margin; cy < y0 + REGION - margin && crosses.size() < CROSSES; cy += 2) {
                    for (int cx = x0 + margin; cx < x0 + REGION - margin && crosses.size() < CROSSES; cx += 2) {
                        if (clear(truth, cx, cy, ARM + 3) && apart(crosses, cx, cy)) {
                            crosses.add(new int[] {cx, cy});
                        }
                    }
                }
                if (crosses.size() < CROSSES) {
                    continue;
                }
                long nuclei = nucleusPixels(truth, x0, y0);
                if (nuclei > bestNuclei) {
                    bestNuclei = nuclei;
                    best = new Region(x0, y0, crosses);
                }
            }
        }
        if (best == null) {
            throw new IllegalStateException("no region leaves room for " + CROSSES + " crosses");
        }
        return best;
    }

    private static boolean clear(int[] truth, int cx, int cy, int radius) {
        for (int y = cy - radius; y <= cy + radius; y++) {
            for (int x = cx - radius; x <= cx + radius; x++) {
                if (x >= 0 && y >= 0 && x < SIZE && y < SIZE && truth[y * SIZE + x] != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean apart(List<int[]> crosses, int cx, int cy) {
        for (int[] c : crosses) {
            int dx = cx - c[0];
            int dy = cy - c[1];
            if (dx * dx + dy * dy < (2 * ARM + 4) * (2 * ARM + 4)) {
                return false;
            }
        }
        return true;
    }

    /** The image with the crosses drawn at the mean brightness of its nuclei. */
    private static ImageVolume paintCrosses(ImageVolume image, int[] truth) {
        float[] v = image.data().clone();
        double sum = 0;
        long n = 0;
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] == 1) {
                sum += v[i];
                n++;
            }
        }
        float bright = (float) (sum / n);
        for (int i = 0; i < v.length; i++) {
            if (painting[i] == 1) {
                v[i] = bright;
            }
        }
        return ImageVolume.wrap(image.name(), v, image.spatialSize(), image.channels(), image.spacing());
    }
}
