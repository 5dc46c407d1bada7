package org.maskseg.core;

import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Lets another thread stop a long job. The job checks {@link #throwIfCancelled()} between steps; blocking
 * waits (for the next batch) go through {@link #await(Wait)}, which interrupts the waiting thread as soon
 * as cancellation is seen, so a stalled wait never delays it. Cancellation comes either from
 * {@link #cancel()} or from an external condition (e.g. a KNIME execution monitor) that is polled.
 */
public final class CancellationToken {

    /** A blocking wait that reacts to interruption. */
    @FunctionalInterface
    public interface Wait<T> {
        T get() throws InterruptedException;
    }

    private static final long POLL_MILLIS = 50;
    private static final ScheduledExecutorService WATCHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "maskseg-cancellation-watcher");
        t.setDaemon(true);
        return t;
    });

    private final BooleanSupplier external;
    private volatile boolean cancelled;

    private CancellationToken(BooleanSupplier external) {
        this.external = external;
    }

    /** A token that is cancelled only through {@link #cancel()}. */
    public static CancellationToken create() {
        return new CancellationToken(() -> false);
    }

    /** A token that is also cancelled once {@code condition} returns true (polled, must be cheap). */
    public static CancellationToken of(BooleanSupplier condition) {
        return new CancellationToken(Objects.requireNonNull(condition, "condition"));
    }

    /** Requests cancellation; safe from any thread. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        if (!cancelled && external.getAsBoolean()) {
            cancelled = true;
        }
        return cancelled;
    }

    public void throwIfCancelled() {
        if (isCancelled()) {
            throw new CancelledException();
        }
    }

    /**
     * Runs a blocking wait on the current thread and interrupts it if cancellation is requested meanwhile.
     *
     * @throws CancelledException when cancelled before or during the wait
     */
    public <T> T await(Wait<T> wait) throws InterruptedException {
        throwIfCancelled();
        Thread waiter = Thread.currentThread();
        Object lock = new Object();
        boolean[] waiting = {true};
        ScheduledFuture<?> watch = WATCHER.scheduleWithFixedDelay(() -> {
            if (isCancelled()) {
                synchronized (lock) {
                    if (waiting[0]) {
                        waiter.interrupt();
                        waiting[0] = false;
                    }
                }
            }
        }, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        try {
            return wait.get();
        } catch (InterruptedException e) {
            if (cancelled) {
                throw new CancelledException();
            }
            throw e;
        } finally {
            watch.cancel(false);
            boolean interruptedByUs;
            synchronized (lock) {
                interruptedByUs = !waiting[0];
                waiting[0] = false;
            }
            if (interruptedByUs) {
                Thread.interrupted(); // the interrupt was ours, not the caller's
            }
            throwIfCancelled();
        }
    }
}
