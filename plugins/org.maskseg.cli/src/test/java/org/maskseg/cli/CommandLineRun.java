package org.maskseg.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the command line in-process with captured output, as the command tests need it. */
final class CommandLineRun {

    /** Exit code and everything printed to standard output and standard error. */
    record Result(int exitCode, String out, String err) {
    }

    private CommandLineRun() {
    }

    static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = MaskSegCommand.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** The bundled sample images and labels, found above the module folder tests run in. */
    static Path nuclei() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("sample-data/nuclei"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("sample-data/nuclei not found");
        }
        return p.resolve("sample-data/nuclei");
    }
}
