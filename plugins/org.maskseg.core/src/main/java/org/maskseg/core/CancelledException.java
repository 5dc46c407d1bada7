package org.maskseg.core;

/** Thrown when the user cancelled a running job; everything it had allocated has been released. */
public class CancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CancelledException() {
        super("cancelled");
    }
}
