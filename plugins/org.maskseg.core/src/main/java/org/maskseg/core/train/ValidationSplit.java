package org.maskseg.core.train;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.maskseg.core.InvalidInputException;

/**
 * Splits cases into training and validation by case name, reproducibly for a seed and independent of
 * the order the cases were given in.
 *
 * @param training   names of the training cases, sorted
 * @param validation names of the validation cases, sorted; with a single case this is that case (it is
 *                   then validated on its own training data)
 */
public record ValidationSplit(List<String> training, List<String> validation) {

    public ValidationSplit {
        training = List.copyOf(training);
        validation = List.copyOf(validation);
    }

    /** True when validation cases are not trained on. */
    public boolean heldOut() {
        return Collections.disjoint(training, validation);
    }

    /**
     * A split chosen by the user: the named cases are validated, all others trained on.
     *
     * @param names      distinct case names
     * @param validation names of the validation cases, each one of {@code names}; at least one case must remain
     *                   for training
     */
    public static ValidationSplit explicit(List<String> names, Collection<String> validation) {
        Set<String> val = new TreeSet<>(validation);
        for (String v : val) {
            if (!names.contains(v)) {
                throw new InvalidInputException("validation case '" + v + "' is not among the cases");
            }
        }
        List<String> train = new ArrayList<>();
        for (String n : names) {
            if (!val.contains(n)) {
                train.add(n);
            }
        }
        if (val.isEmpty() || train.isEmpty()) {
            throw new InvalidInputException("an explicit validation set needs at least one validation case and one "
                    + "training case; got " + val.size() + " validation and " + train.size() + " training case(s)");
        }
        Collections.sort(train);
        return new ValidationSplit(train, new ArrayList<>(val));
    }

    /**
     * @param names    distinct case names
     * @param fraction share held out: round(fraction·n), clamped to 1..n-1 when n ≥ 2
     */
    public static ValidationSplit of(List<String> names, double fraction, long seed) {
        List<String> sorted = new ArrayList<>(names);
        Collections.sort(sorted);
        int n = sorted.size();
        if (n == 0) {
            throw new IllegalArgumentException("no cases");
        }
        if (n == 1) {
            return new ValidationSplit(sorted, sorted);
        }
        int nVal = (int) Math.max(1, Math.min(n - 1, Math.round(fraction * n)));
        List<String> shuffled = new ArrayList<>(sorted);
        Collections.shuffle(shuffled, new Random(seed));
        List<String> val = new ArrayList<>(shuffled.subList(0, nVal));
        List<String> train = new ArrayList<>(shuffled.subList(nVal, n));
        Collections.sort(val);
        Collections.sort(train);
        return new ValidationSplit(train, val);
    }
}
