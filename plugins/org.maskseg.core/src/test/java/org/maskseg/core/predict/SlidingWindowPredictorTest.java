package org.maskseg.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.maskseg.core.CancelledException;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;

import ai.djl.ndarray.NDArray;

class SlidingWindowPredictorTest {

    private static ImageVolume randomImage(long[] size, int channels, long seed) {
        ImageVolume img = ImageVolume.create("img", size, channels, size.length == 2 ? new double[] {1, 1}
                : new double[] {1, 1, 2});
        Random r = new Random(seed);
        float[] d = img.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return img;
    }

    @Test
    void constantLogitsAreReproduced() {
        try (FakeNetwork net = FakeNetwork.constant(2, 1, -1.5f, 0.25f, 3f)) {
            ImageVolume img = randomImage(new long[] {300, 200}, 1, 1);
            ImageVolume logits = new SlidingWindowPredictor(net, new int[] {128, 96}, PredictionSettings.DEFAULTS)
                    .predictLogits(img, null);
            assertEquals(3, logits.channels());
            assertEquals(List.of(300L, 200L), List.of(logits.spatialSize()[0], logits.spatialSize()[1]));
            float[] l = logits.data();
            int n = 300 * 200;
            for (int v = 0; v < n; v++) {
                assertEquals(-1.5f, l[v], 1e-5);
                assertEquals(0.25f, l[n + v], 1e-5);
                assertEquals(3f, l[2 * n + v], 1e-5);
            }
        }
    }

    @Test
    void voxelwiseNetworkIsStitchedExactly() {
        try (FakeNetwork net = FakeNetwork.pointwise(2, 2, 2)) {
            ImageVolume img = randomImage(new long[] {150, 130}, 2, 2);
            ImageVolume logits = new SlidingWindowPredictor(net, new int[] {64, 48},
                    PredictionSettings.DEFAULTS.withBatchWindows(3)).predictLogits(img, null);
            float[] x = img.data();
            float[] l = logits.data();
            int n = 150 * 130;
            for (int v = 0; v < n; v++) {
                assertEquals(x[v], l[v], 1e-5);
                assertEquals(2 * x[v] + 1, l[n + v], 1e-5);
            }
        }
    }

    /** Weighted mean of each window's local coordinate, computed from the Gaussian formula directly. */
    private static double expectedLocalCoordinate(int[] p, int axis, int[] patch, int[][] starts) {
        double num = 0;
        double den = 0;
        int dims = patch.length;
        int[] idx = new int[dims];
        while (true) {
            boolean inside = true;
            double w = 1;
            for (int d = 0; d < dims; d++) {
                int local = p[d] - starts[d][idx[d]];
                if (local < 0 || local >= patch[d]) {
                    inside = false;
                    break;
                }
                double sigma = patch[d] / 8.0;
                double off = local - patch[d] / 2;
                w *= Math.exp(-off * off / (2 * sigma * sigma));
            }
            if (inside) {
                num += w * (p[axis] - starts[axis][idx[axis]]);
                den += w;
            }
            int d = 0;
            while (d < dims && ++idx[d] == starts[d].length) {
                idx[d] = 0;
                d++;
            }
            if (d == dims) {
                break;
            }
        }
        return num / den;
    }

    @Test
    void overlappingWindowsAreBlendedWithTheGaussianWeights2d() {
        int[] patch = {40, 32};
        long[] size = {100, 70};
        int[][] starts = {SlidingWindow.windowStarts(100, 40, 0.5), SlidingWindow.windowStarts(70, 32, 0.5)};
        try (FakeNetwork net = FakeNetwork.localCoordinates(2, 1)) {
            ImageVolume logits = new SlidingWindowPredictor(net, patch, PredictionSettings.DEFAULTS)
                    .predictLogits(randomImage(size, 1, 3), null);
            float[] l = logits.data();
            int n = 100 * 70;
            for (int y = 0; y < 70; y++) {
                for (int x = 0; x < 100; x++) {
                    int[] p = {x, y};
                    assertEquals(expectedLocalCoordinate(p, 0, patch, starts), l[y * 100 + x], 1e-4);
                    assertEquals(expectedLocalCoordinate(p, 1, patch, starts), l[n + y * 100 + x], 1e-4);
                }
            }
        }
    }

