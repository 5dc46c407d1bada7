package org.maskseg.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary files of atomic writes left by a killed run are removed by the next write of the same file. */
class StaleTemporaryFilesTest {

    @TempDir
    Path dir;

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void aLaterWriteRemovesTheTemporaryFilesOfAKilledRunOnly() throws Exception {
        long dead = deadPid();
        Process living = new ProcessBuilder("sleep", "60").start();
        try {
            Path stale = Files.writeString(dir.resolve(".maskseg-" + dead + "-12345.model.zip"), "half");
            Path busy = Files.writeString(dir.resolve(".maskseg-" + living.pid() + "-678.model.zip"), "writing");
            Path otherTarget = Files.writeString(dir.resolve(".maskseg-" + dead + "-1.other.zip"), "x");
            Path notOurs = Files.writeString(dir.resolve(".maskseg-notes.model.zip"), "user file");
            Path similar = Files.writeString(dir.resolve(".maskseg-" + dead + "-2.model.zip.txt"), "user file");

            AtomicFiles.write(dir.resolve("model.zip"), t -> Files.writeString(t, "complete"));

            assertEquals("complete", Files.readString(dir.resolve("model.zip")));
            assertFalse(Files.exists(stale), "stale temporary file of a killed run");
            assertTrue(Files.exists(busy), "a living run's temporary file must stay");
            assertTrue(Files.exists(otherTarget), "another target's temporary file is left to its own writes");
            assertTrue(Files.exists(notOurs));
            assertTrue(Files.exists(similar));
            try (var s = Files.list(dir)) {
                assertEquals(5, s.count()); // model.zip and the four kept
            }
        } finally {
            living.destroy();
        }
    }

    @Test
    void temporaryFilesCarryTheProcessId() throws IOException {
        Path t = AtomicFiles.newTemporary(dir.resolve("labels.png"));
        assertTrue(t.getFileName().toString().startsWith(".maskseg-" + ProcessHandle.current().pid() + "-"),
                t.toString());
        assertTrue(t.getFileName().toString().endsWith(".labels.png"), t.toString());
        assertEquals(0, AtomicFiles.removeStale(dir.resolve("labels.png")), "this run's own file stays");
    }
}
