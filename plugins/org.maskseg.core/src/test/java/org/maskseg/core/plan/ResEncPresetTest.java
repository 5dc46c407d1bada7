package org.maskseg.core.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.labels.LabelSpec;

/**
 * The ResEnc presets plan as nnU-Net's ResEnc planners do. Feature-map sizes are checked against the two values
 * nnU-Net's planner source quotes for its reference networks and against a count by hand; the plans against
 * nnU-Net's rule evaluated once with its own network code (PyTorch, dynamic-network-architectures) for the same
 * geometry, whose results are written here as numbers.
 */
class ResEncPresetTest {

    private static final double[] ISO_2D = {1, 1};

    @Test
    void featureMapSizeCountsEveryConvolutionOutput() {
        // 16² at spacing 1: 16 -> 8 -> 4, three stages of 32, 64, 128 features with 1, 3, 4 blocks; 2 classes.
        // stem 32·256 = 8192; stage 0: 2·1·32·256 = 16384 (identity skip); stage 1 (8²): 2·3·64·64 = 24576 and
        // the pooled, projected skip 64·64 = 4096; stage 2 (4²): 2·4·128·16 = 16384, skip 128·16 = 2048;
        // decoder level 1: transposed conv and conv 2·64·64 = 8192; level 0: 2·32·256 = 16384; head 2·256 = 512.
        NetworkTopology t = NetworkTopology.of(ISO_2D, new int[] {16, 16}, Integer.MAX_VALUE);
        assertEquals(3, t.numStages());
        assertEquals(96768, Planner.residualFeatureMapSize(t, 512, 2, false));
        // every head: + 2·64 at level 1
        assertEquals(96768 + 128, Planner.residualFeatureMapSize(t, 512, 2, true));
    }

    @Test
    void featureMapSizeGivesTheValuesNnUNetQuotesForItsReferenceNetworks() {
        // nnU-Net's ResEnc planner quotes 558319104 for a 3D network of 128³, 6 stages (32..320 features, blocks
        // 1,3,4,6,6,6, 3 classes, deep supervision) and 129793792 for a 2D one of 512², 7 stages (32..512)
        NetworkTopology t3 = NetworkTopology.of(new double[] {1, 1, 1}, new int[] {128, 128, 128}, 5);
        assertEquals(6, t3.numStages());
        assertEquals(558319104.0, Planner.residualFeatureMapSize(t3, 320, 3, true));
        NetworkTopology t2 = NetworkTopology.of(ISO_2D, new int[] {512, 512}, 6);
        assertEquals(7, t2.numStages());
        assertEquals(129793792.0, Planner.residualFeatureMapSize(t2, 512, 3, true));
    }

    @Test
    void twoDimensionalNucleiPlanWithBothPresets() {
        // 40 cases of 256²: the patch stays 256² (6 pools, 7 stages; feature maps 32317440 <= 135e6 and 380e6);
        // batch round(135e6 / 32317440 · 12) = 50 (M), 141 (L), both capped at the dataset: 40 · 65536 / 65536 = 40
        DatasetFingerprint fp = PlannerTest.geometry(40, ISO_2D, new long[] {256, 256});
        LabelSpec spec = LabelSpec.withDefaultIgnore(2);
        NetworkTopology t = NetworkTopology.of(ISO_2D, new int[] {256, 256}, Integer.MAX_VALUE);
        assertEquals(32317440.0, Planner.residualFeatureMapSize(t, 512, 2, false));
        for (Preset preset : new Preset[] {Preset.RESENC_M, Preset.RESENC_L}) {
            Plan plan = Planner.plan(fp, spec, PlannerOptions.defaults().withPreset(preset));
            assertEquals(Plan.Network.RESIDUAL_ENCODER_UNET, plan.network().architecture(), preset.label());
            assertArrayEquals(new int[] {256, 256}, plan.patchSize());
            assertEquals(40, plan.batchSize());
            assertEquals(7, plan.network().numStages());
            assertArrayEquals(new int[] {32, 64, 128, 256, 512, 512, 512}, plan.network().features());
            assertArrayEquals(new int[] {1, 3, 4, 6, 6, 6, 6}, plan.network().blocksPerStage());
            assertEquals(1, plan.network().convsPerStage());
            assertTrue(plan.batchDice());
        }
        // an explicit budget replaces the preset's target: 1 GiB of M's 8 -> reference 16875000 < 32317440, so the
        // patch shrinks (y and x alternately, each by its divisor) until the feature maps fit
        Plan small = Planner.plan(fp, spec, PlannerOptions.defaults().withPreset(Preset.RESENC_M)
                .withMemoryBudgetGiB(1));
        assertTrue(small.patchSize()[0] * small.patchSize()[1] < 256 * 256);
        NetworkTopology st = NetworkTopology.of(ISO_2D, small.patchSize(), Integer.MAX_VALUE);
        assertTrue(Planner.residualFeatureMapSize(st, 512, 2, false) <= 135e6 / 8);
    }

