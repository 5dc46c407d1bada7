package org.maskseg.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory of this process as the memory-flatness tests measure it. */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    /** Resident set size in kB, from /proc/self/status. */
    public static long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /**
     * Resident memory outside the Java heap, in kB: the resident set minus the heap the JVM has committed.
     * The Java heap grows towards its working size during a test and would otherwise look like a native
     * leak; tensors live outside it.
     */
    public static long outsideHeapKb() throws IOException {
        System.gc();
        return residentKb() - Runtime.getRuntime().totalMemory() / 1024;
    }
}
