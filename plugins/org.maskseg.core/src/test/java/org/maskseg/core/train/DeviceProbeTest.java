package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.Batch;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.plan.DeviceSizing;
import org.maskseg.core.plan.Plan;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;

/** The measurement on the device: a real training step of a tiny plan on the CPU (no timing is asserted). */
class DeviceProbeTest {

    @Test
    void measuresAPositiveFiniteStepTimeAndFreesWhatItAllocated() {
        TorchRuntime.start(TorchRuntime.Installation.BUNDLED);
        Plan plan = TinyProblem.plan(1, 1);
        DeviceSizing.Candidate planned = new DeviceSizing.Candidate(plan.patchSize, plan.batchSize, 1);
        try (NDManager parent = TorchRuntime.newManager(Device.cpu())) {
            int before = ((BaseNDManager) parent).getManagedArrays().size();
            DeviceProbe probe = new DeviceProbe(plan, Device.cpu(), Precision.FP32, 600, parent, null);
            double seconds = probe.secondsPerStep(planned, Double.NaN);
            assertTrue(seconds > 0 && Double.isFinite(seconds), "seconds per step " + seconds);
            assertTrue(probe.spentSeconds() >= seconds, probe.spentSeconds() + " s spent");
            // a smaller candidate: half the features, batch 2 of 16² patches
            double smaller = probe.secondsPerStep(new DeviceSizing.Candidate(new int[] {16, 16}, 2, 2), Double.NaN);
            assertTrue(smaller > 0 && Double.isFinite(smaller), "seconds per step " + smaller);
            assertEquals(before, ((BaseNDManager) parent).getManagedArrays().size(),
                    "networks, optimiser state and steps of the measurements are closed");
        }
    }

    @Test
    void noMeasurementIsStartedOnceTheCapIsUsed() {
        TorchRuntime.start(TorchRuntime.Installation.BUNDLED);
        Plan plan = TinyProblem.plan(1, 1);
        DeviceSizing.Candidate planned = new DeviceSizing.Candidate(plan.patchSize, plan.batchSize, 1);
        DeviceProbe probe = new DeviceProbe(plan, Device.cpu(), Precision.FP32, 0, null, null);
        // a measurement without an estimate runs its warm-up step whatever the cap, and reports it
        double first = probe.secondsPerStep(planned, Double.NaN);
        assertTrue(first > 0 && Double.isFinite(first), "seconds per step " + first);
        assertTrue(Double.isNaN(probe.secondsPerStep(planned, first)), "no time left: the estimate stands");
        // one whose estimated steps do not fit into the cap is declined without running
        DeviceProbe roomy = new DeviceProbe(plan, Device.cpu(), Precision.FP32, 600, null, null);
        assertTrue(Double.isNaN(roomy.secondsPerStep(planned, 201)), "3 × 201 s > 600 s");
        assertEquals(0, roomy.spentSeconds());
    }

    @Test
    void theSyntheticBatchHasTheCandidatesShapeAndValidLabels() {
        Plan plan = TinyProblem.plan(1, 1);
        plan.batchSize = 3;
        Batch b = DeviceProbe.syntheticBatch(plan, 1);
        assertEquals(3, b.batchSize());
        assertEquals(1, b.channels());
        assertTrue(Arrays.equals(plan.patchSize, b.patchSize()));
        assertEquals(3 * 32 * 32, b.labels().length);
        assertTrue(Arrays.stream(b.labels()).allMatch(v -> v >= 0 && v < plan.targets.numClasses()));
    }
}
