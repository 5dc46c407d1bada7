package org.maskseg.core.labels;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;

/**
 * What one case's labels say about each class, beyond the ignore value: which foreground classes were
 * annotated at all (every other class is unknown everywhere in the case), and, per class, a mask of voxels
 * where that class is unknown. A voxel's label of 0 then means "none of the classes known here".
 * <p>
 * {@link #encode} turns canonical labels into the codes of {@link LabelCodes}.
 */
public final class ClassKnowledge {

    private static final ClassKnowledge COMPLETE = new ClassKnowledge(null, Map.of());

    private final Set<Integer> annotatedClasses;
    private final Map<Integer, LabelVolume> unknownMasks;

    /**
     * @param annotatedClasses foreground classes annotated in this case, or null for all of them
     * @param unknownMasks     per foreground class, a mask (non-zero = unknown) of the label image's size
     */
    public ClassKnowledge(Set<Integer> annotatedClasses, Map<Integer, LabelVolume> unknownMasks) {
        this.annotatedClasses = annotatedClasses == null ? null
                : Collections.unmodifiableSet(new TreeSet<>(annotatedClasses));
        this.unknownMasks = Collections.unmodifiableMap(new LinkedHashMap<>(
                Objects.requireNonNull(unknownMasks, "unknownMasks")));
    }

    /** Every class known wherever the voxel is annotated: plain labels. */
    public static ClassKnowledge complete() {
        return COMPLETE;
    }

    /** Only the given foreground classes were annotated in the case. */
    public static ClassKnowledge annotated(Set<Integer> classes) {
        return new ClassKnowledge(classes, Map.of());
    }

    /** Null when every class was annotated. */
    public Set<Integer> annotatedClasses() {
        return annotatedClasses;
    }

    public Map<Integer, LabelVolume> unknownMasks() {
        return unknownMasks;
    }

    /** True when nothing is unknown beyond the ignore value. */
    public boolean isComplete() {
        return annotatedClasses == null && unknownMasks.isEmpty();
    }

    /** The same knowledge with one more class's unknown mask (replacing an earlier one for that class). */
    public ClassKnowledge withUnknownMask(int foregroundClass, LabelVolume mask) {
        Map<Integer, LabelVolume> m = new LinkedHashMap<>(unknownMasks);
        m.put(foregroundClass, mask);
        return new ClassKnowledge(annotatedClasses, m);
    }

    /**
     * Codes the canonical labels of one case (classes 0..K-1, ignore = K) with this knowledge.
     *
     * @param canonical canonical labels, C-order like {@link LabelVolume#data()}; not modified
     * @param size      spatial size of the labels, x first
     * @param spec      the classes (names are used in messages)
     * @param caseName  for messages
     * @return a new array of {@link LabelCodes} values
     * @throws InvalidInputException for an unknown class, a mask of the wrong size, or a voxel labelled with a
     *                               class that is declared unknown there
     */
    public int[] encode(int[] canonical, long[] size, LabelSpec spec, String caseName) {
        int k = spec.numClasses();
        if (isComplete()) {
            return canonical.clone();
        }
        LabelCodes codes = new LabelCodes(k);
        if (!codes.supportsPartial()) {
            throw new InvalidInputException("case '" + caseName + "': partial labels support at most "
                    + LabelCodes.MAX_PARTIAL_FOREGROUND + " foreground classes, the labels have " + (k - 1));
        }
        int wholeCase = 0;
        if (annotatedClasses != null) {
            for (int c : annotatedClasses) {
                checkForeground(c, spec, caseName, "annotated class");
            }
            for (int c = 1; c < k; c++) {
                if (!annotatedClasses.contains(c)) {
                    wholeCase |= LabelCodes.bit(c);
                }
            }
        }
        int[][] masks = new int[unknownMasks.size()][];
        int[] maskBits = new int[unknownMasks.size()];
        int i = 0;
        for (Map.Entry<Integer, LabelVolume> e : unknownMasks.entrySet()) {
            int c = e.getKey();
            checkForeground(c, spec, caseName, "class with an unknown-region mask");
            LabelVolume mask = e.getValue();
            if (!Arrays.equals(mask.size(), size)) {
                throw new InvalidInputException("case '" + caseName + "': the unknown-region mask of class '"
                        + spec.classNames().get(c) + "' has size " + Arrays.toString(mask.size())
                        + ", the labels have size " + Arrays.toString(size));
            }
            masks[i] = mask.data();
            maskBits[i] = LabelCodes.bit(c);
            i++;
        }
        int[] out = new int[canonical.length];
        for (int v = 0; v < canonical.length; v++) {
            int label = canonical[v];
            int unknown = wholeCase;
            for (int m = 0; m < masks.length; m++) {
                if (masks[m][v] != 0) {
                    unknown |= maskBits[m];
                }
            }
            if (label == 0) {
                out[v] = codes.backgroundCode(unknown);
            } else if (label < k && (unknown & LabelCodes.bit(label)) != 0) {
                throw new InvalidInputException("case '" + caseName + "': voxel " + LabelSpec.position(size, v)
                        + " is labelled '" + spec.classNames().get(label) + "' (" + label + "), but that class is "
                        + (annotatedClasses != null && !annotatedClasses.contains(label)
                                ? "not among the case's annotated classes " + names(spec)
                                : "declared unknown there by its unknown-region mask"));
            } else {
                out[v] = label;
            }
        }
        return out;
    }

    private String names(LabelSpec spec) {
        StringBuilder sb = new StringBuilder("[");
        for (int c : annotatedClasses) {
            sb.append(sb.length() > 1 ? ", " : "").append(spec.classNames().get(c));
        }
        return sb.append("]").toString();
    }

    private static void checkForeground(int c, LabelSpec spec, String caseName, String what) {
        if (c < 1 || c >= spec.numClasses()) {
            throw new InvalidInputException("case '" + caseName + "': " + what + " " + c
                    + " is not a foreground class (1.." + (spec.numClasses() - 1) + ")");
        }
    }
}
