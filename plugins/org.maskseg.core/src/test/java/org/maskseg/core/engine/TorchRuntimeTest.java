package org.maskseg.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
            assertTrue(e.getMessage().contains("CPU build") && e.getMessage().contains("PYTORCH_FLAVOR=cpu or cu128"),
                    e.getMessage());
        }
    }

    /** Load failures say what a libtorch folder holds: version, CPU or CUDA build, or no libtorch at all. */
    @Test
    void installationsAreDescribed(@TempDir Path dir) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("libtorch/lib"));
        assertTrue(TorchRuntime.describeInstallation(lib).startsWith("found no " + System.mapLibraryName("torch")));
        Files.writeString(lib.resolve(System.mapLibraryName("torch")), "");
        assertTrue(TorchRuntime.describeInstallation(lib).contains("unknown version (no build-version file) (CPU"),
                TorchRuntime.describeInstallation(lib));
        Files.writeString(dir.resolve("libtorch/build-version"), "2.5.1+cu124\n");
        Files.writeString(lib.resolve(System.mapLibraryName("torch_cuda")), "");
        assertEquals("found libtorch 2.5.1+cu124 (CUDA build) in '" + lib + "', which is not 2.7.1",
                TorchRuntime.describeInstallation(lib));
        Files.writeString(dir.resolve("libtorch/build-version"), "2.7.1+cu128");
        assertEquals("found libtorch 2.7.1+cu128 (CUDA build) in '" + lib + "'", TorchRuntime.describeInstallation(lib));
        assertTrue(TorchRuntime.describeInstallation(dir.resolve("missing")).contains("does not exist"));
        assertArrayEquals(new String[] {"2.7.1", "cu128"}, TorchRuntime.buildVersion(lib));
        Files.writeString(dir.resolve("libtorch/build-version"), "2.7.1\n");
        assertArrayEquals(new String[] {"2.7.1", "cpu"}, TorchRuntime.buildVersion(lib));
        assertEquals(null, TorchRuntime.buildVersion(dir));
    }
}