    @Test
    void anisotropicThreeDimensionalPlanWithBothPresets() {
        // 20 cases of 320 × 320 × 60 (x, y, z) at 0.8 × 0.8 × 2.5 mm; nnU-Net's rule (its axes z, y, x) gives
        // M: patch [40, 224, 192], batch 2, 6 stages, strides (1,1,1), (1,2,2), (2,2,2) ×3, (1,2,2)
        // L: patch [56, 320, 256], batch 2, 7 stages, ... (1,2,2), (1,2,2); first kernel (1, 3, 3)
        DatasetFingerprint fp = PlannerTest.geometry(20, new double[] {0.8, 0.8, 2.5}, new long[] {320, 320, 60});
        LabelSpec spec = LabelSpec.withDefaultIgnore(2);
        Plan m = Planner.plan(fp, spec, PlannerOptions.defaults().withPreset(Preset.RESENC_M));
        assertEquals("3d", m.configuration());
        assertArrayEquals(new int[] {192, 224, 40}, m.patchSize());
        assertEquals(2, m.batchSize());
        assertEquals(6, m.network().numStages());
        assertArrayEquals(new int[][] {{1, 1, 1}, {2, 2, 1}, {2, 2, 2}, {2, 2, 2}, {2, 2, 2}, {2, 2, 1}},
                m.network().strides());
        assertArrayEquals(new int[] {3, 3, 1}, m.network().kernelSizes()[0]);
        assertArrayEquals(new int[] {32, 64, 128, 256, 320, 320}, m.network().features());
        assertArrayEquals(new int[] {1, 3, 4, 6, 6, 6}, m.network().blocksPerStage());
        assertEquals(632822400.0, Planner.residualFeatureMapSize(
                NetworkTopology.of(fp.medianSpacing(), m.patchSize(), Integer.MAX_VALUE), 320, 2, false));

        Plan l = Planner.plan(fp, spec, PlannerOptions.defaults().withPreset(Preset.RESENC_L));
        assertArrayEquals(new int[] {256, 320, 56}, l.patchSize());
        assertEquals(2, l.batchSize());
        assertEquals(7, l.network().numStages());
        assertArrayEquals(new int[] {2, 2, 1}, l.network().strides()[6]);
        assertArrayEquals(new int[] {1, 3, 4, 6, 6, 6, 6}, l.network().blocksPerStage());
        assertEquals(1688467200.0, Planner.residualFeatureMapSize(
                NetworkTopology.of(fp.medianSpacing(), l.patchSize(), Integer.MAX_VALUE), 320, 2, false));
    }

    @Test
    void batchCoversTheDatasetAtMostOnce() {
        // 4 cases of 96³: patch 96³ (4 pools, 5 stages); round(680e6 / 234026496 · 2) = 6, capped at
        // 4 · 96³ / 96³ = 4
        DatasetFingerprint fp = PlannerTest.geometry(4, new double[] {1, 1, 1}, new long[] {96, 96, 96});
        Plan m = Planner.plan(fp, LabelSpec.withDefaultIgnore(2),
                PlannerOptions.defaults().withPreset(Preset.RESENC_M));
        assertArrayEquals(new int[] {96, 96, 96}, m.patchSize());
        assertEquals(5, m.network().numStages());
        assertEquals(4, m.batchSize());
        NetworkTopology t = NetworkTopology.of(new double[] {1, 1, 1}, m.patchSize(), Integer.MAX_VALUE);
        assertEquals(234026496.0, Planner.residualFeatureMapSize(t, 320, 2, false));
    }

