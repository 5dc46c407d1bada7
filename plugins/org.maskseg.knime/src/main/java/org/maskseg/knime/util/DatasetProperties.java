package org.maskseg.knime.util;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.knime.core.data.DataColumnProperties;
import org.knime.core.data.DataColumnSpec;
import org.knime.core.data.DataColumnSpecCreator;

/**
 * Column properties through which a table says what its images and labels mean, as a dataset description (an
 * nnU-Net {@code dataset.json}) declares it: the class names and regions on the label column, the channel names
 * (which select the intensity normalisation) on the image column. The nnU-Net Dataset Reader sets them; the Masked
 * Trainer uses them where its own settings are empty. The ignore value travels in {@link IgnoreValueProperty}.
 * Lists are stored one entry per line.
 */
public final class DatasetProperties {

    /** On the label column: the class names, background first. */
    public static final String CLASS_NAMES = "maskseg.class-names";

    /** On the label column: the regions in the text form of region definitions ({@code name=1,2:1;...}). */
    public static final String REGIONS = "maskseg.regions";

    /** On the image column: one name per channel, e.g. CT. */
    public static final String CHANNEL_NAMES = "maskseg.channel-names";

    private DatasetProperties() {
    }

    /** The column spec with the given properties added (null values are left out), its other properties kept. */
    public static DataColumnSpec set(final DataColumnSpec column, final Map<String, String> properties) {
        Map<String, String> values = new HashMap<>();
        properties.forEach((k, v) -> {
            if (v != null) {
                values.put(k, v);
            }
        });
        DataColumnSpecCreator c = new DataColumnSpecCreator(column);
        c.setProperties(column.getProperties().cloneAndOverwrite(values));
        return c.createSpec();
    }

    /** A list as a property value: one entry per line. */
    public static String list(final List<String> values) {
        return String.join("\n", values);
    }

    /** The list a column declares under a key, or null when it declares none (or the column is null). */
    public static List<String> list(final DataColumnSpec column, final String key) {
        String text = text(column, key);
        return text == null ? null : Arrays.stream(text.split("\n", -1)).map(String::trim).toList();
    }

    /** The text a column declares under a key, or null when it declares none (or the column is null). */
    public static String text(final DataColumnSpec column, final String key) {
        if (column == null) {
            return null;
        }
        DataColumnProperties p = column.getProperties();
        if (!p.containsProperty(key)) {
            return null;
        }
        String text = p.getProperty(key);
        return text == null || text.isBlank() ? null : text;
    }
}
