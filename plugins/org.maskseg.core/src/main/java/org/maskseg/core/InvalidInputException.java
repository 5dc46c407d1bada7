package org.maskseg.core;

/**
 * Thrown when user-supplied data or settings cannot be used. The message always names the offending
 * item (file, row, setting) and says what was expected, so that every front end (CLI, KNIME node) can
 * show it verbatim.
 */
public class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
