package org.maskseg.core.predict;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

import org.maskseg.core.InvalidInputException;

/**
 * One of {@code parts} disjoint shares of a set of cases, so that several jobs (e.g. the tasks of a batch
 * scheduler's array job) can predict one folder together. As in nnU-Net's {@code -part_id}/{@code -num_parts},
 * the cases are sorted by name and part {@code k} takes every {@code parts}-th case starting at position
 * {@code k}: the parts 0 … parts-1 together hold every case exactly once, and their sizes differ by at most
 * one.
 *
 * @param part  which share, 0 ≤ part &lt; parts
 * @param parts how many shares, at least 1
 */
public record CasePart(int part, int parts) {

    /** The whole set: one part. */
    public static final CasePart ALL = new CasePart(0, 1);

    public CasePart {
        if (parts < 1 || part < 0 || part >= parts) {
            throw new InvalidInputException("part " + part + "/" + parts + " does not exist: give K/N with N >= 1 "
                    + "and 0 <= K < N (parts are numbered from 0)");
        }
    }

    /**
     * Reads {@code K/N}, e.g. {@code 0/4} … {@code 3/4}.
     *
     * @param option the option or setting named in the error message
     */
    public static CasePart parse(String text, String option) {
        String t = text == null ? "" : text.trim();
        int slash = t.indexOf('/');
        try {
            if (slash > 0) {
                return new CasePart(Integer.parseInt(t.substring(0, slash).trim()),
                        Integer.parseInt(t.substring(slash + 1).trim()));
            }
        } catch (NumberFormatException e) {
            // reported below
        } catch (InvalidInputException e) {
            throw new InvalidInputException(option + " '" + t + "': " + e.getMessage());
        }
        throw new InvalidInputException(option + " '" + t + "' is not of the form K/N (e.g. 0/4: the first of "
                + "four parts, numbered from 0)");
    }

    /** True for the whole set. */
    public boolean isAll() {
        return parts == 1;
    }

    /**
     * The cases of this part, sorted by name.
     *
     * @param name the name of a case; names are distinct
     */
    public <T> List<T> select(List<T> cases, Function<T, String> name) {
        List<T> sorted = new ArrayList<>(cases);
        sorted.sort(Comparator.comparing(name));
        List<T> out = new ArrayList<>();
        for (int i = part; i < sorted.size(); i += parts) {
            out.add(sorted.get(i));
        }
        return out;
    }

    @Override
    public String toString() {
        return part + "/" + parts;
    }
}
