package org.maskseg.cli;

import java.nio.file.Path;

import org.maskseg.core.engine.TorchRuntime;

import ai.djl.Device;
import picocli.CommandLine.Option;

/** Where the network runs: the device, CPU threads and the libtorch installation (train, predict, plan --budget). */
final class ComputeOptions {

    @Option(names = "--device", paramLabel = "auto|cpu|gpu:N", defaultValue = "auto",
            description = "compute device (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "0",
            description = "CPU threads for PyTorch (default: all)")
    int threads;

    @Option(names = "--pytorch-library", paramLabel = "DIR",
            description = "use the libtorch in this folder instead of the bundled CPU build")
    Path pytorchLibrary;

    TorchRuntime.Installation installation() {
        return pytorchLibrary == null ? TorchRuntime.Installation.BUNDLED
                : new TorchRuntime.Installation(pytorchLibrary.toString(), null, null);
    }

    /** Starts the engine with these options and resolves the device (before any data is read). */
    Device start() {
        TorchRuntime.setCpuThreads(threads);
        TorchRuntime.start(installation());
        return TorchRuntime.device(device);
    }
}
