package org.maskseg.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.Batch;
import org.maskseg.core.loss.DeepSupervisionLoss;
import org.maskseg.core.loss.MaskedDiceCeLoss;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.plan.Plan;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

/** Parameters kept fixed by {@link TrainingStep#freeze}: no update, no decay, no momentum, no share of the norm. */
class FrozenParametersTest {

    private static int threads;

    @BeforeAll
    static void singleThread() {
        threads = TorchRuntime.cpuThreads();
        TorchRuntime.setCpuThreads(1);
    }

    @AfterAll
    static void restoreThreads() {
        TorchRuntime.setCpuThreads(threads);
    }

    /** The plan's optimiser but no gradient clipping, so that frozen and free runs see the same gradients. */
    private static TrainingStep unclipped(PlainConvUNet net, Plan plan) {
        return new TrainingStep(net,
                new DeepSupervisionLoss(new MaskedDiceCeLoss(plan.targets().numClasses(), plan.batchDice())),
                new NesterovSgd(net.parameters(), plan.training().momentum(), plan.training().weightDecay()), 0);
    }

    private static double sumOfSquares(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return s;
    }

    @Test
    void frozenEncoderStaysBitIdenticalWhileDecoderTrainsAsUsual() {
        int size = 32;
        Plan plan = TrainingStepTest.tinyPlan(size);
        Batch b1 = TrainingStepTest.toyBatch(new Random(1), 2, size);
        Batch b2 = TrainingStepTest.toyBatch(new Random(2), 2, size);
        try (NDManager root = TorchRuntime.newManager(Device.cpu());
                PlainConvUNet frozen = PlainConvUNet.fromPlan(root, plan, 7);
                PlainConvUNet free = PlainConvUNet.fromPlan(root, plan, 7);
                TrainingStep frozenStep = unclipped(frozen, plan);
                TrainingStep freeStep = unclipped(free, plan)) {
            List<String> encoder = frozen.encoderParameterNames();
            assertEquals(3 * 2 * 4, encoder.size(), "3 stages x 2 blocks x (conv, norm) x (weight, bias)");
            assertTrue(encoder.stream().allMatch(n -> n.startsWith("encoder.")));
            Map<String, float[]> before = frozen.exportParameters();

            frozenStep.freeze(encoder);
            assertEquals(new TreeSet<>(encoder), frozenStep.frozen());
            TrainingStep.Result fr1 = frozenStep.run(b1, 0.01);
            TrainingStep.Result fr2 = frozenStep.run(b2, 0.01);
            TrainingStep.Result fe1 = freeStep.run(b1, 0.01);
            freeStep.run(b2, 0.01);
            assertTrue(fr1.updated() && fr2.updated());
            // the first loss is of the same weights and batch
            assertEquals(fe1.loss(), fr1.loss(), 0f);
            assertTrue(fr1.gradientNorm() < fe1.gradientNorm(), fr1 + " vs " + fe1);

            Map<String, float[]> after = frozen.exportParameters();
            Map<String, float[]> freeAfter = free.exportParameters();
            Map<String, float[]> momentum = frozenStep.optimiser().exportState();
            for (String name : before.keySet()) {
                if (encoder.contains(name)) {
                    // no step, no weight decay (3e-5 would move every weight), no momentum
                    assertArrayEquals(before.get(name), after.get(name), 0f, name);
                    assertEquals(0.0, sumOfSquares(momentum.get(name)), name);
                    assertFalse(java.util.Arrays.equals(before.get(name), freeAfter.get(name)), name);
                } else if (name.startsWith("decoder.1.head.")) {
                    // the lowest-resolution output has deep-supervision weight 0, so no gradient reaches its head
                    assertArrayEquals(before.get(name), freeAfter.get(name), 0f, name);
                    assertArrayEquals(before.get(name), after.get(name), 0f, name);
                } else {
                    assertFalse(java.util.Arrays.equals(before.get(name), after.get(name)), name);
                    assertTrue(sumOfSquares(momentum.get(name)) > 0, name);
                }
            }
            // the decoder's first update does not depend on whether the encoder is frozen: same gradients (no
            // clipping), same rule
            try (PlainConvUNet a = PlainConvUNet.fromPlan(root, plan, 7);
                    PlainConvUNet c = PlainConvUNet.fromPlan(root, plan, 7);
                    TrainingStep sa = unclipped(a, plan);
                    TrainingStep sc = unclipped(c, plan)) {
                sa.freeze(a.encoderParameterNames());
                sa.run(b1, 0.01);
                sc.run(b1, 0.01);
                Map<String, float[]> pa = a.exportParameters();
                Map<String, float[]> pc = c.exportParameters();
                for (String name : pa.keySet()) {
                    if (!name.startsWith("encoder.")) {
                        assertArrayEquals(pc.get(name), pa.get(name), 1e-6f, name);
                    }
                }
            }
        }
    }

    @Test
    void unfrozenParametersTrainFromTheNextStepOn() {
        int size = 32;
        Plan plan = TrainingStepTest.tinyPlan(size);
        try (NDManager root = TorchRuntime.newManager(Device.cpu());
                PlainConvUNet net = PlainConvUNet.fromPlan(root, plan, 3);
                TrainingStep step = TrainingStep.forPlan(net, plan)) {
            step.freeze(net.encoderParameterNames());
            step.run(TrainingStepTest.toyBatch(new Random(3), 2, size), 0.01);
            Map<String, float[]> frozenPhase = net.exportParameters();
            step.freeze(List.of());
            assertEquals(Set.of(), step.frozen());
            assertTrue(step.run(TrainingStepTest.toyBatch(new Random(4), 2, size), 0.01).updated());
            Map<String, float[]> after = net.exportParameters();
            Map<String, float[]> momentum = step.optimiser().exportState();
            for (String name : net.encoderParameterNames()) {
                assertFalse(java.util.Arrays.equals(frozenPhase.get(name), after.get(name)), name);
                assertTrue(sumOfSquares(momentum.get(name)) > 0, name);
            }
            assertThrows(IllegalArgumentException.class, () -> step.freeze(List.of("encoder.9.conv0.weight")));
        }
    }
}
