package org.knime.core.node;

import java.util.ArrayList;
import java.util.List;

/**
 * In-memory progress and cancellation state shared by an execution monitor and its sub-monitors. Not part of
 * KNIME's API (package-private); the test double reads it to check what a node reported.
 */
final class ProgressState {

    private volatile boolean m_canceled;

    private int m_cancelAfterChecks = -1;

    private double m_progress;

    private String m_message;

    private final List<Double> m_progressHistory = new ArrayList<>();

    private final List<String> m_messageHistory = new ArrayList<>();

    synchronized void setProgress(final double p) {
        m_progress = p;
        m_progressHistory.add(p);
    }

    synchronized void setMessage(final String message) {
        m_message = message;
        if (message != null) {
            m_messageHistory.add(message);
        }
    }

    synchronized double progress() {
        return m_progress;
    }

    synchronized String message() {
        return m_message;
    }

    synchronized List<Double> progressHistory() {
        return List.copyOf(m_progressHistory);
    }

    synchronized List<String> messageHistory() {
        return List.copyOf(m_messageHistory);
    }

    void cancel() {
        m_canceled = true;
    }

    /** Cancels at the n-th call of checkCanceled from now on (n = 1: the next call). */
    synchronized void cancelAfterChecks(final int n) {
        m_cancelAfterChecks = n;
    }

    void check() throws CanceledExecutionException {
        synchronized (this) {
            if (m_cancelAfterChecks > 0 && --m_cancelAfterChecks == 0) {
                m_canceled = true;
            }
        }
        if (m_canceled) {
            throw new CanceledExecutionException();
        }
    }
}
