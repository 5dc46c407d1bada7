package org.maskseg.knime.trainer;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.knime.core.node.InvalidSettingsException;
import org.maskseg.core.labels.RegionSet;

/**
 * Checks the "Regions" setting of the Masked Trainer at configure time, as far as it can be without data: the text
 * form {@code name=class,class,...[:exportLabel]; ...} (see {@link RegionSet}), region names present and unique,
 * every region with at least one class, no background (class 0) in a region, at most
 * {@value RegionSet#MAX_REGIONS} regions. Class names are resolved when the classes are named already (setting
 * "Class names" or the initial model). Whether a class number exists is known only from the labels, so training
 * checks that.
 */
final class RegionDefinitions {

    private static final String SETTING = "\"Regions\": ";

    private RegionDefinitions() {
    }

    /**
     * @param text the setting; blank means class training and passes
     * @param classNames the class names, background first, or null when they are known only from the data
     * @throws InvalidSettingsException naming the region and what is wrong
     */
    static void check(final String text, final List<String> classNames) throws InvalidSettingsException {
        if (text == null || text.isBlank()) {
            return;
        }
        Set<String> names = new HashSet<>();
        int count = 0;
        for (String entry : text.split(";")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq < 0) {
                throw new InvalidSettingsException(SETTING + "\"" + e + "\" is not of the form "
                    + "name=class,class,...[:label]; separate regions with \";\", e.g. whole=1,2,3; core=2,3");
            }
            String name = e.substring(0, eq).trim();
            if (name.isEmpty()) {
                throw new InvalidSettingsException(SETTING + "\"" + e + "\" has no region name before \"=\"");
            }
            if (!names.add(name.toLowerCase(Locale.ROOT))) {
                throw new InvalidSettingsException(SETTING + "two regions are named \"" + name
                    + "\"; give every region its own name");
            }
            String classes = e.substring(eq + 1);
            int colon = classes.lastIndexOf(':');
            if (colon >= 0) {
                String label = classes.substring(colon + 1).trim();
                if (label.isEmpty()) {
                    throw new InvalidSettingsException(SETTING + "region \"" + name + "\" has no export label after "
                        + "\":\"; write e.g. " + name + "=1,2:2, or drop the \":\"");
                }
                checkClass(label, name, "export label", classNames);
                classes = classes.substring(0, colon);
            }
            boolean any = false;
            for (String token : classes.split(",")) {
                String t = token.trim();
                if (!t.isEmpty()) {
                    checkClass(t, name, "class", classNames);
                    any = true;
                }
            }
            if (!any) {
                throw new InvalidSettingsException(SETTING + "region \"" + name + "\" has no classes; list at least "
                    + "one foreground class, e.g. " + name + "=1");
            }
            count++;
        }
        if (count == 0) {
            throw new InvalidSettingsException(SETTING + "\"" + text.trim() + "\" defines no region; write e.g. "
                + "whole=1,2,3; core=2,3, or leave it empty to train on classes");
        }
        if (count > RegionSet.MAX_REGIONS) {
            throw new InvalidSettingsException(SETTING + count + " regions are defined; at most "
                + RegionSet.MAX_REGIONS + " are supported");
        }
    }

    private static void checkClass(final String token, final String region, final String what,
        final List<String> classNames) throws InvalidSettingsException {
        int value;
        try {
            value = Integer.parseInt(token);
        } catch (NumberFormatException e) {
            if (classNames == null) {
                return; // a class name: resolved once the classes are known
            }
            value = indexOf(token, classNames);
            if (value < 0) {
                throw new InvalidSettingsException(SETTING + "region \"" + region + "\": " + what + " \"" + token
                    + "\" is neither a class number nor one of the class names " + classNames.subList(1,
                        classNames.size()));
            }
        }
        if (value == 0) {
            throw new InvalidSettingsException(SETTING + "region \"" + region + "\" contains background (class 0"
                + (token.equals("0") ? "" : ", \"" + token + "\"") + "); a region is a set of foreground classes");
        }
        if (value < 0) {
            throw new InvalidSettingsException(SETTING + "region \"" + region + "\": " + what + " " + value
                + " is not a foreground class (1, 2, ...)");
        }
    }

    /** Exact match first, then ignoring case, as the engine resolves class names; -1 when absent. */
    private static int indexOf(final String token, final List<String> classNames) {
        int exact = classNames.indexOf(token);
        if (exact >= 0) {
            return exact;
        }
        for (int i = 0; i < classNames.size(); i++) {
            if (classNames.get(i).equalsIgnoreCase(token)) {
                return i;
            }
        }
        return -1;
    }
}
