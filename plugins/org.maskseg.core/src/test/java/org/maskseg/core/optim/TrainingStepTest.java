package org.maskseg.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.ProcessMemory;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.Batch;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.testing.OneTorchThread;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

@ExtendWith(OneTorchThread.class)
class TrainingStepTest {

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
        return Plan.builder()
                .configuration("2d")
                .targets(Targets.classes(new LabelSpec(2, 2, null)))
                .patchSize(size, size)
                .network(n -> n.numStages(3)
                        .features(8, 16, 32)
                        .strides(new int[][] {{1, 1}, {2, 2}, {2, 2}})
                        .kernelSizes(new int[][] {{3, 3}, {3, 3}, {3, 3}}))
                .build();
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
            int steps = 450, warmUp = 150;
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
                    warm = ProcessMemory.outsideHeapKb();
                }
            }
            long end = ProcessMemory.outsideHeapKb();
            long growthMb = (end - warm) / 1024;
            System.out.printf("memory outside the Java heap after warm-up %d MB, after %d steps %d MB%n",
                    warm / 1024, steps, end / 1024);
            assertTrue(growthMb < 100,
                    "native memory grew by " + growthMb + " MB over " + (steps - warmUp) + " steps");
            assertTrue(last < first - 0.3, "loss fell from " + first + " to " + last);
        }
    }

    @Test
    void threeDimensionalAnisotropicNetworkTrains() {
        Plan plan = Plan.builder()
                .configuration("3d")
                .targetSpacing(1, 1, 1)
                .targets(Targets.classes(new LabelSpec(3, 3, null)))
                .batchDice(true)
                .patchSize(16, 16, 4)
                .network(n -> n.numStages(3)
                        .features(4, 8, 8)
                        .strides(new int[][] {{1, 1, 1}, {2, 2, 1}, {2, 2, 2}})
                        .kernelSizes(new int[][] {{3, 3, 1}, {3, 3, 3}, {3, 3, 3}}))
                .build();
        Random r = new Random(5);
        int vox = 16 * 16 * 4;
        float[] img = new float[2 * vox];
        int[] lab = new int[2 * vox];
        for (int i = 0; i < img.length; i++) {
            lab[i] = r.nextInt(5) == 0 ? 3 : (i / 16) % 3; // stripes along y, a fifth ignored
            img[i] = (lab[i] == 3 ? (i / 16) % 3 : lab[i]) + (float) r.nextGaussian() * 0.3f;
        }
        Batch batch = new Batch(img, lab, 2, 1, plan.patchSize());
        try (NDManager root = TorchRuntime.newManager(Device.cpu());
                PlainConvUNet net = PlainConvUNet.fromPlan(root, plan, 3);
                TrainingStep step = TrainingStep.forPlan(net, plan)) {
            float first = step.validate(batch).loss();
            for (int i = 0; i < 20; i++) {
                assertTrue(step.run(batch, 0.01).updated());
            }
            TrainingStep.Validation v = step.validate(batch);
            assertEquals(2 * vox, v.prediction().length);
            assertTrue(v.loss() < first, "loss fell from " + first + " to " + v.loss());
        }
    }

    @Test
    void outOfMemorySaysWhatToLower() {
        Batch batch = toyBatch(new Random(6), 2, 16);
        EngineException oom = null;
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            m.zeros(new Shape(1L << 40)); // 4 TB: refused by the host allocator
        } catch (EngineException e) {
            oom = e;
        }
        assertTrue(oom != null, "the engine refuses a 4 TB allocation");
        RuntimeException r = TrainingStep.explain(oom, batch, "training step", Device.cpu());
        assertTrue(r instanceof InvalidInputException, r.toString());
        assertTrue(r.getMessage().contains("out of memory on cpu()") && r.getMessage().contains("batch size 2")
                && r.getMessage().contains("patch size [16, 16]") && r.getMessage().contains("lower"),
                r.getMessage());
        EngineException other = new EngineException("shape mismatch");
        assertTrue(TrainingStep.explain(other, batch, "training step", Device.cpu()) == other);
    }

    /** Threads other than the one that started the engine begin with PyTorch's gradient recording on. */
    @Test
    void worksOnAFreshThread() throws Exception {
        int size = 16;
        Plan plan = tinyPlan(size);
        Batch batch = toyBatch(new Random(4), 2, size);
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try (NDManager root = TorchRuntime.newManager(Device.cpu());
                    PlainConvUNet net = PlainConvUNet.fromPlan(root, plan, 7);
                    PlainConvUNet copy = PlainConvUNet.fromPlan(root, plan, 8);
                    TrainingStep step = TrainingStep.forPlan(net, plan)) {
                assertTrue(org.maskseg.core.nn.Autograd.isRecording(), "fresh threads record by default");
                assertTrue(step.run(batch, 0.01).updated());
                step.validate(batch);
                copy.loadParameters(net.exportParameters());
                step.optimiser().loadState(step.optimiser().exportState());
                try (NDManager m = root.newSubManager()) {
                    NDArray out = copy.forward(m.create(batch.images(), new Shape(batch.imageShape())), false).get(0);
                    // no graph was recorded: a backward pass from the output has nothing to follow
                    try (GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
                        assertThrows(RuntimeException.class, () -> gc.backward(out.sum()));
                    }
                }
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join(120_000);
        assertFalse(t.isAlive(), "the worker thread ended");
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
    }

    @Test
    void nonFiniteLossLeavesParametersUnchanged() {
        int size = 16;
        Plan plan = tinyPlan(size);
        Batch good = toyBatch(new Random(3), 2, size);
        float[] img = good.images().clone();
        img[5] = Float.NaN;
        Batch bad = new Batch(img, good.labels(), 2, 1, good.patchSize());
        try (NDManager root = TorchRuntime.newManager(Device.cpu());
                PlainConvUNet net = PlainConvUNet.fromPlan(root, plan, 7);
                TrainingStep step = TrainingStep.forPlan(net, plan)) {
            step.run(good, 0.01);
            Map<String, float[]> before = net.exportParameters();
            Map<String, float[]> momentum = step.optimiser().exportState();
            TrainingStep.Result res = step.run(bad, 0.01);
            assertTrue(!res.updated() && Float.isNaN(res.loss()), res.toString());
            Map<String, float[]> after = net.exportParameters();
            for (String k : before.keySet()) {
                assertArrayEquals(before.get(k), after.get(k), 0f, k);
                assertArrayEquals(momentum.get(k), step.optimiser().exportState().get(k), 0f, k);
            }
            // and the next good batch trains normally (no NaN left in the gradients)
            assertTrue(step.run(good, 0.01).updated());
            for (float[] v : net.exportParameters().values()) {
                for (float f : v) {
                    assertTrue(Float.isFinite(f));
                }
            }
        }
    }

    @Test
    void validationChangesNothingMatchesTrainingLossAndPredictsArgmax() {
        int size = 32;
        Plan plan = tinyPlan(size);
        Batch batch = toyBatch(new Random(2), 2, size);
        try (NDManager root = TorchRuntime.newManager(Device.cpu());
                PlainConvUNet net = PlainConvUNet.fromPlan(root, plan, 7);
                TrainingStep step = TrainingStep.forPlan(net, plan)) {
            Map<String, float[]> before = net.exportParameters();
            TrainingStep.Validation v = step.validate(batch);
            float eval = v.loss();
            assertEquals(batch.labels().length, v.prediction().length);
            try (NDManager m = root.newSubManager()) {
                NDArray logits = net.forward(m.create(batch.images(), new Shape(batch.imageShape())), false).get(0);
                float[] l = logits.toFloatArray();
                int vox = size * size;
                for (int b = 0; b < 2; b++) {
                    for (int i = 0; i < vox; i++) {
                        int expected = l[(b * 2 + 1) * vox + i] > l[(b * 2) * vox + i] ? 1 : 0;
                        assertEquals(expected, v.prediction()[b * vox + i]);
                    }
                }
            }
            Map<String, float[]> after = net.exportParameters();
            for (String k : before.keySet()) {
                assertArrayEquals(before.get(k), after.get(k), 0f, k);
            }
            TrainingStep.Result res = step.run(batch, 0.01);
            assertEquals(eval, res.loss(), 1e-5f);
            assertTrue(step.validate(batch).loss() < eval, "one step on the same batch lowers its loss");
        }
    }
}
