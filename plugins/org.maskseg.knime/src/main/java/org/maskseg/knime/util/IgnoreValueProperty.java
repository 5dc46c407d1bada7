package org.maskseg.knime.util;

import java.util.Map;

import org.knime.core.data.DataColumnProperties;
import org.knime.core.data.DataColumnSpec;
import org.knime.core.data.DataColumnSpecCreator;
import org.knime.core.node.InvalidSettingsException;

/**
 * The column property through which a label column says which value marks its unannotated voxels. The Ignore-Label
 * Annotator sets it on the labels it writes; the Masked Trainer and the Predictor read it, so that chaining the
 * nodes needs no ignore value typed by hand. The property survives every KNIME node that keeps the column spec.
 */
public final class IgnoreValueProperty {

    /** The property key; its value is the ignore value as a decimal integer. */
    public static final String KEY = "maskseg.ignore-value";

    private IgnoreValueProperty() {
    }

    /** The column spec with the property set to {@code ignoreValue}, its other properties kept. */
    public static DataColumnSpec set(final DataColumnSpec column, final int ignoreValue) {
        DataColumnSpecCreator c = new DataColumnSpecCreator(column);
        c.setProperties(column.getProperties().cloneAndOverwrite(Map.of(KEY, Integer.toString(ignoreValue))));
        return c.createSpec();
    }

    /**
     * The ignore value the column declares, or null when it declares none (or the column is null).
     *
     * @throws InvalidSettingsException when the property is not a whole number
     */
    public static Integer of(final DataColumnSpec column) throws InvalidSettingsException {
        if (column == null) {
            return null;
        }
        DataColumnProperties p = column.getProperties();
        if (!p.containsProperty(KEY)) {
            return null;
        }
        String text = p.getProperty(KEY).trim();
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            throw new InvalidSettingsException("Column \"" + column.getName() + "\" has the property " + KEY + " = \""
                + text + "\", which is not a whole number; remove the property or set it to the labels' ignore value");
        }
    }
}
