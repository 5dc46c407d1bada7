package org.maskseg.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.Batch;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.plan.Plan;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

/**
 * Every training step whose loss is finite must give a finite gradient, on every CPU the project is built on.
 * Runs many steps of 2D and 3D networks (with one and with two libtorch threads, which choose different
 * convolution kernels) and many backward passes of freshly initialised networks, and fails on the first
 * non-finite gradient, naming the step. The counts are printed so that a build log shows how much was checked.
 */
@Tag("slow")
class FiniteGradientsTest {

    private static int threads;

    @BeforeAll
    static void rememberThreads() {
        TorchRuntime.engine();
        threads = JniUtils.getNumThreads();
    }

    @AfterAll
    static void restoreThreads() {
        JniUtils.setNumThreads(threads);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void trainingSteps2dAnd3dKeepFiniteGradients(int numThreads) {
        JniUtils.setNumThreads(numThreads);
        List<String> bad = new ArrayList<>();
        int steps2d = run(TrainingStepTest.tinyPlan(64), batches2d(), 400, bad);
        int steps3d = run(plan3d(), batches3d(), 150, bad);
        System.out.printf("%d thread(s): %d 2D and %d 3D training steps, %d with a finite loss and a non-finite "
                + "gradient%n", numThreads, steps2d, steps3d, bad.size());
        assertEquals(List.of(), bad);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void freshNetworksGiveFiniteGradientsToEveryParameter(int numThreads) {
        JniUtils.setNumThreads(numThreads);
        Plan.Network t = Plan.Network.builder()
                .numStages(3)
                .features(4, 8, 8)
                .strides(new int[][] {{1, 1, 1}, {2, 2, 1}, {2, 2, 2}})
                .kernelSizes(new int[][] {{3, 3, 3}, {3, 3, 3}, {3, 3, 3}})
                .convsPerStage(2)
                .build();
        int passes = 150;
        List<String> bad = new ArrayList<>();
        try (NDManager root = TorchRuntime.newManager(Device.cpu())) {
            for (int i = 0; i < passes; i++) {
                try (NDManager m = root.newSubManager(); PlainConvUNet net = new PlainConvUNet(m, t, 1, 3, 3, i)) {
                    NDArray x = m.randomNormal(new Shape(2, 1, 4, 8, 8));
                    float loss;
                    try (GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
                        NDList out = net.forward(x, true);
                        NDArray l = null;
                        for (NDArray o : out) {
                            NDArray term = o.mul(m.randomNormal(o.getShape())).sum();
                            l = l == null ? term : l.add(term);
                        }
                        gc.backward(l);
                        loss = l.getFloat();
                    }
                    if (!Float.isFinite(loss)) {
                        continue;
                    }
                    for (Map.Entry<String, NDArray> e : net.parameters().entrySet()) {
                        float norm = e.getValue().getGradient().norm().getFloat();
                        if (!Float.isFinite(norm)) {
                            bad.add("pass " + i + ": " + e.getKey() + " gradient norm " + norm);
                        }
                    }
                }
            }
        }
        System.out.printf("%d thread(s): %d backward passes of fresh 3D networks, %d non-finite parameter "
                + "gradients%n", numThreads, passes, bad.size());
        assertEquals(List.of(), bad);
    }

    /** Trains for the given number of steps; records every step with a finite loss and a non-finite gradient. */
    private static int run(Plan plan, Batch[] batches, int steps, List<String> bad) {
        try (NDManager root = TorchRuntime.newManager(Device.cpu());
                PlainConvUNet net = PlainConvUNet.fromPlan(root, plan, 7);
                TrainingStep step = TrainingStep.forPlan(net, plan)) {
            for (int i = 0; i < steps; i++) {
                TrainingStep.Result r = step.run(batches[i % batches.length], PolyLearningRate.at(0.01, i, steps));
                assertTrue(Float.isFinite(r.loss()), "the toy data always gives a finite loss: " + r);
                if (!Float.isFinite(r.gradientNorm()) || !r.updated()) {
                    bad.add(plan.configuration() + " step " + i + ": " + r);
                }
            }
        }
        return steps;
    }

    private static Batch[] batches2d() {
        Random r = new Random(1);
        Batch[] b = new Batch[8];
        for (int i = 0; i < b.length; i++) {
            b[i] = TrainingStepTest.toyBatch(r, 2, 64);
        }
        return b;
    }

    /** 3D toy batches (x 16, y 16, z 8): a bright ball is foreground, a quarter of the voxels ignored. */
    private static Batch[] batches3d() {
        Random r = new Random(2);
        int sx = 16, sy = 16, sz = 8, n = 2;
        Batch[] out = new Batch[6];
        for (int k = 0; k < out.length; k++) {
            float[] img = new float[n * sx * sy * sz];
            int[] lab = new int[img.length];
            for (int b = 0; b < n; b++) {
                double cx = 4 + r.nextDouble() * 8, cy = 4 + r.nextDouble() * 8, cz = 2 + r.nextDouble() * 4;
                for (int z = 0; z < sz; z++) {
                    for (int y = 0; y < sy; y++) {
                        for (int x = 0; x < sx; x++) {
                            int i = ((b * sz + z) * sy + y) * sx + x;
                            double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy) + 4 * (z - cz) * (z - cz);
                            boolean fg = d2 < 16;
                            img[i] = (fg ? 1f : -1f) + (float) r.nextGaussian() * 0.5f;
                            lab[i] = r.nextInt(4) == 0 ? 2 : fg ? 1 : 0;
                        }
                    }
                }
            }
            out[k] = new Batch(img, lab, n, 1, new int[] {sx, sy, sz});
        }
        return out;
    }

    private static Plan plan3d() {
        return Plan.builder()
                .configuration("3d")
                .targetSpacing(1, 1, 1)
                .targets(Targets.classes(new LabelSpec(2, 2, null)))
                .patchSize(16, 16, 8)
                .network(n -> n.numStages(3)
                        .features(8, 16, 16)
                        .strides(new int[][] {{1, 1, 1}, {2, 2, 2}, {2, 2, 2}})
                        .kernelSizes(new int[][] {{3, 3, 3}, {3, 3, 3}, {3, 3, 3}}))
                .build();
    }
}
