package org.maskseg.knime.util;

import org.knime.core.data.RowKey;
import org.maskseg.core.InvalidInputException;

/** Puts the row and column into the engine's user-facing error messages. */
public final class RowErrors {

    private RowErrors() {
    }

    public static InvalidInputException inRow(final RowKey row, final String column, final RuntimeException e) {
        String where = "Row \"" + row.getString() + "\"" + (column == null ? "" : ", column \"" + column + "\"");
        return new InvalidInputException(where + ": " + e.getMessage(), e);
    }

    public static InvalidInputException missing(final RowKey row, final String column) {
        return new InvalidInputException("Row \"" + row.getString() + "\", column \"" + column
            + "\": the cell is missing; filter out rows without " + column + " first");
    }
}
