package org.maskseg.core.labels;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;

/**
 * What the values of a label image mean: classes 0..numClasses-1 (0 = background) and one ignore value
 * that marks voxels without annotation. The ignore value may be anything outside the class range
 * (-1, 255, or the nnU-Net convention numClasses); it is the user's own convention and is kept in files.
 * <p>
 * Internally the engine works on <em>canonical</em> labels, where the ignore value is always
 * {@link #canonicalIgnore()} = numClasses, the highest label, exactly as nnU-Net expects it.
 */
public final class LabelSpec {

    private final int numClasses;
    private final int ignoreValue;
    private final List<String> classNames;

    public LabelSpec(int numClasses, int ignoreValue, List<String> classNames) {
        if (numClasses < 2) {
            throw new InvalidInputException("at least two classes (background and one foreground) are needed, got "
                    + numClasses);
        }
        if (ignoreValue >= 0 && ignoreValue < numClasses) {
            throw new InvalidInputException("ignore value " + ignoreValue + " collides with class " + ignoreValue
                    + " (classes are 0.." + (numClasses - 1) + "); choose a value outside the class range, e.g. "
                    + numClasses + ", 255 or -1");
        }
        if (classNames != null && !classNames.isEmpty() && classNames.size() != numClasses) {
            throw new InvalidInputException(
                    classNames.size() + " class names given for " + numClasses + " classes");
        }
        this.numClasses = numClasses;
        this.ignoreValue = ignoreValue;
        List<String> names = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            names.add(classNames != null && !classNames.isEmpty() ? classNames.get(c)
                    : c == 0 ? "background" : "class " + c);
        }
        this.classNames = Collections.unmodifiableList(names);
    }

    /** Classes 0..numClasses-1 and the nnU-Net default ignore value (numClasses). */
    public static LabelSpec withDefaultIgnore(int numClasses) {
        return new LabelSpec(numClasses, numClasses, null);
    }

    /**
     * Derives the classes from label images: the class count is the largest value that is not the ignore
     * value, plus one. Without an explicit ignore value the data must not contain one yet, and the default
     * (highest class + 1) is used. Values far above the others are refused (see {@link LabelValues}).
     *
     * @param ignoreValue the user's ignore value, or null for the default
     */
    public static LabelSpec infer(Collection<LabelVolume> labels, Integer ignoreValue) {
        return infer(labels, ignoreValue, null);
    }

    /**
     * Like {@link #infer(Collection, Integer)} with a declared class count (e.g. from class names), which accepts
     * values far above the others as long as they are below it.
     *
     * @param declaredClasses the number of classes the user declared, or null
     */
    public static LabelSpec infer(Collection<LabelVolume> labels, Integer ignoreValue, Integer declaredClasses) {
        if (labels.isEmpty()) {
            throw new InvalidInputException("no label images given");
        }
        for (LabelVolume l : labels) {
            for (int v : l.data()) {
                if (v < 0 && (ignoreValue == null || v != ignoreValue)) {
                    throw negative(l.name(), v, ignoreValue);
                }
            }
        }
        return infer(LabelValues.count(labels), ignoreValue, declaredClasses);
    }

    /**
     * The classes of labels given by their voxels per value (see {@link LabelValues#count}).
     *
     * @param counts          voxels per value over all label images
     * @param ignoreValue     the user's ignore value, or null for the default
     * @param declaredClasses the number of classes the user declared, or null
     */
    public static LabelSpec infer(java.util.Map<Integer, Long> counts, Integer ignoreValue, Integer declaredClasses) {
        int max = Integer.MIN_VALUE;
        for (int v : counts.keySet()) {
            if (ignoreValue != null && v == ignoreValue) {
                continue;
            }
            if (v < 0) {
                throw negative("labels", v, ignoreValue);
            }
            max = Math.max(max, v);
        }
        if (max == Integer.MIN_VALUE) {
            throw new InvalidInputException("every voxel of every label image is the ignore value " + ignoreValue
                    + ": nothing is annotated, there is nothing to learn from");
        }
        LabelValues.checkNoFarValues(counts, ignoreValue, declaredClasses, "the label images");
        int numClasses = Math.max(2, max + 1);
        if (ignoreValue != null && ignoreValue >= 0 && ignoreValue < numClasses) {
            throw new InvalidInputException("ignore value " + ignoreValue + " lies inside the class range 0.." + max
                    + " found in the labels; it must be outside it (nnU-Net uses the highest label, "
                    + "other common choices are -1 and 255)");
        }
        return new LabelSpec(numClasses, ignoreValue == null ? numClasses : ignoreValue, null);
    }

    private static InvalidInputException negative(String name, int v, Integer ignoreValue) {
        return new InvalidInputException("labels '" + name + "': negative value " + v
                + (ignoreValue == null ? " (set the ignore value if it marks unannotated voxels)"
                        : " is neither a class nor the ignore value " + ignoreValue));
    }

    public int numClasses() {
        return numClasses;
    }

    /** The ignore value as written in the user's label files. */
    public int ignoreValue() {
        return ignoreValue;
    }

    /** The ignore value in canonical labels: numClasses. */
    public int canonicalIgnore() {
        return numClasses;
    }

    public List<String> classNames() {
        return classNames;
    }

    public boolean isClass(int v) {
        return v >= 0 && v < numClasses;
    }

    /**
     * Checks that every value is a class or the ignore value; the message names the image, the value and
     * the first voxel where it occurs.
     */
    public void validate(LabelVolume labels) {
        int[] d = labels.data();
        for (int i = 0; i < d.length; i++) {
            int v = d[i];
            if (v != ignoreValue && !isClass(v)) {
                throw new InvalidInputException("labels '" + labels.name() + "': value " + v + " at voxel "
                        + position(labels.size(), i) + " is neither a class (0.." + (numClasses - 1)
                        + ") nor the ignore value " + ignoreValue);
            }
        }
    }

    /** Canonical copy of the labels: classes unchanged, the ignore value replaced by numClasses. */
    public int[] toCanonical(LabelVolume labels) {
        validate(labels);
        int[] d = labels.data();
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[i] == ignoreValue ? numClasses : d[i];
        }
        return out;
    }

    static String position(long[] size, long index) {
        StringBuilder sb = new StringBuilder("(");
        for (int d = 0; d < size.length; d++) {
            sb.append(d == 0 ? "" : ", ").append(index % size[d]);
            index /= size[d];
        }
        return sb.append(")").toString();
    }

    @Override
    public String toString() {
        return "LabelSpec[classes=" + classNames + ", ignore=" + ignoreValue + "]";
    }
}
