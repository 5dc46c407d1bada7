package org.maskseg.core.metrics;

import java.util.Arrays;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelSpec;

/**
 * Compares a predicted label image with a reference that may contain the ignore value, and with partial labels
 * classes unknown per case or region.
 */
public final class SegmentationMetrics {

    private SegmentationMetrics() {
    }

    /**
     * Counts tp/fp/fn per class over the annotated voxels of the reference (see {@link CaseMetrics}).
     *
     * @param name       case name used in messages and reports
     * @param reference  reference labels in the user's convention: classes and the ignore value of {@code spec}
     * @param prediction predicted classes 0..K-1, same size as the reference
     * @throws InvalidInputException if sizes differ or either image holds a value that is not allowed
     */
    public static CaseMetrics evaluate(String name, LabelVolume reference, LabelVolume prediction, LabelSpec spec) {
        if (!Arrays.equals(reference.size(), prediction.size())) {
            throw new InvalidInputException("case '" + name + "': the prediction has size "
                    + Arrays.toString(prediction.size()) + " but the reference has size "
                    + Arrays.toString(reference.size()));
        }
        int k = spec.numClasses();
        int ignore = spec.ignoreValue();
        int[] ref = reference.data();
        int[] pred = prediction.data();
        long[] tp = new long[k];
        long[] fp = new long[k];
        long[] fn = new long[k];
        long annotated = 0;
        for (int i = 0; i < ref.length; i++) {
            int p = pred[i];
            if (p < 0 || p >= k) {
                throw new InvalidInputException("case '" + name + "': the prediction has value " + p + " at voxel "
                        + position(reference.size(), i) + ", which is not a class (0.." + (k - 1) + ")");
            }
            int r = ref[i];
            if (r == ignore) {
                continue;
            }
            if (r < 0 || r >= k) {
                throw new InvalidInputException("case '" + name + "': the reference has value " + r + " at voxel "
                        + position(reference.size(), i) + ", which is neither a class (0.." + (k - 1)
                        + ") nor the ignore value " + ignore);
            }
            annotated++;
            if (r == p) {
                tp[r]++;
            } else {
                fn[r]++;
                fp[p]++;
            }
        }
        return new CaseMetrics(name, tp, fp, fn, annotated, ref.length);
    }

    /**
     * Counts tp/fp/fn per class where the reference knows that class. The reference's class knowledge (which
     * classes the case annotates, where classes are unknown) turns it into label codes; at a voxel of the
     * reference's background where some classes are unknown, a prediction of a known foreground class is a false
     * positive of that class, and nothing is counted for the unknown classes or for background. Voxels where
     * every foreground class is unknown count as not annotated.
     *
     * @throws InvalidInputException as {@link #evaluate(String, LabelVolume, LabelVolume, LabelSpec)}, and for a
     *                               reference voxel labelled with a class declared unknown there or a mask of
     *                               another size
     */
    public static CaseMetrics evaluate(String name, LabelVolume reference, LabelVolume prediction, LabelSpec spec,
            ClassKnowledge knowledge) {
        if (knowledge.isComplete()) {
            return evaluate(name, reference, prediction, spec);
        }
        if (!Arrays.equals(reference.size(), prediction.size())) {
            throw new InvalidInputException("case '" + name + "': the prediction has size "
                    + Arrays.toString(prediction.size()) + " but the reference has size "
                    + Arrays.toString(reference.size()));
        }
        int k = spec.numClasses();
        int[] codes = knowledge.encode(spec.toCanonical(reference), reference.size(), spec, name);
        int[] pred = prediction.data();
        long[] tp = new long[k];
        long[] fp = new long[k];
        long[] fn = new long[k];
        long annotated = 0;
        for (int i = 0; i < codes.length; i++) {
            int p = pred[i];
            if (p < 0 || p >= k) {
                throw new InvalidInputException("case '" + name + "': the prediction has value " + p + " at voxel "
                        + position(reference.size(), i) + ", which is not a class (0.." + (k - 1) + ")");
            }
            int r = codes[i];
            if (r == k) {
                continue;
            }
            annotated++;
            if (r > k) {
                // background or an unknown class: only a known foreground class is surely wrong
                if (p > 0 && ((r - k) & (1 << (p - 1))) == 0) {
                    fp[p]++;
                }
            } else if (r == p) {
                tp[r]++;
            } else {
                fn[r]++;
                fp[p]++;
            }
        }
        return new CaseMetrics(name, tp, fp, fn, annotated, codes.length);
    }

    private static String position(long[] size, int index) {
        StringBuilder sb = new StringBuilder("(");
        long rest = index;
        for (int d = 0; d < size.length; d++) {
            sb.append(d == 0 ? "" : ", ").append(rest % size[d]);
            rest /= size[d];
        }
        return sb.append(")").toString();
    }
}
