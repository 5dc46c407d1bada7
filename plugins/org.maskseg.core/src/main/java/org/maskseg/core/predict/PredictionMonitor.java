package org.maskseg.core.predict;

/**
 * Lets a caller follow and stop a prediction. Both methods are called on the predicting thread between
 * forward passes, so they should return quickly.
 */
public interface PredictionMonitor {

    /** Ignores progress and never cancels. */
    PredictionMonitor NONE = new PredictionMonitor() {
    };

    /** True to stop: the predictor then throws {@link java.util.concurrent.CancellationException}. */
    default boolean isCancelled() {
        return false;
    }

    /**
     * Called after each batch of windows.
     *
     * @param windowsDone windows predicted so far for the current image
     * @param windowsTotal windows the current image needs (mirrored copies are not counted separately)
     */
    default void progress(long windowsDone, long windowsTotal) {
    }
}