    @Test
    void overlappingWindowsAreBlendedWithTheGaussianWeights3d() {
        int[] patch = {12, 10, 8};
        long[] size = {25, 17, 13};
        int[][] starts = new int[3][];
        for (int d = 0; d < 3; d++) {
            starts[d] = SlidingWindow.windowStarts(size[d], patch[d], 0.5);
        }
        try (FakeNetwork net = FakeNetwork.localCoordinates(3, 1)) {
            ImageVolume logits = new SlidingWindowPredictor(net, patch, PredictionSettings.DEFAULTS.withBatchWindows(5))
                    .predictLogits(randomImage(size, 1, 4), null);
            float[] l = logits.data();
            int n = 25 * 17 * 13;
            for (int z = 0; z < 13; z++) {
                for (int y = 0; y < 17; y++) {
                    for (int x = 0; x < 25; x++) {
                        int v = (z * 17 + y) * 25 + x;
                        for (int d = 0; d < 3; d++) {
                            assertEquals(expectedLocalCoordinate(new int[] {x, y, z}, d, patch, starts), l[d * n + v],
                                    1e-4);
                        }
                    }
                }
            }
        }
    }

    @Test
    void mirroringIsANoOpForAMirrorSymmetricNetwork() {
        try (FakeNetwork net = FakeNetwork.pointwise(2, 1, 3)) {
            ImageVolume img = randomImage(new long[] {90, 70}, 1, 5);
            SlidingWindowPredictor plain = new SlidingWindowPredictor(net, new int[] {48, 48}, PredictionSettings.DEFAULTS);
            float[] a = plain.predictLogits(img, null).data();
            int before = net.forwardCalls;
            SlidingWindowPredictor tta = new SlidingWindowPredictor(net, new int[] {48, 48},
                    PredictionSettings.DEFAULTS.withMirroring(true));
            float[] b = tta.predictLogits(img, null).data();
            // 3 x 2 windows in batches of 4 -> 2 batches, each predicted 4 times (none, x, y, xy)
            assertEquals(4 * 2, net.forwardCalls - before);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-5);
            }
        }
    }

    @Test
    void mirroredPredictionsAreFlippedBackBeforeAveraging() {
        // Local coordinate c predicted on a flipped window and flipped back reads (patch - 1 - c): the
        // average over all flips is (patch - 1) / 2 along every axis, at every voxel.
        try (FakeNetwork net = FakeNetwork.localCoordinates(3, 1)) {
            ImageVolume logits = new SlidingWindowPredictor(net, new int[] {8, 6, 4},
                    PredictionSettings.DEFAULTS.withMirroring(true)).predictLogits(randomImage(new long[] {13, 9, 7}, 1, 6), null);
            int n = 13 * 9 * 7;
            float[] l = logits.data();
            for (int v = 0; v < n; v++) {
                assertEquals(3.5f, l[v], 1e-5);
                assertEquals(2.5f, l[n + v], 1e-5);
                assertEquals(1.5f, l[2 * n + v], 1e-5);
            }
        }
    }

    @Test
    void mirroringCanBeRestrictedToSomeAxes() {
        // only tensor axis 0 (z) may flip: the z coordinate averages to (4 - 1) / 2, x and y stay as without
        // mirroring, and each batch is predicted twice (none, z)
        try (FakeNetwork net = FakeNetwork.localCoordinates(3, 1)) {
            ImageVolume img = randomImage(new long[] {13, 9, 7}, 1, 6);
            float[] plain = new SlidingWindowPredictor(net, new int[] {8, 6, 4}, PredictionSettings.DEFAULTS)
                    .predictLogits(img, null).data();
            int before = net.forwardCalls;
            float[] l = new SlidingWindowPredictor(net, new int[] {8, 6, 4},
                    PredictionSettings.DEFAULTS.withMirroring(true).withMirrorAxes(java.util.List.of(0)))
                    .predictLogits(img, null).data();
            int plainCalls = before;
            assertEquals(2 * plainCalls, net.forwardCalls - before);
            int n = 13 * 9 * 7;
            for (int v = 0; v < n; v++) {
                assertEquals(plain[v], l[v], 1e-5);
                assertEquals(plain[n + v], l[n + v], 1e-5);
                assertEquals(1.5f, l[2 * n + v], 1e-5);
            }
        }
    }

    @Test
    void imageSmallerThanThePatchIsPaddedCentredAndCroppedBack() {
        int[] patch = {64, 96};
        ImageVolume img = randomImage(new long[] {50, 70}, 1, 7);
        try (FakeNetwork coords = FakeNetwork.localCoordinates(2, 1); FakeNetwork point = FakeNetwork.pointwise(2, 1, 2)) {
            ImageVolume l = new SlidingWindowPredictor(coords, patch, PredictionSettings.DEFAULTS).predictLogits(img, null);
            assertEquals(50, l.spatialSize()[0]);
            assertEquals(70, l.spatialSize()[1]);
            int n = 50 * 70;
            // one window; the image sits at offset (7, 13) inside it
            for (int y = 0; y < 70; y++) {
                for (int x = 0; x < 50; x++) {
                    assertEquals(x + 7, l.data()[y * 50 + x], 1e-4);
                    assertEquals(y + 13, l.data()[n + y * 50 + x], 1e-4);
                }
            }
            assertEquals(new ai.djl.ndarray.types.Shape(1, 1, 96, 64), coords.inputShapes.get(0));
            float[] p = new SlidingWindowPredictor(point, patch, PredictionSettings.DEFAULTS).predictLogits(img, null).data();
            for (int v = 0; v < n; v++) {
                assertEquals(img.data()[v], p[v], 1e-5);
            }
        }
    }

    @Test
    void paddingOnlyAlongTheShortAxis() {
        // x is larger than the patch (3 windows), y smaller (padded 20 -> 32, offset 6)
        try (FakeNetwork coords = FakeNetwork.localCoordinates(2, 1)) {
            ImageVolume l = new SlidingWindowPredictor(coords, new int[] {32, 32}, PredictionSettings.DEFAULTS)
                    .predictLogits(randomImage(new long[] {64, 20}, 1, 8), null);
            int n = 64 * 20;
            for (int y = 0; y < 20; y++) {
                assertEquals(y + 6, l.data()[n + y * 64 + 10], 1e-4);
            }
        }
    }

    @Test
    void twoDimensionalModelPredictsA3dImageSliceBySlice() {
        ImageVolume vol = randomImage(new long[] {40, 30, 5}, 1, 9);
        int[] patch = {32, 24};
        try (FakeNetwork net = FakeNetwork.pointwise(2, 1, 2); FakeNetwork coords = FakeNetwork.localCoordinates(2, 1)) {
            ImageVolume l = new SlidingWindowPredictor(net, patch, PredictionSettings.DEFAULTS).predictLogits(vol, null);
            assertEquals(3, l.spatialDims());
            int n = 40 * 30 * 5;
            for (int v = 0; v < n; v++) {
                assertEquals(2 * vol.data()[v] + 1, l.data()[n + v], 1e-5);
            }
            for (ai.djl.ndarray.types.Shape in : net.inputShapes) {
                assertEquals(4, in.dimension());
            }
            // each slice exactly once: 5 slices x 2 x 1 windows (y = 30 -> ceil(6 / 12) + 1 = 2, x = 40 -> 2)
            SlidingWindowPredictor sp = new SlidingWindowPredictor(net, patch, PredictionSettings.DEFAULTS);
            assertEquals(5 * 2 * 2, sp.windowCount(vol.spatialSize()));
            assertEquals(5 * 2 * 2, net.inputShapes.stream().mapToLong(s -> s.get(0)).sum());
            // Coordinates: every slice equals the 2D prediction of a single slice.
            ImageVolume lc = new SlidingWindowPredictor(coords, patch, PredictionSettings.DEFAULTS).predictLogits(vol, null);
            ImageVolume slice = randomImage(new long[] {40, 30}, 1, 10);
            ImageVolume ls = new SlidingWindowPredictor(coords, patch, PredictionSettings.DEFAULTS).predictLogits(slice, null);
            int plane = 40 * 30;
            for (int c = 0; c < 2; c++) {
                for (int z = 0; z < 5; z++) {
                    for (int i = 0; i < plane; i++) {
                        assertEquals(ls.data()[c * plane + i], lc.data()[c * n + z * plane + i], 1e-5);
                    }
                }
            }
        }
    }

    @Test
    void modelForAnotherChannelCountOrDimensionalityIsRefused() {
        try (FakeNetwork net2 = FakeNetwork.pointwise(2, 2, 2); FakeNetwork net3 = FakeNetwork.pointwise(3, 1, 2)) {
            SlidingWindowPredictor p2 = new SlidingWindowPredictor(net2, new int[] {16, 16}, PredictionSettings.DEFAULTS);
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> p2.predictLogits(randomImage(new long[] {20, 20}, 1, 1), null));
            assertTrue(e.getMessage().contains("1 channel(s)") && e.getMessage().contains("trained on 2"), e.getMessage());
            SlidingWindowPredictor p3 = new SlidingWindowPredictor(net3, new int[] {8, 8, 8}, PredictionSettings.DEFAULTS);
            e = assertThrows(InvalidInputException.class, () -> p3.predictLogits(randomImage(new long[] {20, 20}, 1, 1), null));
            assertTrue(e.getMessage().contains("3D model"), e.getMessage());
            assertThrows(InvalidInputException.class,
                    () -> new SlidingWindowPredictor(net3, new int[] {8, 8}, PredictionSettings.DEFAULTS));
        }
    }

    @Test
    void progressIsReportedAndCancellationStopsBetweenBatches() {
        try (FakeNetwork net = FakeNetwork.pointwise(2, 1, 2)) {
            SlidingWindowPredictor p = new SlidingWindowPredictor(net, new int[] {32, 32},
                    PredictionSettings.DEFAULTS.withBatchWindows(2));
            ImageVolume img = randomImage(new long[] {100, 100}, 1, 11);
            // ceil((100 - 32) / 16) + 1 = 6 windows per axis
            assertEquals(36, p.windowCount(img.spatialSize()));
            List<long[]> calls = new ArrayList<>();
            p.predictLogits(img, new PredictionMonitor() {
                @Override
                public void progress(long done, long total) {
                    calls.add(new long[] {done, total});
                }
            });
            assertEquals(18, calls.size());
            assertEquals(2, calls.get(0)[0]);
            assertEquals(36, calls.get(17)[0]);
            assertTrue(calls.stream().allMatch(c -> c[1] == 36));

            int before = net.forwardCalls;
            int[] batches = {0};
            assertThrows(CancelledException.class, () -> p.predictLogits(img, new PredictionMonitor() {
                @Override
                public boolean isCancelled() {
                    return batches[0] == 3;
                }

                @Override
                public void progress(long done, long total) {
                    batches[0]++;
                }
            }));
            assertEquals(3, net.forwardCalls - before);
        }
    }

    @Test
    void everyWindowBatchIsReleasedAfterItsForwardPass() {
        try (FakeNetwork net = FakeNetwork.pointwise(2, 1, 2)) {
            new SlidingWindowPredictor(net, new int[] {32, 32}, PredictionSettings.DEFAULTS.withMirroring(true))
                    .predictLogits(randomImage(new long[] {70, 70}, 1, 12), null);
            assertTrue(net.inputsSeen.size() > 4);
            for (NDArray a : net.inputsSeen) {
                assertTrue(a.isReleased());
            }
        }
    }

    @Test
    void deviceOutOfMemoryNamesTheSettingToLower() {
        try (FakeNetwork oom = FakeNetwork.failing(2, "CUDA out of memory. Tried to allocate 2.00 GiB");
                FakeNetwork other = FakeNetwork.failing(2, "some other engine failure")) {
            ImageVolume img = randomImage(new long[] {40, 40}, 1, 13);
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> new SlidingWindowPredictor(oom, new int[] {32, 32}, PredictionSettings.DEFAULTS).predictLogits(img, null));
            assertTrue(e.getMessage().contains("ran out of memory") && e.getMessage().contains("batch windows setting (now 4)"),
                    e.getMessage());
            assertThrows(ai.djl.engine.EngineException.class,
                    () -> new SlidingWindowPredictor(other, new int[] {32, 32}, PredictionSettings.DEFAULTS).predictLogits(img, null));
        }
    }
}
