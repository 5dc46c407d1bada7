package org.maskseg.core.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.Batch;
import org.maskseg.core.nn.UNet;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.testing.OneTorchThread;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

/** The residual encoder U-Net trains with the same training step as the plain one. */
@ExtendWith(OneTorchThread.class)
class ResidualTrainingStepTest {

    @Test
    void lossFallsOnTheToyProblem() {
        int size = 32;
        Plan plan = TrainingStepTest.tinyPlan(size).toBuilder()
                .network(n -> n.architecture(Plan.Network.RESIDUAL_ENCODER_UNET)
                        .blocksPerStage(1, 2, 2)
                        .convsPerStage(1))
                .build();
        Random r = new Random(3);
        Batch[] batches = new Batch[4];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = TrainingStepTest.toyBatch(r, 2, size);
        }
        try (NDManager root = TorchRuntime.newManager(Device.cpu()); UNet net = UNet.build(root, plan, 7);
                TrainingStep step = TrainingStep.forPlan(net, plan)) {
            double first = 0, last = 0;
            int steps = 60;
            for (int i = 0; i < steps; i++) {
                TrainingStep.Result res = step.run(batches[i % batches.length], PolyLearningRate.at(0.01, i, steps));
                assertTrue(res.updated() && Float.isFinite(res.loss()) && res.gradientNorm() > 0, res.toString());
                if (i < 8) {
                    first += res.loss() / 8;
                }
                if (i >= steps - 8) {
                    last += res.loss() / 8;
                }
            }
            assertTrue(last < first - 0.2, "loss fell from " + first + " to " + last);
        }
    }
}
