package org.maskseg.core.data;

import org.maskseg.core.image.Batch;

/** An endless supply of training batches (usually produced by background threads). */
public interface BatchSource extends AutoCloseable {

    /** The next batch; blocks until one is ready. */
    Batch next() throws InterruptedException;

    /** Stops the producers and releases their threads. */
    @Override
    void close();
}
