package org.maskseg.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

class HalfCastsTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = TorchRuntime.newManager(Device.cpu());
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** d/dx Σ (w ⊙ half(x))·c, computed back in float32: w·c exactly for values half precision holds exactly. */
    @Test
    void gradientFlowsThroughBothCasts() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(new float[] {0.5f, -1.25f, 3f, 1024f});
            x.setRequiresGradient(true);
            NDArray w = m.create(new float[] {2f, 0.25f, -1f, 0.5f});
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray h = HalfCasts.toHalf(x);
                assertEquals(DataType.FLOAT16, h.getDataType());
                NDArray f = HalfCasts.toFloat(h.mul(HalfCasts.toHalf(w)));
                assertEquals(DataType.FLOAT32, f.getDataType());
                assertArrayEquals(new float[] {1f, -0.3125f, -3f, 512f}, f.toFloatArray());
                gc.backward(f.mul(3f).sum());
            }
            NDArray g = x.getGradient();
            assertEquals(DataType.FLOAT32, g.getDataType());
            assertArrayEquals(new float[] {6f, 0.75f, -3f, 1.5f}, g.toFloatArray());
        }
    }

    /** Half precision rounds to 11 significant bits and overflows above 65504. */
    @Test
    void roundsAndOverflowsLikeHalfPrecision() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(new float[] {1f + 1f / 4096, 65504f, 70000f});
            float[] back = HalfCasts.toFloat(HalfCasts.toHalf(x)).toFloatArray();
            assertEquals(1f, back[0]);
            assertEquals(65504f, back[1]);
            assertTrue(Float.isInfinite(back[2]));
        }
    }

    @Test
    void settingsResolvePerDevice() {
        assertEquals(Precision.FP32, Precision.resolve("auto", Device.cpu()));
        assertEquals(Precision.FP16, Precision.resolve("auto", Device.gpu(0)));
        assertEquals(Precision.FP16, Precision.resolve("FP16", Device.cpu()));
        assertEquals(Precision.FP32, Precision.resolve(null, Device.cpu()));
        assertTrue(Precision.cpuWarning(Precision.FP16, Device.cpu()).contains("slower"));
        assertEquals(null, Precision.cpuWarning(Precision.FP16, Device.gpu(0)));
        assertEquals(null, Precision.cpuWarning(Precision.FP32, Device.cpu()));
        String bf16 = assertThrows(InvalidInputException.class, () -> Precision.resolve("bf16", Device.cpu()))
                .getMessage();
        assertTrue(bf16.contains("bfloat16"), bf16);
        assertTrue(assertThrows(InvalidInputException.class, () -> Precision.checkSetting("fp8", "precision"))
                .getMessage().contains("expected auto, fp32 or fp16"));
    }
}
