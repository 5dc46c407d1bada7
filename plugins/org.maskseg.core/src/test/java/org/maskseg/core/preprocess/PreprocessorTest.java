package org.maskseg.core.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.TestPlans;
import org.maskseg.core.preprocess.TrainingCase;

class PreprocessorTest {

    private static Plan plan2d(double spacing) {
        Plan defaults = Plan.builder().build();
        return defaults.toBuilder()
                .targets(Targets.classes(new LabelSpec(defaults.targets().numClasses(), 255,
                        List.of("background", "cell"))))
                .targetSpacing(spacing, spacing)
                .build();
    }

    @Test
    void trainingCaseIsNormalisedResampledAndCanonical() {
        // 4×2 image at spacing 0.5, plan spacing 1 -> 2×1. Labels with the user's ignore value 255 become
        // canonical (ignore = numClasses = 2).
        float[] d = {0, 2, 4, 6, 8, 10, 12, 14};
        ImageVolume img = ImageVolume.wrap("case7", d, new long[] {4, 2}, 1, new double[] {0.5, 0.5});
        LabelVolume lab = LabelVolume.wrap("case7", new int[] {0, 255, 1, 1, 255, 255, 1, 0}, new long[] {4, 2},
                new double[] {0.5, 0.5});
        LabelSpec spec = new LabelSpec(2, 255, null);

        Plan plan = plan2d(1).toBuilder().imageInterpolation("linear").build();
        TrainingCase tc = Preprocessor.preprocessCase(img, lab, spec, plan);

        assertEquals("case7", tc.name());
        assertArrayEquals(new long[] {2, 1}, tc.image().spatialSize());
        assertArrayEquals(new double[] {1, 1}, tc.image().spacing());
        // z-score first: mean 7, std sqrt(21); then output voxel (j, 0) averages source x = 2j + 0.5 of rows
        // y = 0.5: mean of d at (2j, 0), (2j+1, 0), (2j, 1), (2j+1, 1) -> 5 and 9 before normalisation.
        double std = Math.sqrt(21);
        assertArrayEquals(new float[] {(float) ((5 - 7) / std), (float) ((9 - 7) / std)}, tc.image().data(), 1e-6f);
        // Nearest: output (j, 0) takes source (2j + 1, 1): labels 255 -> 2 and 0.
        assertArrayEquals(new int[] {2, 0}, tc.labels().data());
        assertArrayEquals(new long[] {2, 1}, tc.labels().size());
    }

