package org.maskseg.core.train;

import java.time.Duration;

/** The end of a training session's time limit, counted from the session's start (none: never). */
final class Deadline {

    private final long start = System.nanoTime();
    private final long limitNanos;

    Deadline(Duration limit) {
        this.limitNanos = limit == null ? Long.MAX_VALUE : limit.toNanos();
    }

    boolean isSet() {
        return limitNanos != Long.MAX_VALUE;
    }

    boolean passed() {
        return System.nanoTime() - start >= limitNanos;
    }

    /** Seconds since the session started. */
    double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    /** Seconds left (0 once passed; infinite without a limit). */
    double remainingSeconds() {
        return isSet() ? Math.max(0, limitNanos / 1e9 - elapsedSeconds()) : Double.POSITIVE_INFINITY;
    }
}
