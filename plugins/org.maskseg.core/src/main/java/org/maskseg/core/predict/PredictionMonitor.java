package org.maskseg.core.predict;

/**
 * Lets a caller follow and stop a prediction. Both methods are called on the predicting thread between
 * forward passes, so they should return quickly.
 */
public interface PredictionMonitor {

    /** Ignores progress and never cancels. */
    PredictionMonitor NONE = new PredictionMonitor() {
    };

    /** True to stop: the predictor then throws {@link org.maskseg.core.CancelledException}. */
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

    /** Cancelled through a token (e.g. shared with a whole job), progress ignored. */
    static PredictionMonitor of(org.maskseg.core.CancellationToken token) {
        return new PredictionMonitor() {
            @Override
            public boolean isCancelled() {
                return token.isCancelled();
            }
        };
    }
}
