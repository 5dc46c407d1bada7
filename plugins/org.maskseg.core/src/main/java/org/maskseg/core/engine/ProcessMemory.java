package org.maskseg.core.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Memory of this process, as the memory-flatness tests and the soak benchmark measure it (Linux: /proc). */
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
     * Resident memory outside the Java heap, in kB: the resident set minus the resident part of the Java heap.
     * The heap's pages become resident as the collector first uses them, which would otherwise look like a
     * native leak (and subtracting the committed heap instead undercounts until every committed page has been
     * touched); tensors live outside it. The heap is the run of adjacent anonymous mappings, from the first one,
     * that together span the maximal heap size ({@code -Xmx}, within 64 MB), as HotSpot reserves it in one piece.
     */
    public static long outsideHeapKb() throws IOException {
        System.gc();
        List<long[]> maps = new ArrayList<>(); // start, end, rss kB, anonymous (1/0)
        long total = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (MAPPING.matcher(line).lookingAt()) {
                String[] f = line.trim().split("\\s+");
                String[] range = f[0].split("-");
                maps.add(new long[] {Long.parseUnsignedLong(range[0], 16), Long.parseUnsignedLong(range[1], 16), 0,
                    f.length < 6 ? 1 : 0});
            } else if (line.startsWith("Rss:") && !maps.isEmpty()) {
                long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                maps.get(maps.size() - 1)[2] = kb;
                total += kb;
            }
        }
        long max = Runtime.getRuntime().maxMemory();
        for (int i = 0; i < maps.size(); i++) {
            long span = 0;
            long heapKb = 0;
            for (int j = i; j < maps.size() && maps.get(j)[3] == 1
                    && (j == i || maps.get(j)[0] == maps.get(j - 1)[1]); j++) {
                span += maps.get(j)[1] - maps.get(j)[0];
                heapKb += maps.get(j)[2];
                if (Math.abs(span - max) <= 64L << 20) {
                    return total - heapKb;
                }
            }
        }
        return residentKb() - Runtime.getRuntime().totalMemory() / 1024;
    }

    private static final Pattern MAPPING = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");
}
