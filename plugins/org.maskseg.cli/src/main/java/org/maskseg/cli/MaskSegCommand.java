package org.maskseg.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** The {@code maskseg} command: each subcommand is a thin front end to the engine's API. */
@Command(name = "maskseg", mixinStandardHelpOptions = true, exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:done", "1:bad input or failed run (one line says why)", "2:wrong command-line usage",
            "130:cancelled (Ctrl-C, SIGTERM)"}, version = "MaskSeg 0.1.0",
        description = "Segmentation training with ignore labels (sparse annotation), nnU-Net style.",
        subcommands = {AnnotateCommand.class, PlanCommand.class, TrainCommand.class, PredictCommand.class,
                EvaluateCommand.class, ChooseCommand.class, DemoCommand.class, DoctorCommand.class, ImportNnUNetCommand.class,
                ExportNnUNetCommand.class})
public final class MaskSegCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** The exit codes of every command, as the help shows them. */
    static final java.util.Map<String, String> EXIT_CODES = exitCodes();

    private static java.util.Map<String, String> exitCodes() {
        java.util.Map<String, String> codes = new java.util.LinkedHashMap<>();
        codes.put("0", "done");
        codes.put(String.valueOf(Cli.FAILED), "bad input or failed run (one line says why)");
        codes.put(String.valueOf(Cli.USAGE), "wrong command-line usage");
        codes.put(String.valueOf(Cli.CANCELLED), "cancelled (Ctrl-C, SIGTERM)");
        return codes;
    }

    public static void main(String[] args) {
        int code = execute(args);
        if (InterruptCancellation.signalled()) {
            return; // the JVM is already ending with the signal's status (130 for Ctrl-C, 143 for SIGTERM)
        }
        System.exit(code);
    }

    /** Runs the command line and returns the exit code (for tests and embedding). */
    public static int execute(String... args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        Cli.quietLibraryLogs();
        CommandLine commandLine = new CommandLine(new MaskSegCommand());
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            sub.getCommandSpec().addMixin("verbosity", CommandSpec.forAnnotatedObject(new Cli.Verbosity()));
            sub.getCommandSpec().usageMessage().exitCodeListHeading("Exit codes:%n").exitCodeList(EXIT_CODES);
        }
        // whatever a command does not catch still ends with one line and the documented exit code
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> Cli.failure(e));
        return commandLine.execute(args);
    }
}
