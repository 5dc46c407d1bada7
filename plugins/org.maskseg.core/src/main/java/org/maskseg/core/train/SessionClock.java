package org.maskseg.core.train;

/** Seconds since a training session started: what the schedule's time limits and the statistics count in. */
final class SessionClock {

    private final long start = System.nanoTime();

    double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }
}
