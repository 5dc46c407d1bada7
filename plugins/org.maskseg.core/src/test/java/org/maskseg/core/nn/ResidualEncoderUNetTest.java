package org.maskseg.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.plan.Plan;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The residual encoder U-Net's structure, initialisation and pooling; its numbers against PyTorch are checked by
 * {@code NnUNetImportTest}.
 */
class ResidualEncoderUNetTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = TorchRuntime.newManager(Device.cpu());
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static Plan.Network topology(int[] features, int[][] strides, int[] blocks) {
        return PlainConvUNetTest.topology(features, strides, 1).toBuilder()
                .architecture(Plan.Network.RESIDUAL_ENCODER_UNET)
                .blocksPerStage(blocks)
                .build();
    }

    @Test
    void averagePoolingTakesTheMeanOfEachBlock() {
        try (NDManager m = manager.newSubManager()) {
            float[] v = new float[16];
            for (int i = 0; i < v.length; i++) {
                v[i] = i;
            }
            // rows 0..3 of 0 1 2 3 / 4 5 6 7 / ...: the 2x2 blocks average to 2.5, 4.5, 10.5, 12.5
            NDArray x = m.create(v, new Shape(1, 1, 4, 4));
            assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f},
                    TorchOps.avgPool(x, new long[] {2, 2}).toFloatArray(), 1e-6f);
            // stride 1 along y: pairs along x only: (0+1)/2, (2+3)/2, (4+5)/2, ...
            assertArrayEquals(new float[] {0.5f, 2.5f, 4.5f, 6.5f, 8.5f, 10.5f, 12.5f, 14.5f},
                    TorchOps.avgPool(x, new long[] {1, 2}).toFloatArray(), 1e-6f);
            // 3D (1, 1, 2, 2, 4), stride (2, 1, 2): voxel (y, x2) averages z in {0, 1} and x in {2x2, 2x2+1}:
            // (0 + 1 + 8 + 9) / 4 = 4.5 at (0, 0)
            NDArray y = m.create(v, new Shape(1, 1, 2, 2, 4));
            assertArrayEquals(new float[] {4.5f, 6.5f, 8.5f, 10.5f},
                    TorchOps.avgPool(y, new long[] {2, 1, 2}).toFloatArray(), 1e-6f);
            assertThrows(IllegalArgumentException.class, () -> TorchOps.avgPool(x, new long[] {3, 3}));
        }
    }

    @Test
    void parametersAreNamedAndCountedByBlock() {
        // 1 channel, 2 classes, features 4, 8, blocks 1, 2, 3x3 kernels, one decoder convolution:
        // stem conv 4·1·9 + 4 = 40, norm 8; stage 0 block (identity skip): 2 × (4·4·9 + 4 + 8) = 312;
        // stage 1 block 0 (stride 2, 4 -> 8): conv1 8·4·9 + 8 = 296, norm 16, conv2 8·8·9 + 8 = 584, norm 16,
        // skip conv 8·4 = 32 (no bias), skip norm 16 -> 960; block 1: 2 × (584 + 16) = 1200;
        // decoder: up 8·4·2·2 + 4 = 132, conv 4·8·9 + 4 = 292, norm 8, head 2·4 + 2 = 10 -> 442. Total 2962.
        Plan.Network t = topology(new int[] {4, 8}, new int[][] {{1, 1}, {2, 2}}, new int[] {1, 2});
        try (NDManager m = manager.newSubManager();
                ResidualEncoderUNet net = new ResidualEncoderUNet(m, t, 1, 2, 2, 3)) {
            assertEquals(2962, net.parameterCount());
            Map<String, Shape> shapes = net.parameterShapes();
            assertEquals(new Shape(8, 4, 1, 1), shapes.get("encoder.1.block0.skip.conv.weight"));
            assertFalse(shapes.containsKey("encoder.1.block0.skip.conv.bias"));
            assertFalse(shapes.containsKey("encoder.0.block0.skip.conv.weight"), "same channels, no stride: identity");
            assertFalse(shapes.containsKey("encoder.1.block1.skip.conv.weight"));
            assertTrue(net.encoderParameterNames().contains("encoder.stem.conv0.weight"));
            assertTrue(net.encoderParameterNames().stream().allMatch(n -> n.startsWith("encoder.")));
            assertArrayEquals(new int[] {1, 2}, net.blocksPerStage());

            // the last normalisation of every block starts at zero (nnU-Net's init), every other at scale 1
            Map<String, float[]> p = net.exportParameters();
            for (Map.Entry<String, float[]> e : p.entrySet()) {
                String n = e.getKey();
                float want = n.endsWith(".norm2.weight") || n.endsWith(".bias") ? 0 : 1;
                if (n.contains("norm") || n.endsWith(".bias")) {
                    for (float v : e.getValue()) {
                        assertEquals(want, v, 0, n);
                    }
                }
            }
            // Kaiming normal: the 1x1 skip convolution has fan-in 4, std sqrt(2 / 1.0001) / 2 ≈ 0.707
            float[] skip = p.get("encoder.1.block0.skip.conv.weight");
            assertTrue(skip.length == 32 && java.util.stream.IntStream.range(0, 32).anyMatch(i -> skip[i] != 0));
        }
    }

    @Test
    void outputsHaveTheShapesOfThePlainUNetIn2dAnd3d() {
        Plan.Network t2 = topology(new int[] {4, 8, 8}, new int[][] {{1, 1}, {2, 2}, {2, 1}}, new int[] {1, 2, 1});
        try (NDManager m = manager.newSubManager(); UNet net = new ResidualEncoderUNet(m, t2, 2, 3, 2, 1)) {
            NDArray x = m.randomNormal(new Shape(2, 2, 8, 16));
            NDList train = net.forward(x, true);
            assertEquals(2, train.size());
            assertEquals(new Shape(2, 3, 8, 16), train.get(0).getShape());
            // stage 1 halves x and y: (4, 8)
            assertEquals(new Shape(2, 3, 4, 8), train.get(1).getShape());
            NDList infer = net.forward(x, false);
            assertArrayEquals(train.get(0).toFloatArray(), infer.singletonOrThrow().toFloatArray(), 1e-5f);
            assertArrayEquals(new int[] {4, 2}, net.sizeDivisor());
        }
        Plan.Network t3 = topology(new int[] {4, 6, 6}, new int[][] {{1, 1, 1}, {2, 2, 1}, {2, 2, 2}},
                new int[] {1, 1, 2});
        try (NDManager m = manager.newSubManager(); UNet net = new ResidualEncoderUNet(m, t3, 1, 2, 3, 1)) {
            NDList out = net.forward(m.randomNormal(new Shape(1, 1, 4, 8, 8)), true);
            assertEquals(new Shape(1, 2, 4, 8, 8), out.get(0).getShape());
            assertEquals(new Shape(1, 2, 4, 4, 4), out.get(1).getShape());
        }
    }

    @Test
    void halfPrecisionFollowsSinglePrecision() {
        Plan.Network t = topology(new int[] {4, 8}, new int[][] {{1, 1}, {2, 2}}, new int[] {1, 2});
        try (NDManager m = manager.newSubManager(); UNet net = new ResidualEncoderUNet(m, t, 1, 2, 2, 5)) {
            // non-zero last norms so that both paths of every block count
            Map<String, float[]> p = net.exportParameters();
            p.replaceAll((k, v) -> k.endsWith(".norm2.weight") ? filled(v.length, 0.7f) : v);
            net.loadParameters(p);
            NDArray x = m.randomNormal(new Shape(1, 1, 16, 16));
            float[] single = net.forward(x, false).singletonOrThrow().toFloatArray();
            net.setPrecision(Precision.FP16);
            float[] half = net.forward(x, false).singletonOrThrow().toFloatArray();
            double worst = 0;
            for (int i = 0; i < single.length; i++) {
                worst = Math.max(worst, Math.abs(single[i] - half[i]));
            }
            assertTrue(worst < 0.05, "largest difference fp16 - fp32: " + worst);
        }
    }

    @Test
    void planChoosesTheNetworkAndBadBlockCountsAreRefused() {
        Plan plan = Plan.builder()
                .targets(Targets.classes(LabelSpec.withDefaultIgnore(2)))
                .patchSize(16, 16)
                .network(topology(new int[] {4, 8}, new int[][] {{1, 1}, {2, 2}}, new int[] {1, 1}))
                .build();
        try (NDManager m = manager.newSubManager(); UNet net = UNet.build(m, plan, 0)) {
            assertTrue(net instanceof ResidualEncoderUNet);
        }
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> PlainConvUNet.fromPlan(manager, plan, 0));
        assertTrue(e.getMessage().contains("ResidualEncoderUNet"), e.getMessage());
        // a block count per stage is missing: no plan holds such a network, and the network refuses it too
        e = assertThrows(InvalidInputException.class,
                () -> plan.toBuilder().network(n -> n.blocksPerStage(1)).build());
        assertTrue(e.getMessage().contains("blocksPerStage"), e.getMessage());
        Plan.Network oneBlock = plan.network().toBuilder().blocksPerStage(1).build();
        e = assertThrows(InvalidInputException.class, () -> new ResidualEncoderUNet(manager, oneBlock,
                plan.inputChannels(), plan.targets().outputChannels(), plan.spatialDims(), 0));
        assertTrue(e.getMessage().contains("blocksPerStage"), e.getMessage());
        Plan plain = plan.toBuilder()
                .network(n -> n.architecture(Plan.Network.PLAIN_CONV_UNET).blocksPerStage((int[]) null))
                .build();
        try (NDManager m = manager.newSubManager(); UNet net = UNet.build(m, plain, 0)) {
            assertTrue(net instanceof PlainConvUNet);
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
