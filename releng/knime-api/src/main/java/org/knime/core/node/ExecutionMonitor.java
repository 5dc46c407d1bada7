package org.knime.core.node;

import java.util.function.Supplier;

/**
 * API surface: progress reporting and cancellation checks during execution. Sub-monitors map their progress 0..1
 * into a slice of the parent's range.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/node/ExecutionMonitor.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public class ExecutionMonitor {

    final ProgressState m_state;

    private final double m_offset;

    private final double m_scale;

    public ExecutionMonitor() {
        this(new ProgressState(), 0, 1);
    }

    ExecutionMonitor(final ProgressState state, final double offset, final double scale) {
        m_state = state;
        m_offset = offset;
        m_scale = scale;
    }

    public void checkCanceled() throws CanceledExecutionException {
        m_state.check();
    }

    public void setProgress(final double progress) {
        m_state.setProgress(m_offset + Math.max(0, Math.min(1, progress)) * m_scale);
    }

    public void setProgress(final double progress, final String message) {
        setProgress(progress);
        setMessage(message);
    }

    /** The message is computed only when shown (cheap progress updates in tight loops). */
    public void setProgress(final double progress, final Supplier<String> messageSupplier) {
        setProgress(progress);
        setMessage(messageSupplier.get());
    }

    public void setProgress(final String message) {
        setMessage(message);
    }

    public void setMessage(final String message) {
        m_state.setMessage(message);
    }

    /** The message is computed only when shown. */
    public void setMessage(final Supplier<String> messageSupplier) {
        m_state.setMessage(messageSupplier.get());
    }

    public ExecutionMonitor createSubProgress(final double maxProg) {
        return new ExecutionMonitor(m_state, m_state.progress(), m_scale * maxProg);
    }

    public ExecutionMonitor createSilentSubProgress(final double maxProg) {
        return createSubProgress(maxProg);
    }

    /** Start of this monitor's slice of the overall progress, for sub-contexts. */
    final double offset() {
        return m_offset;
    }

    final double scale() {
        return m_scale;
    }
}
