package org.maskseg.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void failureHalfwayLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path target = Files.writeString(dir.resolve("model.bin"), "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, temp -> {
            try (OutputStream out = Files.newOutputStream(temp)) {
                out.write("half of the new".getBytes());
                throw new IOException("disk full");
            }
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), files());
    }

    @Test
    void failureWithoutATargetLeavesNothing() throws IOException {
        Path target = dir.resolve("new.bin");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, temp -> {
            Files.writeString(temp, "partial");
            throw new IllegalStateException("cancelled");
        }));
        assertEquals(List.of(), files());
    }

    @Test
    void successReplacesTheTarget() throws IOException {
        Path target = Files.writeString(dir.resolve("a.txt"), "old");
        AtomicFiles.write(target, temp -> Files.writeString(temp, "new"));
        assertEquals("new", Files.readString(target));
        assertEquals(List.of(target), files());
    }
}
