package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maskseg export-nnunet} with bad input: one line, nothing written. (The export of a real model runs in
 * {@link ImportNnUNetCommandTest}, which needs PyTorch to write its nnU-Net model.)
 */
class ExportNnUNetCommandTest {

    @TempDir
    Path dir;

    @Test
    void missingOrForeignModelGivesOneLineAndWritesNothing() throws IOException {
        Path out = dir.resolve("results");
        CommandLineRun.Result r = CommandLineRun.run("export-nnunet", "--model", dir.resolve("none.zip").toString(),
                "--out", out.toString());
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().startsWith("maskseg: ") && r.err().strip().lines().count() == 1, r.err());
        assertTrue(Files.notExists(out));

        Path text = Files.writeString(dir.resolve("notes.zip"), "not a model");
        r = CommandLineRun.run("export-nnunet", "--model", text.toString(), "--out", out.toString());
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().startsWith("maskseg: ") && r.err().strip().lines().count() == 1, r.err());
        assertTrue(Files.notExists(out));

        r = CommandLineRun.run("export-nnunet", "--model", text.toString(), "--out", text.toString());
        assertEquals(1, r.exitCode(), "an output that is the input is refused");
        assertEquals("not a model", Files.readString(text));
    }
}
