package org.maskseg.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.plan.Plan;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

class PlainConvUNetTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = TorchRuntime.newManager(Device.cpu());
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** Topology with the given features and strides (x first), 3×3[×3] kernels. */
    static Plan.Network topology(int[] features, int[][] strides, int convs) {
        int[][] kernelSizes = new int[features.length][];
        for (int s = 0; s < features.length; s++) {
            kernelSizes[s] = new int[strides[s].length];
            Arrays.fill(kernelSizes[s], 3);
        }
        return Plan.Network.builder()
                .numStages(features.length)
                .features(features)
                .strides(strides)
                .kernelSizes(kernelSizes)
                .convsPerStage(convs)
                .build();
    }

    private static void checkShapes(Plan.Network t, int dims, long[] spatial, long[][] expectedSpatial) {
        try (NDManager m = manager.newSubManager();
                PlainConvUNet net = new PlainConvUNet(m, t, 2, 3, dims, 1)) {
            long[] in = new long[2 + dims];
            in[0] = 2;
            in[1] = 2;
            System.arraycopy(spatial, 0, in, 2, dims);
            NDArray x = m.randomNormal(new Shape(in));
            NDList train = net.forward(x, true);
            assertEquals(expectedSpatial.length, train.size());
            for (int i = 0; i < train.size(); i++) {
                long[] want = new long[2 + dims];
                want[0] = 2;
                want[1] = 3;
                System.arraycopy(expectedSpatial[i], 0, want, 2, dims);
                assertEquals(new Shape(want), train.get(i).getShape(), "output " + i);
            }
            NDList infer = net.forward(x, false);
            assertEquals(1, infer.size());
            assertEquals(train.get(0).getShape(), infer.get(0).getShape());
            assertArrayEquals(train.get(0).toFloatArray(), infer.get(0).toFloatArray(), 1e-5f);
            long[][] scales = net.outputScales();
            assertEquals(expectedSpatial.length, scales.length);
            for (int i = 0; i < scales.length; i++) {
                for (int a = 0; a < dims; a++) {
                    assertEquals(spatial[a] / scales[i][a], expectedSpatial[i][a]);
                }
            }
        }
    }

    @Test
    void outputShapes2d() {
        checkShapes(topology(new int[] {4, 8, 16}, new int[][] {{1, 1}, {2, 2}, {2, 2}}, 2), 2,
                new long[] {16, 24}, new long[][] {{16, 24}, {8, 12}});
        checkShapes(topology(new int[] {4, 8, 8, 8, 8}, new int[][] {{1, 1}, {2, 2}, {2, 2}, {2, 2}, {2, 2}}, 1), 2,
                new long[] {32, 16}, new long[][] {{32, 16}, {16, 8}, {8, 4}, {4, 2}});
        // anisotropic: x is downsampled twice as often as y (x-first strides)
        checkShapes(topology(new int[] {4, 8, 8}, new int[][] {{1, 1}, {2, 1}, {2, 2}}, 2), 2,
                new long[] {8, 16}, new long[][] {{8, 16}, {8, 8}});
    }

    @Test
    void outputShapes3dWithAnisotropicStrides() {
        // strides x first: (2,2,1) means no downsampling along z in stage 1
        checkShapes(topology(new int[] {4, 8, 8}, new int[][] {{1, 1, 1}, {2, 2, 1}, {2, 2, 2}}, 2), 3,
                new long[] {4, 8, 8}, new long[][] {{4, 8, 8}, {4, 4, 4}});
        checkShapes(topology(new int[] {2, 4, 4, 4}, new int[][] {{1, 1, 1}, {2, 2, 2}, {2, 2, 2}, {2, 2, 1}}, 1), 3,
                new long[] {4, 16, 16}, new long[][] {{4, 16, 16}, {2, 8, 8}, {1, 4, 4}});
    }

    @Test
    void withoutDeepSupervisionTrainingReturnsOneOutput() {
        Plan.Network t = topology(new int[] {4, 8, 16}, new int[][] {{1, 1}, {2, 2}, {2, 2}}, 2).toBuilder()
                .deepSupervision(false)
                .build();
        try (NDManager m = manager.newSubManager(); PlainConvUNet net = new PlainConvUNet(m, t, 1, 2, 2, 1)) {
            assertEquals(1, net.forward(m.randomNormal(new Shape(1, 1, 8, 8)), true).size());
            assertEquals(1, net.outputScales().length);
        }
    }

    @Test
    void gradientReachesEveryParameter() {
        Plan.Network t = topology(new int[] {4, 8, 8}, new int[][] {{1, 1, 1}, {2, 2, 1}, {2, 2, 2}}, 2);
        try (NDManager m = manager.newSubManager(); PlainConvUNet net = new PlainConvUNet(m, t, 1, 3, 3, 5)) {
            NDArray x = m.randomNormal(new Shape(2, 1, 4, 8, 8));
            try (GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
                NDList out = net.forward(x, true);
                NDArray loss = null;
                for (NDArray o : out) {
                    // a loss that is not invariant to the normalisation (sum of logits would be)
                    NDArray term = o.mul(m.randomNormal(o.getShape())).sum();
                    loss = loss == null ? term : loss.add(term);
                }
                gc.backward(loss);
            }
            for (Map.Entry<String, NDArray> e : net.parameters().entrySet()) {
                float norm = e.getValue().getGradient().norm().getFloat();
                assertTrue(norm > 0 && Float.isFinite(norm), e.getKey() + " gradient norm " + norm);
            }
        }
    }

    @Test
    void parameterNamesShapesAndInitialisation() {
        Plan.Network t = topology(new int[] {8, 16, 32}, new int[][] {{1, 1}, {2, 2}, {2, 2}}, 2);
        try (NDManager m = manager.newSubManager(); PlainConvUNet net = new PlainConvUNet(m, t, 1, 2, 2, 3)) {
            Map<String, NDArray> p = net.parameters();
            List<String> names = List.copyOf(p.keySet());
            assertEquals("encoder.0.conv0.weight", names.get(0));
            assertEquals(new Shape(8, 1, 3, 3), p.get("encoder.0.conv0.weight").getShape());
            assertEquals(new Shape(16, 8, 3, 3), p.get("encoder.1.conv0.weight").getShape());
            assertEquals(new Shape(32, 16, 2, 2), p.get("decoder.1.up.weight").getShape());
            assertEquals(new Shape(16, 32, 3, 3), p.get("decoder.1.conv0.weight").getShape());
            assertEquals(new Shape(2, 8, 1, 1), p.get("decoder.0.head.weight").getShape());
            assertEquals("decoder.0.head.bias", names.get(names.size() - 1));
            // encoder 3 stages × 2 blocks × 4 + decoder 2 levels × (2 up + 2 × 4 + 2 head)
            assertEquals(24 + 24, p.size());
            long count = 0;
            for (NDArray a : p.values()) {
                count += a.size();
            }
            assertEquals(count, net.parameterCount());

            assertTrue(Arrays.equals(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, p.get("encoder.0.norm0.weight").toFloatArray()));
            assertEquals(0f, p.get("encoder.0.conv0.bias").abs().sum().getFloat());
            // Kaiming normal, a = 0.01: std = sqrt(2 / (1 + a²) / fan_in)
            checkStd(p.get("decoder.1.conv0.weight"), Math.sqrt(2 / 1.0001 / (32 * 9)));
            checkStd(p.get("encoder.2.conv1.weight"), Math.sqrt(2 / 1.0001 / (32 * 9)));
            // transposed convolution: PyTorch's fan-in of (c_in, c_out, s, s) is c_out·s²
            checkStd(p.get("decoder.1.up.weight"), Math.sqrt(2 / 1.0001 / (16 * 4)));
        }
    }

    private static void checkStd(NDArray w, double expected) {
        float[] v = w.toFloatArray();
        double ss = 0, mean = 0;
        for (float f : v) {
            mean += f;
            ss += f * f;
        }
        mean /= v.length;
        double std = Math.sqrt(ss / v.length);
        assertEquals(0, mean, 4 * expected / Math.sqrt(v.length));
        assertEquals(expected, std, expected * 6 / Math.sqrt(v.length));
    }

    @Test
    void initialisationIsDeterministicPerSeed() {
        Plan.Network t = topology(new int[] {4, 8}, new int[][] {{1, 1}, {2, 2}}, 2);
        try (NDManager m = manager.newSubManager();
                PlainConvUNet a = new PlainConvUNet(m, t, 1, 2, 2, 42);
                PlainConvUNet b = new PlainConvUNet(m, t, 1, 2, 2, 42);
                PlainConvUNet c = new PlainConvUNet(m, t, 1, 2, 2, 43)) {
            Map<String, float[]> va = a.exportParameters();
            Map<String, float[]> vb = b.exportParameters();
            Map<String, float[]> vc = c.exportParameters();
            for (String k : va.keySet()) {
                assertArrayEquals(va.get(k), vb.get(k), k);
            }
            assertFalse(Arrays.equals(va.get("encoder.0.conv0.weight"), vc.get("encoder.0.conv0.weight")));
        }
    }

    @Test
    void parametersRoundTripAndMismatchesAreNamed() {
        Plan.Network t = topology(new int[] {4, 8}, new int[][] {{1, 1}, {2, 2}}, 2);
        try (NDManager m = manager.newSubManager();
                PlainConvUNet a = new PlainConvUNet(m, t, 1, 2, 2, 1);
                PlainConvUNet b = new PlainConvUNet(m, t, 1, 2, 2, 2)) {
            NDArray x = m.randomNormal(new Shape(1, 1, 8, 8));
            b.loadParameters(a.exportParameters());
            assertArrayEquals(a.forward(x, false).get(0).toFloatArray(), b.forward(x, false).get(0).toFloatArray(), 0f);
            b.loadParameterArrays(new LinkedHashMap<>(a.parameters()));

            LinkedHashMap<String, float[]> missing = a.exportParameters();
            missing.remove("decoder.0.up.bias");
            missing.put("decoder.9.up.bias", new float[4]);
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> b.loadParameters(missing));
            assertTrue(e.getMessage().contains("missing: [decoder.0.up.bias]"), e.getMessage());
            assertTrue(e.getMessage().contains("unexpected: [decoder.9.up.bias]"), e.getMessage());

            LinkedHashMap<String, float[]> wrong = a.exportParameters();
            wrong.put("encoder.1.conv0.weight", new float[3]);
            e = assertThrows(InvalidInputException.class, () -> b.loadParameters(wrong));
            assertTrue(e.getMessage().contains("encoder.1.conv0.weight") && e.getMessage().contains("(8, 4, 3, 3)"),
                    e.getMessage());
        }
    }

    @Test
    void forwardLeavesNoTemporariesOnTheParameterManager() {
        Plan.Network t = topology(new int[] {4, 8, 8}, new int[][] {{1, 1}, {2, 2}, {2, 2}}, 2);
        try (NDManager m = manager.newSubManager(); PlainConvUNet net = new PlainConvUNet(m, t, 1, 2, 2, 1)) {
            int before = ((ai.djl.ndarray.BaseNDManager) net.manager()).getManagedArrays().size();
            try (NDManager step = m.newSubManager()) {
                net.forward(step.randomNormal(new Shape(2, 1, 8, 8)), true);
                net.forward(step.randomNormal(new Shape(2, 1, 8, 8)), false);
            }
            assertEquals(before, ((ai.djl.ndarray.BaseNDManager) net.manager()).getManagedArrays().size());
        }
    }

    @Test
    void badTopologyAndInputAreRefused() {
        Plan.Network t = topology(new int[] {4, 8}, new int[][] {{1, 1}, {2, 2}}, 2);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new PlainConvUNet(manager, t, 1, 2, 3, 1));
        assertTrue(e.getMessage().contains("strides[0]"), e.getMessage());
        Plan.Network even = topology(new int[] {4, 8}, new int[][] {{1, 1}, {2, 2}}, 2).toBuilder()
                .kernelSizes(new int[][] {{3, 3}, {2, 2}})
                .build();
        assertThrows(InvalidInputException.class, () -> new PlainConvUNet(manager, even, 1, 2, 2, 1));
        try (NDManager m = manager.newSubManager(); PlainConvUNet net = new PlainConvUNet(m, t, 1, 2, 2, 1)) {
            e = assertThrows(InvalidInputException.class, () -> net.forward(m.zeros(new Shape(1, 1, 8, 7)), false));
            assertTrue(e.getMessage().contains("multiple of [2, 2]"), e.getMessage());
            assertThrows(InvalidInputException.class, () -> net.forward(m.zeros(new Shape(1, 2, 8, 8)), false));
            e = assertThrows(InvalidInputException.class, () -> net.forward(m.zeros(new Shape(1, 1, 2, 2)), false));
            assertTrue(e.getMessage().contains("single voxel"), e.getMessage());
        }
    }
}
