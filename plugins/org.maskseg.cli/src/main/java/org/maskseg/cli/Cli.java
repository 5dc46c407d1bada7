package org.maskseg.cli;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.maskseg.core.CancelledException;
import org.maskseg.core.InvalidInputException;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What every command shares: the exit codes, the one-line failure message and the {@code --verbose} option.
 * <p>
 * Exit codes: 0 done, 1 bad input or failed run, 2 wrong command-line usage (picocli's own code), 130 cancelled.
 */
final class Cli {

    /** Bad input (files, values, settings) or a run that failed; the reason is printed. */
    static final int FAILED = 1;
    /** Unknown options, missing required options, unparsable option values: picocli's usage error. */
    static final int USAGE = CommandLine.ExitCode.USAGE;
    /** Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it). */
    static final int CANCELLED = 130;

    /** The slf4j-simple property of DJL's loggers. */
    static final String DJL_LOG_LEVEL = "org.slf4j.simpleLogger.log.ai.djl";

    private Cli() {
    }

    /** Prints {@code maskseg: <reason>} as one line on stderr and returns {@link #FAILED}. */
    static int fail(String reason) {
        printError(reason);
        return FAILED;
    }

    /** Prints {@code maskseg: <reason>} as one line on stderr and returns {@link #CANCELLED}. */
    static int cancelled(String reason) {
        printError(reason);
        return CANCELLED;
    }

    static void printError(String reason) {
        System.err.println("maskseg: " + oneLine(reason));
        System.err.flush();
    }

    static String oneLine(String reason) {
        return reason == null || reason.isBlank() ? "failed" : reason.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /**
     * The exit code and message for an exception that ended a command: bad input and I/O failures give one line
     * with their reason, cancellation gives {@link #CANCELLED}, anything else one line naming the error.
     */
    static int failure(Throwable e) {
        if (e instanceof CancelledException) {
            return cancelled("cancelled; nothing half-written is left behind");
        }
        if (e instanceof UncheckedIOException u) {
            return fail(u.getCause().getMessage());
        }
        if (e instanceof InvalidInputException || e instanceof IOException) {
            return fail(e.getMessage());
        }
        if (e instanceof OutOfMemoryError) {
            return fail("out of Java memory; give Java more with -Xmx (environment variable MASKSEG_JAVA_OPTS)");
        }
        return fail("unexpected " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
                + e.getMessage()) + "; run again with --verbose to see the library logs");
    }

    /** Whether the user configured DJL's log level (-D...) before the first command ran. */
    private static final boolean USER_LOG_LEVEL = System.getProperty(DJL_LOG_LEVEL) != null;

    /** Library logging is off unless the user configured it; {@code --verbose} turns it on. */
    static void quietLibraryLogs() {
        if (!USER_LOG_LEVEL) {
            System.setProperty(DJL_LOG_LEVEL, "off");
        }
    }

    /** The {@code --verbose} option, mixed into every command. */
    static final class Verbosity {

        @Option(names = "--verbose", description = "show the log messages of DJL and PyTorch (off by default)")
        void verbose(boolean on) {
            if (on) {
                System.setProperty(DJL_LOG_LEVEL, "info");
            }
        }
    }
}
