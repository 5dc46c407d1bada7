package org.maskseg.core.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;

import com.fasterxml.jackson.databind.node.ObjectNode;

class PlanTest {

    private static String message(Plan.Builder b) {
        return assertThrows(InvalidInputException.class, b::build).getMessage();
    }

    @Test
    void defaultPlanIsNnUnetsTwoDimensionalUNet() {
        Plan p = Plan.builder().build();
        assertEquals(Plan.FORMAT_VERSION, p.formatVersion());
        assertEquals("2d", p.configuration());
        assertEquals(2, p.spatialDims());
        assertEquals(1, p.inputChannels());
        assertEquals(Targets.classes(LabelSpec.withDefaultIgnore(2)), p.targets());
        assertArrayEquals(new double[] {1, 1}, p.targetSpacing());
        assertEquals("cubic", p.imageInterpolation());
        assertFalse(p.cropToNonZero());
        assertArrayEquals(new int[] {128, 128}, p.patchSize());
        assertEquals(2, p.batchSize());
        assertFalse(p.batchDice());
        assertEquals(5, p.network().numStages());
        assertArrayEquals(new int[] {32, 64, 128, 256, 512}, p.network().features());
        assertArrayEquals(new int[][] {{1, 1}, {2, 2}, {2, 2}, {2, 2}, {2, 2}}, p.network().strides());
        assertArrayEquals(new int[][] {{3, 3}, {3, 3}, {3, 3}, {3, 3}, {3, 3}}, p.network().kernelSizes());
        assertEquals(2, p.network().convsPerStage());
        assertTrue(p.network().deepSupervision());
        assertEquals(List.of("zscore"), p.normalization().schemes());
        assertArrayEquals(new boolean[] {false}, p.normalization().useMask());
        assertArrayEquals(new double[] {0}, p.normalization().clipLow());
        assertArrayEquals(new double[] {0}, p.normalization().clipHigh());
        assertArrayEquals(new double[] {0}, p.normalization().mean());
        assertArrayEquals(new double[] {1}, p.normalization().std());
        Plan.Training t = p.training();
        assertEquals(1000, t.epochs());
        assertEquals(250, t.iterationsPerEpoch());
        assertEquals(50, t.validationIterations());
        assertEquals(0.01, t.initialLearningRate());
        assertEquals(0.99, t.momentum());
        assertEquals(3e-5, t.weightDecay());
        assertEquals(12, t.gradientClip());
        assertEquals(0.33, t.foregroundOversampling());
    }

    @Test
    void changingWhatAnAccessorReturnsLeavesThePlanAsItIs() {
        Plan p = Plan.builder().build();
        p.patchSize()[0] = 7;
        p.targetSpacing()[1] = 9;
        p.network().features()[4] = 1;
        p.network().strides()[1][0] = 5;
        p.network().kernelSizes()[2] = new int[] {1, 1};
        p.normalization().useMask()[0] = true;
        p.normalization().clipLow()[0] = 3;
        p.normalization().clipHigh()[0] = 3;
        p.normalization().mean()[0] = 3;
        p.normalization().std()[0] = 3;
        assertThrows(UnsupportedOperationException.class, () -> p.normalization().schemes().set(0, "ct"));
        assertEquals(PlanJson.toJson(Plan.builder().build()), PlanJson.toJson(p));
    }

    @Test
    void changingWhatTheBuilderWasGivenLeavesThePlanAsItIs() {
        int[] patch = {64, 64};
        int[][] strides = {{1, 1}, {2, 2}, {2, 2}};
        List<String> schemes = new ArrayList<>(List.of("none"));
        Plan.Builder b = Plan.builder()
                .patchSize(patch)
                .network(n -> n.numStages(3).features(8, 16, 32).strides(strides)
                        .kernelSizes(new int[][] {{3, 3}, {3, 3}, {3, 3}}))
                .normalization(n -> n.schemes(schemes));
        patch[0] = 1;
        strides[1][0] = 4;
        schemes.set(0, "ct");
        Plan p = b.build();
        // the builder goes on independently of the plans it built
        b.batchSize(9).network(n -> n.numStages(1)).training(t -> t.epochs(1));
        assertArrayEquals(new int[] {64, 64}, p.patchSize());
        assertArrayEquals(new int[] {2, 2}, p.network().strides()[1]);
        assertEquals(List.of("none"), p.normalization().schemes());
        assertEquals(2, p.batchSize());
        assertEquals(3, p.network().numStages());
        assertEquals(1000, p.training().epochs());
    }

