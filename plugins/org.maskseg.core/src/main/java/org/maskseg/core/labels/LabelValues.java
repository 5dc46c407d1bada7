package org.maskseg.core.labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;

/**
 * How many classes label values imply, shared by every place that derives classes from label images (training,
 * planning, evaluation, annotation, the KNIME nodes).
 * <p>
 * The class count is the largest value that is not the ignore value, plus one. A value <em>far above</em> the
 * others is almost always an undeclared ignore value (255 in 0/1 masks) or a painting mistake (a stray 200 in
 * labels 0..2), and would silently build a network with hundreds of empty classes. Such values are refused with
 * the voxel count of every value unless the caller declares the classes. "Far" means: in the sorted values
 * (0 counted as present), a gap of more than {@link #MIN_FAR_GAP} - 1 absent values that is also larger than the
 * number of values below it (0..v). 0/1/255, 0/1/2/200 and 0/10 are refused; 0/1/2/5 and 0..20/30 are not.
 */
public final class LabelValues {

    /** Gaps of fewer absent values than this are never far (a few absent classes are common). */
    public static final int MIN_FAR_GAP = 8;

    private LabelValues() {
    }

    /** Voxels per value over the given label images. */
    public static SortedMap<Integer, Long> count(Iterable<LabelVolume> labels) {
        SortedMap<Integer, Long> counts = new TreeMap<>();
        for (LabelVolume l : labels) {
            add(counts, l);
        }
        return counts;
    }

    /** Adds the voxels per value of one label image to {@code counts}. */
    public static void add(Map<Integer, Long> counts, LabelVolume labels) {
        add(counts, labels.data());
    }

    /** Adds the voxels per value of some label values to {@code counts}. */
    public static void add(Map<Integer, Long> counts, int[] values) {
        if (values.length == 0) {
            return;
        }
        int[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int run = 1;
        for (int i = 1; i <= sorted.length; i++) {
            if (i < sorted.length && sorted[i] == sorted[i - 1]) {
                run++;
            } else {
                counts.merge(sorted[i - 1], (long) run, Long::sum);
                run = 1;
            }
        }
    }

    /**
     * The smallest value that lies far above the values below it, or null when there is none.
     *
     * @param values class values (not the ignore value), any order
     */
    public static Integer firstFarValue(Iterable<Integer> values) {
        java.util.TreeSet<Integer> sorted = new java.util.TreeSet<>();
        values.forEach(sorted::add);
        int previous = 0; // background is a class whether or not it occurs
        for (int v : sorted) {
            if (v <= previous) {
                continue;
            }
            long absent = (long) v - previous - 1;
            if (absent >= MIN_FAR_GAP && absent > previous + 1L) {
                return v;
            }
            previous = v;
        }
        return null;
    }

    /**
     * Refuses values far above the others (see the class comment) unless the classes are declared.
     *
     * @param counts          voxels per value (a negative count means unknown); the ignore value may be among them
     * @param ignoreValue     the declared ignore value, or null
     * @param declaredClasses the declared class count (class names, a model, an explicit count), or null: values
     *                        below it are classes however far apart they are
     * @param where           where the values were found, e.g. "the label images in 'labels'"
     * @throws InvalidInputException naming the far values, the voxels of every value and what to declare
     */
    public static void checkNoFarValues(Map<Integer, Long> counts, Integer ignoreValue, Integer declaredClasses,
            String where) {
        checkNoFarValues(counts, ignoreValue, declaredClasses, where, "--classes");
    }

    /**
     * Like {@link #checkNoFarValues(Map, Integer, Integer, String)}; {@code classesOption} is the option that
     * declares the classes where the values come from: "--classes" (names) or "--num-classes" (a count).
     */
    public static void checkNoFarValues(Map<Integer, Long> counts, Integer ignoreValue, Integer declaredClasses,
            String where, String classesOption) {
        if (declaredClasses != null) {
            return; // values at or above a declared class count are refused by the class checks themselves
        }
        List<Integer> classValues = new ArrayList<>();
        for (int v : new java.util.TreeSet<>(counts.keySet())) {
            if ((ignoreValue == null || v != ignoreValue) && v >= 0) {
                classValues.add(v);
            }
        }
        Integer far = firstFarValue(classValues);
        if (far == null) {
            return;
        }
        List<Integer> farValues = classValues.stream().filter(v -> v >= far).toList();
        int max = classValues.get(classValues.size() - 1);
        String which = farValues.size() == 1 ? "value " + far + " lies" : "values " + join(farValues) + " lie";
        throw new InvalidInputException(where + ": label " + which + " far above the others (voxels per value: "
                + histogram(counts) + "), which would make " + (max + 1) + " classes, most of them absent; if "
                + far + " marks unannotated voxels declare it as the ignore label (--ignore-label " + far
                + "), if these are all classes declare them (" + classesOption
                + (classesOption.equals("--classes") ? " with " + (max + 1) + " names" : " " + (max + 1))
                + "), otherwise correct the label files");
    }

    /** "0: 61,234, 1: 4,302, 255: 500" (at most 12 values shown). */
    static String histogram(Map<Integer, Long> counts) {
        List<String> parts = new ArrayList<>();
        int shown = 0;
        for (Map.Entry<Integer, Long> e : new TreeMap<>(counts).entrySet()) {
            if (shown++ == 12) {
                parts.add("... (" + counts.size() + " values)");
                break;
            }
            parts.add(e.getKey() + (e.getValue() < 0 ? "" : ": " + String.format(Locale.ROOT, "%,d", e.getValue())));
        }
        return String.join(", ", parts);
    }

    private static String join(List<Integer> values) {
        List<String> s = values.stream().limit(8).map(String::valueOf).toList();
        return String.join(", ", s) + (values.size() > 8 ? ", ..." : "");
    }
}
