package org.maskseg.core.postprocess;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.IntPredicate;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.evaluate.Scores;
import org.maskseg.core.image.ConnectedComponents;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.RegionSet;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * nnU-Net's postprocessing of predicted label maps: keep only the largest connected component (full connectivity)
 * of all foreground classes together, then of single classes; everything removed becomes background. Which of these
 * steps a model uses is decided on the predictions of its validation cases ({@link #decide}), so a step is kept
 * only where it raises the Dice there.
 *
 * @param largestForeground keep only the largest component of the foreground (all classes together)
 * @param largestOfClasses  foreground classes of which only the largest component is kept, ascending
 */
public record Postprocessing(boolean largestForeground, List<Integer> largestOfClasses) {

    /** No postprocessing. */
    public static final Postprocessing NONE = new Postprocessing(false, List.of());

    public Postprocessing {
        TreeSet<Integer> sorted = new TreeSet<>();
        for (Integer c : largestOfClasses) {
            if (c == null || c < 1) {
                throw new InvalidInputException("postprocessing: classes must be foreground classes (1 or more), got "
                        + c);
            }
            sorted.add(c);
        }
        largestOfClasses = List.copyOf(sorted);
    }

    @JsonIgnore
    public boolean isNone() {
        return !largestForeground && largestOfClasses.isEmpty();
    }

    /** The label map with the postprocessing applied (a new volume; the input is not changed). */
    public LabelVolume apply(LabelVolume labels) {
        if (isNone()) {
            return labels;
        }
        int[] v = labels.data().clone();
        if (largestForeground) {
            keepLargest(v, labels, c -> c != 0);
        }
        for (int cls : largestOfClasses) {
            keepLargest(v, labels, c -> c == cls);
        }
        return LabelVolume.wrap(labels.name(), v, labels.size(), labels.spacing());
    }

    /** Sets every voxel of the selected values outside their largest component to background. */
    private static void keepLargest(int[] v, LabelVolume shape, IntPredicate selected) {
        int[] mask = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            mask[i] = selected.test(v[i]) ? 1 : 0;
        }
        LabelVolume selection = LabelVolume.wrap("mask", mask, shape.size(), shape.spacing());
        ConnectedComponents cc = ConnectedComponents.of(selection, true);
        if (cc.count() < 2) {
            return;
        }
        long[] sizes = cc.sizes();
        int largest = 1;
        for (int c = 2; c < sizes.length; c++) {
            if (sizes[c] > sizes[largest]) {
                largest = c;
            }
        }
        int[] ids = cc.ids();
        for (int i = 0; i < v.length; i++) {
            if (ids[i] != 0 && ids[i] != largest) {
                v[i] = 0;
            }
        }
    }

    /** For people: "largest component of the foreground and of class 2 (mitosis)", or "none". */
    public String describe(List<String> classNames) {
        List<String> parts = new ArrayList<>();
        if (largestForeground) {
            parts.add("the foreground");
        }
        for (int c : largestOfClasses) {
            parts.add("class " + c + (c < classNames.size() ? " (" + classNames.get(c) + ")" : ""));
        }
        return parts.isEmpty() ? "none" : "keep the largest component of " + String.join(" and of ", parts);
    }

    /**
     * What the postprocessing decision found: the choice, and the Dice of the validation cases without it and with
     * it.
     */
    public record Decision(Postprocessing choice, Scores before, Scores after) {

        /** One line per step for a log. */
        public String describe(List<String> classNames) {
            return String.format(Locale.ROOT, "postprocessing decided on %d validation case(s): %s (mean Dice %.4f "
                    + "-> %.4f)", before.cases().size(), choice.describe(classNames), before.meanDice(),
                    after.meanDice());
        }
    }

    /**
     * nnU-Net's decision on the predictions of validation cases (of one training, or pooled over the folds of a
     * cross-validation), scored where the references are annotated: keeping only the largest foreground component
     * is chosen when it raises the mean Dice over the foreground classes; then, on top of that choice, keeping only
     * the largest component of a class is chosen when it raises that class's Dice. Region-based models are not
     * postprocessed.
     *
     * @param knowledge the class knowledge of each reference, or null when all are fully annotated
     */
    public static Decision decide(List<String> names, List<LabelVolume> references, List<LabelVolume> predictions,
            LabelSpec labels, List<ClassKnowledge> knowledge) {
        Scores base = Scores.score(names, references, predictions, labels, RegionSet.none(), knowledge);
        Postprocessing choice = NONE;
        Scores current = base;
        Postprocessing foreground = new Postprocessing(true, List.of());
        Scores withForeground = score(foreground, names, references, predictions, labels, knowledge);
        if (withForeground.meanDice() > current.meanDice()) {
            choice = foreground;
            current = withForeground;
        }
        for (int c = 1; c < labels.numClasses(); c++) {
            List<Integer> classes = new ArrayList<>(choice.largestOfClasses());
            classes.add(c);
            Postprocessing candidate = new Postprocessing(choice.largestForeground(), classes);
            Scores s = score(candidate, names, references, predictions, labels, knowledge);
            // scores are per foreground class: class c is entry c - 1
            if (s.dice(c - 1) > current.dice(c - 1)) {
                choice = candidate;
                current = s;
            }
        }
        return new Decision(choice, base, current);
    }

    private static Scores score(Postprocessing p, List<String> names, List<LabelVolume> references,
            List<LabelVolume> predictions, LabelSpec labels, List<ClassKnowledge> knowledge) {
        List<LabelVolume> processed = new ArrayList<>();
        for (LabelVolume v : predictions) {
            processed.add(p.apply(v));
        }
        return Scores.score(names, references, processed, labels, RegionSet.none(), knowledge);
    }
}
