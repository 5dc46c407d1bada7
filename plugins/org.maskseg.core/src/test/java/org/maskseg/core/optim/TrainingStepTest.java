package org.maskseg.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.maskseg.core.data.Batch;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.plan.Plan;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

class TrainingStepTest {

    /**
     * One intra-op thread: these networks are tiny, and on a busy machine libtorch's worker threads spin
     * against each other and make each step many times slower.
     */
    @BeforeAll
    static void singleThread() {
        TorchRuntime.engine();
        JniUtils.setNumThreads(1);
    }

    /** A 2-class toy problem: foreground where the (noisy) image is bright; a quarter of voxels ignored. */
    static Batch toyBatch(Random r, int n, int size) {
        float[] img = new float[n * size * size];
        int[] lab = new int[n * size * size];
        for (int b = 0; b < n; b++) {
            double cx = r.nextDouble() * size, cy = r.nextDouble() * size, rad = size / 4.0;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int i = (b * size + y) * size + x;
                    boolean fg = (x - cx) * (x - cx) + (y - cy) * (y - cy) < rad * rad;
                    img[i] = (fg ? 1f : -1f) + (float) r.nextGaussian() * 0.5f;
                    lab[i] = r.nextInt(4) == 0 ? 2 : fg ? 1 : 0;
                }
            }
        }
        return new Batch(img, lab, n, 1, new int[] {size, size});
    }

    static Plan tinyPlan(int size) {
        Plan plan = new Plan();
        plan.configuration = "2d";
        plan.numClasses = 2;
        plan.patchSize = new int[] {size, size};
        plan.network.numStages = 3;
        plan.network.features = new int[] {8, 16, 32};
        plan.network.strides = new int[][] {{1, 1}, {2, 2}, {2, 2}};
        plan.network.kernelSizes = new int[][] {{3, 3}, {3, 3}, {3, 3}};
        return plan;
    }

    /** Resident set size of this process in kB, from /proc/self/status. */
    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    @Test
    void nativeMemoryStaysFlatAndLossFalls() throws IOException {
        int size = 64;
        Plan plan = tinyPlan(size);
        Random r = new Random(1);
        Batch[] batches = new Batch[8];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = toyBatch(r, 2, size);
        }
        try (NDManager root = TorchRuntime.newManager(Device.cpu());
                PlainConvUNet net = PlainConvUNet.fromPlan(root, plan, 7);
                TrainingStep step = TrainingStep.forPlan(net, plan)) {
            double first = 0, last = 0;
            long warm = 0;
            int steps = 350, warmUp = 50;
            for (int i = 0; i < steps; i++) {
                TrainingStep.Result res = step.run(batches[i % batches.length], PolyLearningRate.at(0.01, i, steps));
                assertTrue(res.updated() && Float.isFinite(res.loss()) && res.gradientNorm() > 0, res.toString());
                if (i < 20) {
                    first += res.loss() / 20;
                }
                if (i >= steps - 20) {
                    last += res.loss() / 20;
                }
                if (i == warmUp) {
                    System.gc();
                    warm = rssKb();
                }
            }
            System.gc();
            long end = rssKb();
            long growthMb = (end - warm) / 1024;
            System.out.printf("RSS after warm-up %d MB, after %d steps %d MB%n", warm / 1024, steps, end / 1024);
            assertTrue(growthMb < 100, "process memory grew by " + growthMb + " MB over " + (steps - warmUp) + " steps");
            assertTrue(last < first - 0.3, "loss fell from " + first + " to " + last);
        }
    }

    @Test
    void evaluationChangesNothingAndMatchesTrainingLoss() {
        int size = 32;
        Plan plan = tinyPlan(size);
        Batch batch = toyBatch(new Random(2), 2, size);
        try (NDManager root = TorchRuntime.newManager(Device.cpu());
                PlainConvUNet net = PlainConvUNet.fromPlan(root, plan, 7);
                TrainingStep step = TrainingStep.forPlan(net, plan)) {
            Map<String, float[]> before = net.exportParameters();
            float eval = step.evaluate(batch);
            Map<String, float[]> after = net.exportParameters();
            for (String k : before.keySet()) {
                assertArrayEquals(before.get(k), after.get(k), 0f, k);
            }
            TrainingStep.Result res = step.run(batch, 0.01);
            assertEquals(eval, res.loss(), 1e-5f);
            assertTrue(step.evaluate(batch) < eval, "one step on the same batch lowers its loss");
        }
    }
}
