package org.maskseg.knime.util;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of the columns that hold per-class unknown-region masks (partial labels): the Ignore-Label Annotator names
 * them "Unknown mask (&lt;class&gt;)", and the Masked Trainer recognises that name.
 */
public final class UnknownMaskColumns {

    private static final Pattern NAME = Pattern.compile("Unknown mask \\((.+?)\\)(?: \\(#\\d+\\))?");

    private UnknownMaskColumns() {
    }

    /** The column name for a class's mask, e.g. "Unknown mask (mito)". */
    public static String name(final String className) {
        return "Unknown mask (" + className + ")";
    }

    /**
     * The class of a column named by {@link #name} (also after KNIME made it unique with a " (#1)" suffix), or null
     * when the column is not named that way.
     */
    public static String className(final String columnName) {
        Matcher m = NAME.matcher(columnName);
        return m.matches() ? m.group(1) : null;
    }
}
