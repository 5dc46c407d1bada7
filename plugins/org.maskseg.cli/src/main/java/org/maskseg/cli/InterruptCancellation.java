package org.maskseg.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.maskseg.core.CancellationToken;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM, which a batch scheduler or server sends to stop a job, into a cancellation
 * for as long as it is open. The JVM's shutdown then waits until the command has stopped at its next check,
 * reported the outcome and closed this: native work in progress (a backward pass of a large 3D patch can take
 * minutes on a busy CPU) always finishes before the JVM ends, because ending the process underneath libtorch
 * crashes it. Temporary files are removed and native memory is freed; files already moved into place are
 * complete. A forced kill (SIGKILL) is the way to end a run that does not stop.
 */
final class InterruptCancellation implements AutoCloseable {

    /** Whether a signal has started the JVM's shutdown, which ends the process with the signal's own status. */
    private static final AtomicBoolean SIGNALLED = new AtomicBoolean();

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    InterruptCancellation(CancellationToken token) {
        hook = new Thread(() -> {
            SIGNALLED.set(true);
            token.cancel();
            boolean interrupted = false;
            while (true) {
                try {
                    finished.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // nothing may end the wait early: the command still uses native memory
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }, "maskseg-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Whether the JVM is shutting down on a signal. Then the process must not call {@code System.exit}: once the
     * hooks have run, that would race the shutdown's own exit and could replace its status (143 for SIGTERM).
     */
    static boolean signalled() {
        return SIGNALLED.get();
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
    }
}
