package org.maskseg.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

class TorchRuntimeTest {

    @Test
    void enginesStartsOfflineAndComputes() {
        assertEquals("PyTorch", TorchRuntime.engine().getEngineName());
        assertEquals("true", System.getProperty("ai.djl.offline"));
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            NDArray a = m.create(new float[] {1, 2, 3, 4});
            assertEquals(30f, a.mul(a).sum().getFloat(), 1e-6);
        }
    }

    @Test
    void deviceSettings() {
        assertEquals(Device.cpu(), TorchRuntime.device("cpu"));
        Device auto = TorchRuntime.device("auto");
        assertTrue(auto.equals(Device.cpu()) || auto.isGpu());
        assertThrows(InvalidInputException.class, () -> TorchRuntime.device("tpu"));
        if (TorchRuntime.engine().getGpuCount() == 0) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> TorchRuntime.device("gpu:0"));
            assertTrue(e.getMessage().contains("no CUDA GPU"), e.getMessage());
        }
    }
}
