package org.maskseg.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import org.maskseg.core.CancellationToken;

/**
 * A command whose current step takes longer than any fixed grace period (35 s, as a large 3D backward pass on a
 * busy CPU may): started in its own JVM by {@link SignalTest}, which sends it SIGTERM during the step. The step
 * ignores interrupts like native code does; afterwards the command notices the cancellation, reports it and
 * writes a marker file. The marker exists only if the JVM waited for the step instead of ending underneath it.
 */
public final class LongStepAfterSignal {

    private LongStepAfterSignal() {
    }

    public static void main(String[] args) throws Exception {
        Path marker = Path.of(args[0]);
        long stepMillis = Long.parseLong(args[1]);
        CancellationToken token = CancellationToken.create();
        try (InterruptCancellation interrupt = new InterruptCancellation(token)) {
            System.out.println("step started");
            System.out.flush();
            long end = System.nanoTime() + stepMillis * 1_000_000L;
            while (System.nanoTime() < end) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    // native work cannot be interrupted either
                }
            }
            if (token.isCancelled()) {
                Files.writeString(marker, "finished the step, then stopped");
                System.err.println("maskseg: cancelled");
            }
        }
    }
}
