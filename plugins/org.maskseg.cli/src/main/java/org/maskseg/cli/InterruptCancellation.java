package org.maskseg.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.maskseg.core.train.CancellationToken;

/**
 * Turns Ctrl-C into a cancellation for as long as it is open: the JVM's shutdown waits (up to 30 s) until the
 * command has stopped at its next check and closed this, so that temporary files are removed and native memory
 * is freed before the process ends; files already moved into place are complete.
 */
final class InterruptCancellation implements AutoCloseable {

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    InterruptCancellation(CancellationToken token) {
        hook = new Thread(() -> {
            token.cancel();
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
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