    @Test
    void toBuilderChangesOnlyTheNewPlan() {
        Plan p = Plan.builder().build();
        Plan q = p.toBuilder()
                .batchSize(4)
                .training(t -> t.epochs(10).initialLearningRate(0.5))
                .network(n -> n.deepSupervision(false))
                .build();
        assertEquals(2, p.batchSize());
        assertEquals(1000, p.training().epochs());
        assertTrue(p.network().deepSupervision());
        assertEquals(4, q.batchSize());
        assertEquals(10, q.training().epochs());
        assertEquals(0.5, q.training().initialLearningRate());
        assertEquals(250, q.training().iterationsPerEpoch(), "sibling fields are kept");
        assertFalse(q.network().deepSupervision());

        // apart from the changed fields, the new plan is the old one
        ObjectNode a = PlanJson.toTree(p);
        ObjectNode b = PlanJson.toTree(q);
        for (ObjectNode tree : List.of(a, b)) {
            tree.remove("batchSize");
            ((ObjectNode) tree.get("training")).remove(List.of("epochs", "initialLearningRate"));
            ((ObjectNode) tree.get("network")).remove("deepSupervision");
        }
        assertEquals(a, b);
        assertEquals(PlanJson.toJson(q), PlanJson.toJson(q.toBuilder().build()));
    }

    @Test
    void buildRefusesAnInconsistentPlanNamingEveryProblem() {
        String m = message(Plan.builder().batchSize(0).patchSize(100, 128).training(t -> t.momentum(1)));
        assertTrue(m.startsWith("invalid plan: "), m);
        assertTrue(m.contains("batchSize must be at least 1, got 0"), m);
        assertTrue(m.contains("patchSize[0] = 100 is not divisible by 16") && m.contains("use 96 or 112"), m);
        assertTrue(m.contains("training.momentum must be in [0, 1), got 1.0"), m);

        m = message(Plan.builder().network(n -> n.numStages(4)));
        assertTrue(m.contains("network.features must have numStages = 4 entries, got 5"), m);
        assertTrue(m.contains("network.strides must have numStages = 4 entries, got 5"), m);

        m = message(Plan.builder().configuration("3d"));
        assertTrue(m.contains("targetSpacing must have 3 entries (one per axis), got 2")
                && m.contains("patchSize must have 3 entries (one per axis), got 2"), m);

        m = message(Plan.builder().inputChannels(2));
        assertTrue(m.contains("normalization.schemes must have inputChannels = 2 entries, got 1"), m);

        m = message(Plan.builder().normalization(n -> n.schemes("ct").clipLow(5).clipHigh(1)));
        assertTrue(m.contains("normalization channel 0: clipLow 5.0 must not exceed clipHigh 1.0"), m);

        m = message(Plan.builder().normalization(n -> n.schemes((String) null)));
        assertTrue(m.contains("normalization.schemes[0] must be one of"), m);

        m = message(Plan.builder().targets(null).formatVersion(Plan.FORMAT_VERSION + 1).targetSpacing(1, 0));
        assertTrue(m.contains("targets are missing"), m);
        assertTrue(m.contains("formatVersion must be between 1 and " + Plan.FORMAT_VERSION), m);
        assertTrue(m.contains("targetSpacing entries must be positive and finite"), m);
    }

    @Test
    void partsAreCheckedAsPartOfAPlan() {
        // alone a network does not know the number of axes, so it is taken as given
        Plan.Network threeAxes = TestPlans.unet(3, 8, 16);
        assertEquals(2, threeAxes.numStages());
        String m = message(Plan.builder().network(threeAxes));
        assertTrue(m.contains("network.strides[0] must have 2 entries (one per axis), got 3"), m);

        Plan.Training none = Plan.Training.builder().epochs(0).build();
        m = message(Plan.builder().training(none));
        assertTrue(m.contains("training.epochs must be at least 1, got 0"), m);

        Plan threeD = Plan.builder().configuration("3d").targetSpacing(1, 1, 3).patchSize(32, 32, 8)
                .network(threeAxes).build();
        assertArrayEquals(new int[][] {{1, 1, 1}, {2, 2, 2}}, threeD.network().strides());
    }
}