    @Test
    void partialLabelsAreCodedBeforeResamplingAndSurviveIt() {
        // 3 classes; class 2 unknown everywhere in this case and class 1 unknown at voxel (3, 1). 4×2 at spacing
        // 0.5 -> 2×1 at spacing 1: output (j, 0) takes source (2j + 1, 1).
        ImageVolume img = ImageVolume.wrap("c", new float[] {0, 1, 2, 3, 4, 5, 6, 7}, new long[] {4, 2}, 1,
                new double[] {0.5, 0.5});
        LabelVolume lab = LabelVolume.wrap("c", new int[] {0, 1, 0, 0, 0, 1, 0, 0}, new long[] {4, 2},
                new double[] {0.5, 0.5});
        LabelVolume unknown1 = LabelVolume.wrap("m", new int[] {0, 0, 0, 0, 0, 0, 0, 9}, new long[] {4, 2},
                new double[] {0.5, 0.5});
        LabelSpec spec = LabelSpec.withDefaultIgnore(3);
        Plan complete = plan2d(1).toBuilder().targets(Targets.classes(new LabelSpec(3, 3, spec.classNames()))).build();
        ClassKnowledge knowledge = ClassKnowledge.annotated(java.util.Set.of(1)).withUnknownMask(1, unknown1);
        // a plan without partial labels refuses such a case
        assertThrows(IllegalArgumentException.class,
                () -> Preprocessor.preprocessCase(img, lab, spec, complete, knowledge));
        Plan plan = complete.toBuilder().targets(complete.targets().withPartialLabels(true)).build();
        TrainingCase tc = Preprocessor.preprocessCase(img, lab, spec, plan, knowledge);
        // (1, 1) is labelled 1; (3, 1) is background with both classes unknown -> ignore (3)
        assertArrayEquals(new int[] {1, 3}, tc.labels().data());
        // (1, 1) -> 0 with class 2 unknown: "background or class 2" = 3 + 2
        LabelVolume moved = LabelVolume.wrap("c", new int[] {0, 1, 0, 0, 0, 0, 0, 1}, new long[] {4, 2},
                new double[] {0.5, 0.5});
        assertArrayEquals(new int[] {5, 1},
                Preprocessor.preprocessCase(img, moved, spec, plan, ClassKnowledge.annotated(java.util.Set.of(1)))
                        .labels().data());
        // a voxel labelled with a class declared unknown there is refused, naming the case and the voxel
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Preprocessor.preprocessCase(img, moved, spec, plan, knowledge));
        assertTrue(e.getMessage().contains("'c'") && e.getMessage().contains("(3, 1)"), e.getMessage());
    }

    @Test
    void planChoosesTheImageInterpolation() {
        // f = x² along x at spacing 0.5, resampled to spacing 1 (20 -> 10) with the plan's interpolation; "none"
        // normalisation keeps the values readable.
        float[] d = new float[20 * 3];
        for (int i = 0; i < d.length; i++) {
            int x = i % 20;
            d[i] = x * x;
        }
        ImageVolume img = ImageVolume.wrap("q", d, new long[] {20, 3}, 1, new double[] {0.5, 0.5});
        Plan linear = plan2d(1).toBuilder()
                .normalization(n -> n.schemes(List.of("none")))
                .imageInterpolation("linear")
                .build();
        Plan cubic = plan2d(1).toBuilder().normalization(n -> n.schemes(List.of("none"))).build();
        // Output x = 5 samples source x = 10.5: linear gives (100 + 121) / 2 = 110.5, the cubic spline reproduces
        // the quadratic: 10.5² = 110.25.
        assertEquals(110.5f, Preprocessor.preprocessImage(img, linear).image().data()[5], 1e-4f);
        assertEquals(110.25f, Preprocessor.preprocessImage(img, cubic).image().data()[5], 1e-3f);
    }

    @Test
    void twoDimensionalPlanOn3dImagesKeepsZ() {
        Plan p = plan2d(1);
        ImageVolume img = ImageVolume.wrap("v", new float[8 * 8 * 3], new long[] {8, 8, 3}, 1,
                new double[] {0.5, 0.5, 4});
        LabelVolume lab = LabelVolume.create("v", new long[] {8, 8, 3}, new double[] {0.5, 0.5, 4});
        TrainingCase tc = Preprocessor.preprocessCase(img, lab, new LabelSpec(2, 255, null), p);
        assertArrayEquals(new long[] {4, 4, 3}, tc.image().spatialSize());
        assertArrayEquals(new double[] {1, 1, 4}, tc.image().spacing());
    }

    @Test
    void predictionInputMapsBackToTheOriginalGrid() {
        float[] d = new float[10 * 6];
        for (int i = 0; i < d.length; i++) {
            d[i] = i % 10;
        }
        ImageVolume img = ImageVolume.wrap("p", d, new long[] {10, 6}, 1, new double[] {0.5, 0.5});
        PreprocessedImage pre = Preprocessor.preprocessImage(img, plan2d(1));
        assertArrayEquals(new long[] {5, 3}, pre.image().spatialSize());
        assertArrayEquals(new long[] {10, 6}, pre.originalSize());
        assertArrayEquals(new double[] {0.5, 0.5}, pre.originalSpacing());

        // Two class maps on the 5×3 grid: constant 0.25 and 0.75 stay constant on the original grid.
        float[] maps = new float[2 * 15];
        for (int i = 0; i < 15; i++) {
            maps[i] = 0.25f;
            maps[15 + i] = 0.75f;
        }
        float[] back = pre.toOriginalGrid(maps, 2);
        assertEquals(2 * 60, back.length);
        assertEquals(0.25f, back[0], 1e-6f);
        assertEquals(0.75f, back[119], 1e-6f);
        int[] labels = new int[15];
        labels[7] = 1;
        int[] backLabels = pre.labelsToOriginalGrid(labels);
        assertEquals(60, backLabels.length);
        // Voxel (2, 1) of the 5×3 grid covers (4..5, 2..3) of the 10×6 grid.
        assertEquals(1, backLabels[2 * 10 + 4]);
        assertEquals(1, backLabels[3 * 10 + 5]);
        assertEquals(4, java.util.Arrays.stream(backLabels).sum());
    }

    @Test
    void mismatchesAreRefused() {
        Plan p = plan2d(1);
        LabelSpec spec = new LabelSpec(2, 255, null);
        ImageVolume twoChannels = ImageVolume.wrap("c2", new float[8], new long[] {2, 2}, 2, new double[] {1, 1});
        LabelVolume lab = LabelVolume.create("l", new long[] {2, 2}, new double[] {1, 1});
        var e = assertThrows(InvalidInputException.class, () -> Preprocessor.preprocessCase(twoChannels, lab, spec, p));
        assertTrue(e.getMessage().contains("'c2'") && e.getMessage().contains("channel"), e.getMessage());

        ImageVolume img = ImageVolume.wrap("i", new float[4], new long[] {2, 2}, 1, new double[] {1, 1});
        LabelVolume other = LabelVolume.create("l3", new long[] {3, 2}, new double[] {1, 1});
        assertThrows(InvalidInputException.class, () -> Preprocessor.preprocessCase(img, other, spec, p));

        Plan p3 = plan2d(1).toBuilder()
                .configuration("3d")
                .targetSpacing(1, 1, 1)
                .patchSize(16, 16, 16)
                .network(TestPlans.unet(3, 4, 8))
                .build();
        assertThrows(InvalidInputException.class, () -> Preprocessor.preprocessImage(img, p3));

        ImageVolume inf = ImageVolume.wrap("inf", new float[] {0, Float.POSITIVE_INFINITY, 0, 0}, new long[] {2, 2}, 1,
                new double[] {1, 1});
        e = assertThrows(InvalidInputException.class, () -> Preprocessor.preprocessImage(inf, p));
        assertTrue(e.getMessage().contains("'inf'"), e.getMessage());

        LabelVolume bad = LabelVolume.wrap("bad", new int[] {0, 1, 5, 0}, new long[] {2, 2}, new double[] {1, 1});
        e = assertThrows(InvalidInputException.class, () -> Preprocessor.preprocessCase(img, bad, spec, p));
        assertTrue(e.getMessage().contains("'bad'") && e.getMessage().contains("value 5"), e.getMessage());
    }

    @Test
    void classMapsOfThickSlicesMapBackSliceBySlice() {
        // Original spacing (1, 1, 4), plan spacing (1, 1, 2): z is doubled by nearest neighbour on the way in,
        // and the class maps come back by nearest neighbour along z as well (no blending across slices).
        Plan p = plan2d(1).toBuilder()
                .configuration("3d")
                .targetSpacing(1, 1, 2)
                .patchSize(16, 16, 16)
                .network(n -> n.strides(new int[][] {{1, 1, 1}, {2, 2, 2}, {2, 2, 2}, {2, 2, 2}, {2, 2, 2}})
                        .kernelSizes(new int[][] {{3, 3, 3}, {3, 3, 3}, {3, 3, 3}, {3, 3, 3}, {3, 3, 3}}))
                .normalization(n -> n.schemes(List.of("none")))
                .build();
        float[] d = new float[2 * 2 * 3];
        for (int z = 0; z < 3; z++) {
            for (int i = 0; i < 4; i++) {
                d[z * 4 + i] = z * 10;
            }
        }
        ImageVolume img = ImageVolume.wrap("zz", d, new long[] {2, 2, 3}, 1, new double[] {1, 1, 4});
        PreprocessedImage pre = Preprocessor.preprocessImage(img, p);
        assertArrayEquals(new long[] {2, 2, 6}, pre.image().spatialSize());
        float[] in = pre.image().data();
        for (int z = 0; z < 6; z++) {
            assertEquals(z / 2 * 10, in[z * 4], 1e-4, "slice " + z);
        }
        float[] back = pre.toOriginalGrid(in, 1);
        assertArrayEquals(d, back, 1e-4f);
    }
}
