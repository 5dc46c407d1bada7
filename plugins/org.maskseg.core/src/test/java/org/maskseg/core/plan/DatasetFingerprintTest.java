package org.maskseg.core.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;

class DatasetFingerprintTest {

    /** Classes 0, 1, 2 and ignore value 255. */
    private static final LabelSpec SPEC = new LabelSpec(3, 255, null);

    @Test
    void statisticsCountOnlyAnnotatedForeground() {
        // Case a (2×2, spacing 1×2): intensities 1 2 3 4 with labels 0 1 255 2 -> foreground {2, 4}.
        // Case b (3×1, spacing 3×4): intensities 10 20 30 with labels 1 255 255 -> foreground {10}.
        // Foreground intensities {2, 4, 10}: mean 16/3, population std sqrt(((2-16/3)² + (4-16/3)² +
        // (10-16/3)²) / 3) = sqrt(104/9); min 2, max 10; median 4;
        // 0.5th percentile at position 0.01 between 2 and 4 -> 2.02; 99.5th at 1.99 between 4 and 10 -> 9.94.
        ImageVolume a = ImageVolume.wrap("a", new float[] {1, 2, 3, 4}, new long[] {2, 2}, 1, new double[] {1, 2});
        LabelVolume la = LabelVolume.wrap("a", new int[] {0, 1, 255, 2}, new long[] {2, 2}, new double[] {1, 2});
        ImageVolume b = ImageVolume.wrap("b", new float[] {10, 20, 30}, new long[] {3, 1}, 1, new double[] {3, 4});
        LabelVolume lb = LabelVolume.wrap("b", new int[] {1, 255, 255}, new long[] {3, 1}, new double[] {3, 4});

        DatasetFingerprint fp = DatasetFingerprint.compute(List.of(a, b), List.of(la, lb), SPEC);

        double mean = 16.0 / 3;
        double var = 104.0 / 9;
        var in = fp.intensities().get(0);
        assertEquals(3, in.voxels());
        assertEquals(mean, in.mean(), 1e-12);
        assertEquals(Math.sqrt(var), in.std(), 1e-12);
        assertEquals(2, in.min());
        assertEquals(10, in.max());
        assertEquals(4, in.median(), 1e-12);
        assertEquals(2.02, in.percentile00_5(), 1e-9);
        assertEquals(9.94, in.percentile99_5(), 1e-9);

        // Annotated voxels per class: 0 -> 1 (a), 1 -> 1 (a) + 1 (b), 2 -> 1 (a).
        assertArrayEquals(new long[] {1, 2, 1}, fp.classVoxels());
        assertArrayEquals(new double[] {0.5, 1, 0.5}, fp.classCaseFraction(), 1e-12);
        assertArrayEquals(new double[] {0.75, 1.0 / 3}, fp.annotatedFraction(), 1e-12);

        // Geometry: medians of two cases interpolate.
        assertArrayEquals(new double[] {2, 3}, fp.medianSpacing(), 1e-12);
        assertArrayEquals(new double[] {1, 2}, fp.minSpacing(), 1e-12);
        assertArrayEquals(new double[] {3, 4}, fp.maxSpacing(), 1e-12);
        assertArrayEquals(new double[] {2.5, 1.5}, fp.medianSize(), 1e-12);
        assertArrayEquals(new long[] {2, 1}, fp.minSize());
        assertArrayEquals(new long[] {3, 2}, fp.maxSize());
        assertEquals(List.of("a", "b"), fp.caseNames());
        assertEquals(1, fp.channels());
    }

    @Test
    void multiChannelStatisticsArePerChannel() {
        // Two channels of 2×1: channel 0 = 1, 3; channel 1 = 100, 300; only the second voxel is foreground.
        ImageVolume img = ImageVolume.wrap("m", new float[] {1, 3, 100, 300}, new long[] {2, 1}, 2,
                new double[] {1, 1});
        LabelVolume lab = LabelVolume.wrap("m", new int[] {0, 1}, new long[] {2, 1}, new double[] {1, 1});
        DatasetFingerprint fp = DatasetFingerprint.compute(List.of(img), List.of(lab), SPEC);
        assertEquals(3, fp.intensities().get(0).mean());
        assertEquals(300, fp.intensities().get(1).mean());
        assertEquals(0, fp.intensities().get(1).std());
    }

