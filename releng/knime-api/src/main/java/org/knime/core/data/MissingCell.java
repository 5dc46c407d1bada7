package org.knime.core.data;

/**
 * API surface: the missing value, optionally with the reason why it is missing.
 * <p>
 * Source checked: knime/knime-core, org.knime.core/src/eclipse/org/knime/core/data/MissingCell.java, commit 1b5880a377ed46bd43e0d47318005529eb17f2b6.
 */
public final class MissingCell extends DataCell implements MissingValue {
    private static final long serialVersionUID = 1L;

    private final String m_error;

    public MissingCell(final String error) {
        m_error = error;
    }

    public String getError() {
        return m_error;
    }

    @Override
    public boolean isMissing() {
        return true;
    }

    @Override
    public String toString() {
        return "?";
    }

    @Override
    protected boolean equalsDataCell(final DataCell dc) {
        return true;
    }

    @Override
    public int hashCode() {
        return 0;
    }
}
