package org.maskseg.core.metrics;

import java.util.Arrays;

/**
 * Overlap counts and scores of one predicted case against its reference, per class.
 * <p>
 * Counts include only voxels whose reference is annotated (not the ignore value): for class c,
 * tp = reference c and prediction c, fp = reference another class and prediction c, fn = reference c and
 * prediction another class. Dice = 2tp / (2tp + fp + fn) and IoU = tp / (tp + fp + fn) are NaN when
 * tp + fp + fn = 0, i.e. when the class is absent from both reference and prediction in the annotated
 * region: there is nothing to score, and 0 or 1 would both bias averages.
 *
 * @param name               case name (usually the file name)
 * @param tp                 true positives per class
 * @param fp                 false positives per class
 * @param fn                 false negatives per class
 * @param annotatedVoxels    reference voxels that are not the ignore value
 * @param voxels             all voxels
 */
public record CaseMetrics(String name, long[] tp, long[] fp, long[] fn, long annotatedVoxels, long voxels) {

    public int numClasses() {
        return tp.length;
    }

    /** Dice of class c, NaN if the class is absent from reference and prediction. */
    public double dice(int c) {
        long denominator = 2 * tp[c] + fp[c] + fn[c];
        return denominator == 0 ? Double.NaN : 2.0 * tp[c] / denominator;
    }

    /** Intersection over union of class c, NaN if the class is absent from reference and prediction. */
    public double iou(int c) {
        long denominator = tp[c] + fp[c] + fn[c];
        return denominator == 0 ? Double.NaN : (double) tp[c] / denominator;
    }

    /** Share of the reference that is annotated (not the ignore value), in [0, 1]. */
    public double annotatedFraction() {
        return voxels == 0 ? 0 : (double) annotatedVoxels / voxels;
    }

    /** Mean Dice over the foreground classes 1..K-1, skipping NaN; NaN if every one is NaN. */
    public double meanForegroundDice() {
        double[] d = new double[numClasses() - 1];
        for (int c = 1; c < numClasses(); c++) {
            d[c - 1] = dice(c);
        }
        return NanMean.of(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CaseMetrics m && name.equals(m.name) && Arrays.equals(tp, m.tp) && Arrays.equals(fp, m.fp)
                && Arrays.equals(fn, m.fn) && annotatedVoxels == m.annotatedVoxels && voxels == m.voxels;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(tp);
    }

    @Override
    public String toString() {
        return "CaseMetrics[" + name + ", tp=" + Arrays.toString(tp) + ", fp=" + Arrays.toString(fp) + ", fn="
                + Arrays.toString(fn) + ", annotated=" + annotatedVoxels + "/" + voxels + "]";
    }
}
