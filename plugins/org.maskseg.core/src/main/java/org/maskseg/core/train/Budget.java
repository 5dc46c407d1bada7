package org.maskseg.core.train;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.maskseg.core.InvalidInputException;

/**
 * How much training the user gives: a wall-clock time ({@code 20m}, {@code 2h}, {@code 1h30m}, {@code 90s}) or a
 * number of training steps ({@code 5000steps}). With a budget the learning-rate schedule is fitted to it instead
 * of running nnU-Net's fixed number of epochs (see {@link BudgetSchedule}).
 *
 * @param time  the time, or null for a step budget
 * @param steps the steps, or 0 for a time budget
 */
public record Budget(Duration time, long steps) {

    private static final Pattern TIME = Pattern.compile("(?:(\\d+(?:\\.\\d+)?)h)?(?:(\\d+(?:\\.\\d+)?)m(?:in)?)?"
            + "(?:(\\d+(?:\\.\\d+)?)s)?");
    private static final Pattern STEPS = Pattern.compile("(\\d+)\\s*steps?");

    public Budget {
        if (time == null && steps <= 0 || time != null && steps != 0) {
            throw new IllegalArgumentException("a budget is either a positive time or a positive number of steps");
        }
        if (time != null && (time.isNegative() || time.isZero())) {
            throw new IllegalArgumentException("a time budget must be positive");
        }
    }

    public static Budget ofTime(Duration time) {
        return new Budget(time, 0);
    }

    public static Budget ofSteps(long steps) {
        return new Budget(null, steps);
    }

    public boolean isTime() {
        return time != null;
    }

    /**
     * Reads a budget: hours, minutes and seconds ({@code 2h}, {@code 20m}, {@code 1h30m}, {@code 45s},
     * {@code 1.5h}) or steps ({@code 5000steps}, {@code 5000 steps}).
     *
     * @throws InvalidInputException naming the value and the accepted forms
     */
    public static Budget parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Matcher steps = STEPS.matcher(t);
        if (steps.matches()) {
            long n;
            try {
                n = Long.parseLong(steps.group(1));
            } catch (NumberFormatException e) {
                throw refused(text, "too many steps");
            }
            if (n <= 0) {
                throw refused(text, "the number of steps must be positive");
            }
            return ofSteps(n);
        }
        Matcher m = TIME.matcher(t.replace(" ", ""));
        if (t.isEmpty() || !m.matches() || (m.group(1) == null && m.group(2) == null && m.group(3) == null)) {
            throw refused(text, "not a time or a number of steps");
        }
        double seconds = number(m.group(1)) * 3600 + number(m.group(2)) * 60 + number(m.group(3));
        if (!(seconds >= 1)) {
            throw refused(text, "the time must be at least one second");
        }
        if (seconds > 366 * 24 * 3600.0) {
            throw refused(text, "more than a year");
        }
        return ofTime(Duration.ofMillis(Math.round(seconds * 1000)));
    }

    private static double number(String s) {
        return s == null ? 0 : Double.parseDouble(s);
    }

    private static InvalidInputException refused(String text, String why) {
        return new InvalidInputException("budget '" + text + "': " + why + "; give a time such as 20m, 2h, 1h30m "
                + "or 90s, or a number of training steps such as 5000steps");
    }

    /** As the user would write it: {@code 1h30m}, {@code 20m}, {@code 5000 steps}. */
    @Override
    public String toString() {
        if (!isTime()) {
            return steps + " steps";
        }
        long s = time.toSeconds();
        StringBuilder b = new StringBuilder();
        if (s >= 3600) {
            b.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            b.append(s % 3600 / 60).append('m');
        }
        if (s % 60 != 0 || b.length() == 0) {
            b.append(s % 60).append('s');
        }
        return b.toString();
    }
}
