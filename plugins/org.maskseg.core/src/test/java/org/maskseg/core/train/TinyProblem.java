package org.maskseg.core.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.maskseg.core.labels.Targets;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.nn.SegmentationNetwork;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.preprocess.TrainingCase;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** A small 2D segmentation problem (bright disks on noise) and a small network plan, for fast trainer tests. */
final class TinyProblem {

    static final int SIZE = 32;
    static final LabelSpec LABELS = LabelSpec.withDefaultIgnore(2);

    private TinyProblem() {
    }

    /** Plan: 32x32 patches, batch 2, three stages of 8/16/32 features. */
    static Plan plan(int epochs, int iterations) {
        return Plan.builder()
                .configuration("2d")
                .inputChannels(1)
                .targets(Targets.classes(new LabelSpec(2, 2, new ArrayList<>(LABELS.classNames()))))
                .patchSize(SIZE, SIZE)
                .batchSize(2)
                .batchDice(true)
                .network(n -> n.numStages(3)
                        .features(8, 16, 32)
                        .strides(new int[][] {{1, 1}, {2, 2}, {2, 2}})
                        .kernelSizes(new int[][] {{3, 3}, {3, 3}, {3, 3}}))
                .training(t -> t.epochs(epochs)
                        .iterationsPerEpoch(iterations)
                        .validationIterations(2)
                        .initialLearningRate(0.04)) // a small, easy problem: learn it in a few steps
                .build();
    }

    /** Cases with 2-4 disks each; labels dense (0/1). */
    static List<TrainingCase> cases(int n, long seed) {
        Random r = new Random(seed);
        List<TrainingCase> out = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            float[] img = new float[SIZE * SIZE];
            int[] lab = new int[SIZE * SIZE];
            int disks = 2 + r.nextInt(3);
            for (int d = 0; d < disks; d++) {
                double cx = 5 + r.nextDouble() * (SIZE - 10);
                double cy = 5 + r.nextDouble() * (SIZE - 10);
                double rad = 3 + r.nextDouble() * 3;
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= rad * rad) {
                            lab[y * SIZE + x] = 1;
                        }
                    }
                }
            }
            for (int i = 0; i < img.length; i++) {
                img[i] = (lab[i] == 1 ? 1f : -1f) + (float) r.nextGaussian() * 0.3f;
            }
            String name = String.format("case%02d", c);
            out.add(new TrainingCase(name,
                    ImageVolume.wrap(name, img, new long[] {SIZE, SIZE}, 1, new double[] {1, 1}),
                    LabelVolume.wrap(name, lab, new long[] {SIZE, SIZE}, new double[] {1, 1})));
        }
        return out;
    }

    /** Foreground Dice of the model's argmax on a whole (32x32) case against its labels. */
    static double dice(TrainedModel model, TrainingCase c, NDManager manager) {
        try (NDManager m = manager.newSubManager(); SegmentationNetwork net = model.instantiate(m)) {
            NDArray x = m.create(c.image().data(), new Shape(1, 1, SIZE, SIZE));
            int[] pred = net.forward(x, false).get(0).argMax(1).toType(DataType.INT32, false).toIntArray();
            int[] ref = c.labels().data();
            long tp = 0;
            long fp = 0;
            long fn = 0;
            for (int i = 0; i < pred.length; i++) {
                if (ref[i] > 1) {
                    continue;
                }
                tp += pred[i] == 1 && ref[i] == 1 ? 1 : 0;
                fp += pred[i] == 1 && ref[i] == 0 ? 1 : 0;
                fn += pred[i] == 0 && ref[i] == 1 ? 1 : 0;
            }
            return 2.0 * tp / (2.0 * tp + fp + fn);
        }
    }
}