    @Test
    void largeCasesAreSubsampledDeterministically() {
        // 200×200 foreground ramp 0..39999: 40000 voxels, subsampled to 10000. Mean/min/max stay exact; the
        // percentiles of a uniform sample of the ramp lie close to the exact ones (0.5% -> ~200, 99.5% -> ~39800).
        int n = 200 * 200;
        float[] data = new float[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            data[i] = i;
            labels[i] = 1;
        }
        ImageVolume img = ImageVolume.wrap("ramp", data, new long[] {200, 200}, 1, new double[] {1, 1});
        LabelVolume lab = LabelVolume.wrap("ramp", labels, new long[] {200, 200}, new double[] {1, 1});
        var first = DatasetFingerprint.compute(List.of(img), List.of(lab), SPEC).intensities().get(0);
        var second = DatasetFingerprint.compute(List.of(img), List.of(lab), SPEC).intensities().get(0);
        assertEquals(first, second);
        assertEquals((n - 1) / 2.0, first.mean(), 1e-6);
        assertEquals(0, first.min());
        assertEquals(n - 1, first.max());
        assertEquals(0.005 * (n - 1), first.percentile00_5(), 150);
        assertEquals(0.995 * (n - 1), first.percentile99_5(), 150);
        assertEquals(0.5 * (n - 1), first.median(), 600);
    }

    @Test
    void noAnnotatedForegroundGivesNaNStatistics() {
        ImageVolume img = ImageVolume.wrap("e", new float[] {1, 2}, new long[] {2, 1}, 1, new double[] {1, 1});
        LabelVolume lab = LabelVolume.wrap("e", new int[] {0, 255}, new long[] {2, 1}, new double[] {1, 1});
        var in = DatasetFingerprint.compute(List.of(img), List.of(lab), SPEC).intensities().get(0);
        assertEquals(0, in.voxels());
        assertTrue(Double.isNaN(in.mean()));
    }

    @Test
    void badInputIsRefusedWithTheCaseName() {
        ImageVolume img = ImageVolume.wrap("img1", new float[] {1, 2}, new long[] {2, 1}, 1, new double[] {1, 1});
        LabelVolume wrongSize = LabelVolume.wrap("lab1", new int[] {0, 1, 1}, new long[] {3, 1}, new double[] {1, 1});
        var e = assertThrows(InvalidInputException.class,
                () -> DatasetFingerprint.compute(List.of(img), List.of(wrongSize), SPEC));
        assertTrue(e.getMessage().contains("img1") && e.getMessage().contains("lab1"), e.getMessage());

        ImageVolume nan = ImageVolume.wrap("nan", new float[] {1, Float.NaN}, new long[] {2, 1}, 1,
                new double[] {1, 1});
        LabelVolume ok = LabelVolume.wrap("l", new int[] {0, 1}, new long[] {2, 1}, new double[] {1, 1});
        e = assertThrows(InvalidInputException.class, () -> DatasetFingerprint.compute(List.of(nan), List.of(ok), SPEC));
        assertTrue(e.getMessage().contains("'nan'") && e.getMessage().contains("finite"), e.getMessage());

        LabelVolume badValue = LabelVolume.wrap("bad", new int[] {0, 7}, new long[] {2, 1}, new double[] {1, 1});
        assertThrows(InvalidInputException.class, () -> DatasetFingerprint.compute(List.of(img), List.of(badValue), SPEC));
        assertThrows(InvalidInputException.class, () -> DatasetFingerprint.compute(List.of(), List.of(), SPEC));
        assertThrows(InvalidInputException.class, () -> DatasetFingerprint.compute(List.of(img), List.of(), SPEC));

        ImageVolume twoChannels = ImageVolume.wrap("two", new float[4], new long[] {2, 1}, 2, new double[] {1, 1});
        e = assertThrows(InvalidInputException.class,
                () -> DatasetFingerprint.compute(List.of(img, twoChannels), List.of(ok, ok), SPEC));
        assertTrue(e.getMessage().contains("'two'"), e.getMessage());
    }

    @Test
    void percentileInterpolatesLinearly() {
        double[] s = {1, 2, 3, 4, 5};
        assertEquals(3, DatasetFingerprint.percentileOfSorted(s, 50));
        assertEquals(1.4, DatasetFingerprint.percentileOfSorted(s, 10), 1e-12);
        assertEquals(5, DatasetFingerprint.percentileOfSorted(s, 100));
        assertEquals(1, DatasetFingerprint.percentileOfSorted(s, 0));
    }
}