    @Test
    void defaultPresetPlansThePlainUNetAndWritesNoArchitecture() {
        DatasetFingerprint fp = PlannerTest.geometry(40, ISO_2D, new long[] {256, 256});
        Plan plain = Planner.plan(fp, LabelSpec.withDefaultIgnore(2), PlannerOptions.defaults().withPreset(null));
        assertEquals(Plan.Network.PLAIN_CONV_UNET, plain.network().architecture());
        assertNull(plain.network().blocksPerStage());
        assertEquals(PlanJson.toJson(Planner.plan(fp, LabelSpec.withDefaultIgnore(2))), PlanJson.toJson(plain));
        assertTrue(!PlanJson.toJson(plain).contains("architecture"));
        assertTrue(!PlanJson.toJson(plain).contains("blocksPerStage"));
    }

    @Test
    void residualPlansSurviveJsonAndANewPatchKeepsTheArchitecture() {
        DatasetFingerprint fp = PlannerTest.geometry(40, ISO_2D, new long[] {256, 256});
        Plan plan = Planner.plan(fp, LabelSpec.withDefaultIgnore(2), PlannerOptions.defaults()
                .withPreset(Preset.RESENC_M).withOverrides("{\"patchSize\": [64, 64]}"));
        // 64²: 64 -> 32 -> 16 -> 8 -> 4, five stages, blocks 1, 3, 4, 6, 6
        assertEquals(5, plan.network().numStages());
        assertArrayEquals(new int[] {1, 3, 4, 6, 6}, plan.network().blocksPerStage());
        Plan back = PlanJson.fromJson(PlanJson.toJson(plan), "test");
        assertEquals(Plan.Network.RESIDUAL_ENCODER_UNET, back.network().architecture());
        assertArrayEquals(plan.network().blocksPerStage(), back.network().blocksPerStage());
        assertEquals(PlanJson.toJson(plan), PlanJson.toJson(back));

        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> PlanJson.applyOverrides(plan, "{\"network\": {\"blocksPerStage\": [1, 2]}}"));
        assertTrue(e.getMessage().contains("network.blocksPerStage must have numStages = 5 entries"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> PlanJson.applyOverrides(plan, "{\"network\": {\"architecture\": \"UNet3000\"}}"));
        assertTrue(e.getMessage().contains("network.architecture must be"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> PlanJson.applyOverrides(plan, "{\"network\": {\"architecture\": \"PlainConvUNet\"}}"));
        assertTrue(e.getMessage().contains("blocksPerStage is only used by"), e.getMessage());
    }

    @Test
    void deviceSizingKeepsTheResidualEncoderAndTheCascadeRefusesIt() {
        DatasetFingerprint fp = PlannerTest.geometry(40, ISO_2D, new long[] {256, 256});
        Plan plan = Planner.plan(fp, LabelSpec.withDefaultIgnore(2),
                PlannerOptions.defaults().withPreset(Preset.RESENC_M));
        // a 64² patch with halved features: 64 -> 32 -> 16 -> 8 -> 4, five stages of 16 .. 256 features
        Plan sized = DeviceSizing.sizedPlan(plan, new DeviceSizing.Candidate(new int[] {64, 64}, 2, 2));
        assertEquals(Plan.Network.RESIDUAL_ENCODER_UNET, sized.network().architecture());
        assertArrayEquals(new int[] {1, 3, 4, 6, 6}, sized.network().blocksPerStage());
        assertArrayEquals(new int[] {16, 32, 64, 128, 256}, sized.network().features());
        assertEquals(1, sized.network().convsPerStage());

        DatasetFingerprint volumes = PlannerTest.geometry(4, new double[] {1, 1, 1}, new long[] {96, 96, 96});
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Planner.plan(volumes,
                LabelSpec.withDefaultIgnore(2), PlannerOptions.defaults().withPreset(Preset.RESENC_M)
                        .withConfiguration(Planner.CASCADE)));
        assertTrue(e.getMessage().contains("cannot be combined with the 3d_cascade configuration"), e.getMessage());
    }

    @Test
    void presetNamesAreParsed() {
        assertEquals(Preset.RESENC_M, Preset.parse("ResEnc-M"));
        assertEquals(Preset.RESENC_L, Preset.parse(" resenc-l "));
        assertEquals(Preset.DEFAULT, Preset.parse("default"));
        assertNull(Preset.parse(""));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Preset.parse("resenc-xxl"));
        assertTrue(e.getMessage().contains("default, resenc-m, resenc-l"), e.getMessage());
        assertEquals(24, PlannerOptions.defaults().withPreset(Preset.RESENC_L).memoryBudgetGiB());
    }
}
