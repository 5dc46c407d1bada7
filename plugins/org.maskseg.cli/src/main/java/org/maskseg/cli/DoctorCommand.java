package org.maskseg.cli;

import java.util.concurrent.Callable;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.doctor.Doctor;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.nn.Precision;

import ai.djl.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints what MaskSeg computes with, and the time of one step of a tiny network. */
@Command(name = "doctor", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Prints the Java, DJL and libtorch versions, whether libtorch is a CPU or a CUDA build, CUDA "
                + "and cuDNN availability, the visible GPUs with their memory, the thread settings, and the time of "
                + "one training step of a tiny network on the chosen device. Use it to check a GPU set-up before "
                + "training (see \"Using a GPU\" in the README)." })
final class DoctorCommand implements Callable<Integer> {

    @Option(names = "--precision", paramLabel = "auto|fp32|fp16", defaultValue = "auto",
            description = "precision of the timed step (default: ${DEFAULT-VALUE})")
    String precision;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() {
        try {
            String p = Precision.checkSetting(precision, "precision");
            TorchRuntime.setCpuThreads(compute.threads);
            Doctor.environment(compute.installation()).forEach(System.out::println);
            Device device = compute.start();
            Precision resolved = Precision.resolve(p, device);
            String warning = Precision.cpuWarning(resolved, device);
            if (warning != null) {
                System.err.println(warning);
            }
            System.out.println(Doctor.stepTiming(device, resolved));
            return 0;
        } catch (InvalidInputException e) {
            return Cli.fail(e.getMessage());
        }
    }
}
