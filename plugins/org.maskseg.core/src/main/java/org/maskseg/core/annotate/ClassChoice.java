package org.maskseg.core.annotate;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.labels.LabelSpec;

/**
 * A class chosen by the user, written as its label value ({@code 2}), its name ({@code mito}, found in the class
 * names) or both ({@code mito=2}). The name, when known, names the class's unknown-region mask folder; otherwise
 * the value does.
 *
 * @param name  the class name, or null when only the value was given
 * @param value the label value, or null when only the name was given
 */
public record ClassChoice(String name, Integer value) {

    /** Characters a class name must not contain: they separate names in class-set files or paths. */
    private static final String FORBIDDEN = ";,=/\\";

    /** Parses "2", "mito" or "mito=2". */
    public static ClassChoice parse(String text) {
        String t = text.trim();
        int eq = t.indexOf('=');
        if (eq >= 0) {
            String name = t.substring(0, eq).trim();
            String value = t.substring(eq + 1).trim();
            checkName(name, "class '" + t + "'");
            return new ClassChoice(name, parseValue(value, t));
        }
        if (!t.isEmpty() && t.chars().allMatch(ch -> ch == '-' || Character.isDigit(ch))) {
            return new ClassChoice(null, parseValue(t, t));
        }
        checkName(t, "class '" + t + "'");
        return new ClassChoice(t, null);
    }

    private static int parseValue(String value, String text) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("class '" + text + "': '" + value + "' is not a label value; write the"
                    + " class as its value (2), its name (mito) or both (mito=2)");
        }
    }

    /** A name given alone must be among the class names; a value must not contradict them. */
    void checkNamed(List<String> classNames) {
        if (value == null && classNames.isEmpty()) {
            throw new InvalidInputException("class '" + name + "' is given by name, but no class names are set; give"
                    + " its label value as well (" + name + "=<value>) or the names of all classes");
        }
        if (value != null && value < 1) {
            throw new InvalidInputException("class " + value + " is not a foreground class; classes annotated only"
                    + " inside a region are 1 or higher (0 is background)");
        }
        if (!classNames.isEmpty()) {
            int index = name == null ? -1 : classNames.indexOf(name);
            if (value == null && index < 0) {
                throw new InvalidInputException("class '" + name + "' is not among the class names " + classNames);
            }
            if (value == null && index == 0) {
                throw new InvalidInputException("class '" + name + "' is the background (class 0); choose a"
                        + " foreground class");
            }
            if (value != null && index >= 0 && index != value) {
                throw new InvalidInputException("class '" + name + "=" + value + "' contradicts the class names, "
                        + "where '" + name + "' is class " + index);
            }
        }
    }

    /** The label value in a job with these classes. */
    public int resolve(LabelSpec spec, List<String> classNames) {
        checkNamed(classNames);
        int c = value != null ? value : classNames.indexOf(name);
        if (c >= spec.numClasses()) {
            throw new InvalidInputException("class " + c + " is not a class of the labels (0.."
                    + (spec.numClasses() - 1) + ")");
        }
        return c;
    }

    /**
     * The name for the class's mask folder and output column: the given name, else the class name from the list,
     * else the value.
     */
    public String displayName(List<String> classNames) {
        if (name != null) {
            return name;
        }
        return value < classNames.size() ? classNames.get(value) : Integer.toString(value);
    }

    /** Class names must be distinct, non-empty and free of separators. */
    static void checkNames(List<String> classNames) {
        Set<String> seen = new HashSet<>();
        for (String n : classNames) {
            checkName(n, "class names " + classNames);
            if (!seen.add(n)) {
                throw new InvalidInputException("class names " + classNames + " name '" + n + "' twice");
            }
        }
    }

    private static void checkName(String name, String where) {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException(where + ": a class name is empty");
        }
        if (!name.equals(name.trim())) {
            throw new InvalidInputException(where + ": class name '" + name + "' starts or ends with a space");
        }
        for (char ch : FORBIDDEN.toCharArray()) {
            if (name.indexOf(ch) >= 0) {
                throw new InvalidInputException(where + ": class name '" + name + "' contains '" + ch
                        + "'; names must not contain any of " + FORBIDDEN);
            }
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidInputException(where + ": '" + name + "' is not a usable class name");
        }
    }
}
