package org.maskseg.core.metrics;

import java.util.Arrays;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.RegionSet;

/**
 * How often each (reference value, predicted value) pair occurs among the annotated voxels of one case: a
 * confusion matrix. It lets a whole folder be evaluated in one pass when the number of classes is known only
 * after every file has been read; {@link #toMetrics(int)} then gives the per-class counts.
 */
public final class PairCounts {

    /** Label values above this are refused: they are almost always an undeclared ignore value such as 255. */
    public static final int MAX_CLASS_VALUE = 999;

    private final String name;
    private final long[][] pairs;
    private final long annotated;
    private final long voxels;

    private PairCounts(String name, long[][] pairs, long annotated, long voxels) {
        this.name = name;
        this.pairs = pairs;
        this.annotated = annotated;
        this.voxels = voxels;
    }

    /**
     * Counts the pairs over the voxels whose reference is not {@code ignoreValue}.
     *
     * @throws InvalidInputException if sizes differ or a value is negative or above {@link #MAX_CLASS_VALUE}
     *                               (other than the ignore value in the reference)
     */
    public static PairCounts count(String name, LabelVolume reference, LabelVolume prediction, int ignoreValue) {
        if (!Arrays.equals(reference.size(), prediction.size())) {
            throw new InvalidInputException("case '" + name + "': the prediction has size "
                    + Arrays.toString(prediction.size()) + " but the reference has size "
                    + Arrays.toString(reference.size()));
        }
        int[] ref = reference.data();
        int[] pred = prediction.data();
        int maxRef = checkRange(name, "reference", ref, ignoreValue);
        int maxPred = checkRange(name, "prediction", pred, null);
        int n = Math.max(maxRef, maxPred) + 1;
        long[][] pairs = new long[n][n];
        long annotated = 0;
        for (int i = 0; i < ref.length; i++) {
            if (ref[i] != ignoreValue) {
                pairs[ref[i]][pred[i]]++;
                annotated++;
            }
        }
        return new PairCounts(name, pairs, annotated, ref.length);
    }

    private static int checkRange(String name, String what, int[] values, Integer ignoreValue) {
        int max = 0;
        for (int v : values) {
            if (ignoreValue != null && v == ignoreValue) {
                continue;
            }
            if (v < 0 || v > MAX_CLASS_VALUE) {
                throw new InvalidInputException("case '" + name + "': the " + what + " contains the value " + v
                        + ", which is not a class value (0.." + MAX_CLASS_VALUE + ")"
                        + (ignoreValue == null ? "" : "; if it marks unannotated voxels, give it as the ignore label"));
            }
            max = Math.max(max, v);
        }
        return max;
    }

    public String name() {
        return name;
    }

    /** The largest class value seen in the reference (annotated voxels) or the prediction. */
    public int maxValue() {
        int max = 0;
        for (int r = 0; r < pairs.length; r++) {
            for (int p = 0; p < pairs.length; p++) {
                if (pairs[r][p] > 0) {
                    max = Math.max(max, Math.max(r, p));
                }
            }
        }
        return max;
    }

    /**
     * Per-class counts for classes 0..numClasses-1.
     *
     * @throws InvalidInputException if a value of this case is not below numClasses
     */
    public CaseMetrics toMetrics(int numClasses) {
        if (maxValue() >= numClasses) {
            throw new InvalidInputException("case '" + name + "' contains the value " + maxValue()
                    + " but there are only " + numClasses + " classes (0.." + (numClasses - 1) + ")");
        }
        long[] tp = new long[numClasses];
        long[] fp = new long[numClasses];
        long[] fn = new long[numClasses];
        for (int r = 0; r < pairs.length; r++) {
            for (int p = 0; p < pairs.length; p++) {
                long c = pairs[r][p];
                if (r == p) {
                    tp[r] += c;
                } else {
                    fn[r] += c;
                    fp[p] += c;
                }
            }
        }
        return new CaseMetrics(name, tp, fp, fn, annotated, voxels);
    }

    /**
     * Per-region counts of a region-based evaluation: reference and prediction values are classes, and a voxel
     * belongs to region r where its class is in the region's set. For region r, tp counts annotated voxels in
     * the region in both, fp those in the region only in the prediction, fn those only in the reference. The
     * result's index r is region r.
     *
     * @throws InvalidInputException if a value of this case is not one of the regions' classes
     */
    public CaseMetrics toRegionMetrics(RegionSet regions) {
        int k = regions.numClasses();
        if (maxValue() >= k) {
            throw new InvalidInputException("case '" + name + "' contains the value " + maxValue()
                    + " but the regions are defined over " + k + " classes (0.." + (k - 1) + ")");
        }
        int[] member = regions.classMemberships();
        int n = regions.size();
        long[] tp = new long[n];
        long[] fp = new long[n];
        long[] fn = new long[n];
        for (int a = 0; a < pairs.length; a++) {
            for (int b = 0; b < pairs.length; b++) {
                long c = pairs[a][b];
                if (c == 0) {
                    continue;
                }
                for (int r = 0; r < n; r++) {
                    boolean inRef = (member[a] & (1 << r)) != 0;
                    boolean inPred = (member[b] & (1 << r)) != 0;
                    if (inRef && inPred) {
                        tp[r] += c;
                    } else if (inPred) {
                        fp[r] += c;
                    } else if (inRef) {
                        fn[r] += c;
                    }
                }
            }
        }
        return new CaseMetrics(name, tp, fp, fn, annotated, voxels);
    }
}
