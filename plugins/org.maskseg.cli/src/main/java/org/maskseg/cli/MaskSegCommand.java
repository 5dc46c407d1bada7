package org.maskseg.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code maskseg} command: each subcommand is a thin front end to the engine's API. */
@Command(name = "maskseg", mixinStandardHelpOptions = true, version = "MaskSeg 0.1.0",
        description = "Segmentation training with ignore labels (sparse annotation), nnU-Net style.",
        subcommands = {AnnotateCommand.class, PlanCommand.class, TrainCommand.class, PredictCommand.class,
                EvaluateCommand.class, DemoCommand.class})
public final class MaskSegCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (for tests and embedding). */
    public static int execute(String... args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        return new CommandLine(new MaskSegCommand()).execute(args);
    }
}
