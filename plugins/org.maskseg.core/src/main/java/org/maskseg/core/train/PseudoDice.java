package org.maskseg.core.train;

import org.maskseg.core.labels.Targets;
import org.maskseg.core.labels.RegionSet;

/**
 * Accumulates nnU-Net's online validation metric over the batches of one epoch: per foreground class,
 * true positives, false positives and false negatives of the argmax prediction, counted only where the
 * reference is annotated (not the ignore value).
 * <p>
 * References may hold partial-label codes ({@code labels.LabelCodes}): a voxel coded K + m is "background or
 * one of the classes in bit mask m". Each class is scored only where it is known, so there a prediction of a
 * known foreground class (bit not set) is a false positive of that class, and nothing else is counted.
 */
public final class PseudoDice {

    private final int numClasses;
    private final long[] tp;
    private final long[] fp;
    private final long[] fn;
    private final RegionSet regions;
    private final int rows;
    private final float[] targets;
    private final float[] known;

    /** @param numClasses classes including background; the canonical ignore value is numClasses */
    public PseudoDice(int numClasses) {
        this.numClasses = numClasses;
        this.tp = new long[numClasses];
        this.fp = new long[numClasses];
        this.fn = new long[numClasses];
        this.regions = RegionSet.none();
        this.rows = 0;
        this.targets = null;
        this.known = null;
    }

    private PseudoDice(RegionSet regions) {
        int n = regions.size();
        this.numClasses = regions.numClasses();
        this.tp = new long[n];
        this.fp = new long[n];
        this.fn = new long[n];
        this.regions = regions;
        this.rows = regions.tableRows();
        this.targets = regions.targetTable();
        this.known = regions.knownTable();
    }

    /**
     * Scores per region of a region-based model instead: {@link #add} then takes as prediction of each voxel a
     * bit mask of the predicted regions (bit r ⇔ σ of region r &gt; 0.5), and a voxel counts for a region only
     * where the reference code makes the region's membership known (see {@link RegionSet#knownTable()}).
     */
    public static PseudoDice forRegions(RegionSet regions) {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("no regions");
        }
        return new PseudoDice(regions);
    }

    /** Per region for region-based targets, else per foreground class. */
    public static PseudoDice forTargets(Targets targets) {
        return targets.regionBased() ? forRegions(targets.regions()) : new PseudoDice(targets.numClasses());
    }

    /**
     * Adds one batch.
     *
     * @param predicted argmax classes per voxel
     * @param reference canonical labels (numClasses = ignore) or partial-label codes, same length
     */
    public void add(int[] predicted, int[] reference) {
        if (predicted.length != reference.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + reference.length + " labels");
        }
        if (!regions.isEmpty()) {
            addRegions(predicted, reference);
            return;
        }
        for (int i = 0; i < predicted.length; i++) {
            int r = reference[i];
            int p = predicted[i];
            if (r > numClasses) {
                int unknown = r - numClasses;
                if (p > 0 && p < numClasses && (unknown & (1 << (p - 1))) == 0) {
                    fp[p]++;
                }
                continue;
            }
            if (r < 0 || r == numClasses) {
                continue; // ignored voxel
            }
            if (p == r) {
                tp[p]++;
            } else {
                fp[p]++;
                fn[r]++;
            }
        }
    }

    private void addRegions(int[] predicted, int[] reference) {
        int n = regions.size();
        for (int i = 0; i < predicted.length; i++) {
            int v = reference[i];
            if (v < 0 || v >= rows) {
                throw new IllegalArgumentException("label code " + v + " outside 0.." + (rows - 1));
            }
            for (int r = 0; r < n; r++) {
                if (known[v * n + r] == 0) {
                    continue;
                }
                boolean t = targets[v * n + r] != 0;
                boolean p = (predicted[i] & (1 << r)) != 0;
                if (t && p) {
                    tp[r]++;
                } else if (p) {
                    fp[r]++;
                } else if (t) {
                    fn[r]++;
                }
            }
        }
    }

    /** Per region (in order), 2tp / (2tp + fp + fn), NaN when the denominator is 0. */
    private double[] perRegion() {
        double[] d = new double[tp.length];
        for (int r = 0; r < d.length; r++) {
            long den = 2 * tp[r] + fp[r] + fn[r];
            d[r] = den == 0 ? Double.NaN : 2.0 * tp[r] / den;
        }
        return d;
    }

    /**
     * Dice per foreground class 1..K-1 (or per region for regions): 2tp / (2tp + fp + fn), NaN when the
     * denominator is 0.
     */
    public double[] perClass() {
        if (!regions.isEmpty()) {
            return perRegion();
        }
        double[] d = new double[numClasses - 1];
        for (int c = 1; c < numClasses; c++) {
            long den = 2 * tp[c] + fp[c] + fn[c];
            d[c - 1] = den == 0 ? Double.NaN : 2.0 * tp[c] / den;
        }
        return d;
    }


    /**
     * nnU-Net's moving average: the first value is taken as is, then 0.9·previous + 0.1·current. A NaN
     * current value leaves the average unchanged.
     */
    public static double ema(double previous, double current) {
        if (Double.isNaN(current)) {
            return previous;
        }
        return Double.isNaN(previous) ? current : 0.9 * previous + 0.1 * current;
    }
}
