package org.maskseg.core.data;

/**
 * A worker thread failed to produce a batch for a reason other than bad input (bad input is reported as
 * {@link org.maskseg.core.InvalidInputException}). The message names the batch and the case.
 */
public class BatchProductionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BatchProductionException(String message, Throwable cause) {
        super(message, cause);
    }
}
