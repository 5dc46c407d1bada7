package org.maskseg.core.sampling;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.WeakHashMap;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelCodes;
import org.maskseg.core.preprocess.TrainingCase;

/**
 * Voxel positions of one case, per foreground class and for all annotated voxels, used to centre
 * patches. Labels may be partial-label codes ({@link LabelCodes}): a code above the ignore value is annotated
 * but never foreground, so forced-foreground patches are only centred on voxels labelled with their class. Large classes are subsampled (at most {@link #MAX_PER_CLASS} positions, but never fewer than
 * {@link #MIN_COVERAGE} of the class) with a fixed seed, so the index is the same on every run and
 * stays small for large volumes.
 * <p>
 * Positions are linear voxel indices into the C-order ([z,] y, x) label array, in ascending order, so
 * they are grouped by z slice; {@link #sliceGroups} exposes that grouping for slice-wise 2D training on
 * 3D volumes.
 */
public final class ClassLocations {

    /** Upper bound of stored positions per class (unless {@link #MIN_COVERAGE} asks for more). */
    public static final int MAX_PER_CLASS = 10_000;
    /** Share of a class's voxels that is always kept. */
    public static final double MIN_COVERAGE = 0.01;

    private static final long SUBSAMPLING_SEED = 0x5eed_1a6e1L;

    /** Keyed by label image identity ({@link LabelVolume} does not override equals). */
    private static final Map<LabelVolume, ClassLocations> CACHE = new WeakHashMap<>();

    private final int numClasses;
    private final int sliceSize;
    private final int[][] byClass;
    private final int[][] byClassGroups;
    private final int[] annotated;
    private final int[] annotatedGroups;
    private final boolean hasIgnore;

    private ClassLocations(int numClasses, int sliceSize, int[][] byClass, int[] annotated, boolean hasIgnore) {
        this.numClasses = numClasses;
        this.sliceSize = sliceSize;
        this.byClass = byClass;
        this.annotated = annotated;
        this.hasIgnore = hasIgnore;
        this.byClassGroups = new int[byClass.length][];
        for (int c = 0; c < byClass.length; c++) {
            byClassGroups[c] = groups(byClass[c], sliceSize);
        }
        this.annotatedGroups = groups(annotated, sliceSize);
    }

    /**
     * The index of a case, computed once per label image and number of classes and then shared (loaders
     * are often opened anew every epoch on the same cases). Held weakly: it goes when the labels go. The
     * label data must not change while the labels are in use for training.
     */
    public static ClassLocations cached(TrainingCase c, int numClasses) {
        synchronized (CACHE) {
            ClassLocations l = CACHE.get(c.labels());
            if (l != null && l.numClasses == numClasses) {
                return l;
            }
        }
        ClassLocations l = of(c, numClasses);
        synchronized (CACHE) {
            CACHE.put(c.labels(), l);
        }
        return l;
    }

    /**
     * Indexes a case with canonical labels or partial-label codes.
     *
     * @throws InvalidInputException if a label value is neither a class 0..K-1, the ignore value K nor a
     *                               partial-label code
     */
    public static ClassLocations of(TrainingCase c, int numClasses) {
        int[] labels = c.labels().data();
        long[] size = c.labels().size();
        int sliceSize = (int) (size[0] * size[1]);
        int ignore = numClasses;
        LabelCodes codes = new LabelCodes(numClasses);
        int[] counts = new int[numClasses + 1];
        for (int i = 0; i < labels.length; i++) {
            int v = labels[i];
            if (!codes.isValid(v)) {
                throw new InvalidInputException("case '" + c.name() + "': label value " + v + " at voxel "
                        + position(size, i) + " is neither a class (0.." + (numClasses - 1)
                        + "), the canonical ignore value " + ignore + " nor a partial-label code");
            }
            if (v <= ignore) {
                counts[v]++;
            }
        }
        boolean hasIgnore = counts[ignore] > 0;
        int annotatedCount = labels.length - counts[ignore];

        SplittableRandom rng = new SplittableRandom(SUBSAMPLING_SEED);
        int[][] byClass = new int[numClasses][];
        int[] remaining = new int[numClasses];
        int[] needed = new int[numClasses];
        byClass[0] = new int[0];
        for (int k = 1; k < numClasses; k++) {
            needed[k] = target(counts[k]);
            remaining[k] = counts[k];
            byClass[k] = new int[needed[k]];
        }
        int[] annotated = new int[hasIgnore ? target(annotatedCount) : 0];
        int annotatedNeeded = annotated.length;
        int annotatedRemaining = annotatedCount;
        int[] filled = new int[numClasses];
        int annotatedFilled = 0;
        // Selection sampling: voxel i of a class is kept with probability needed/remaining, which yields
        // exactly the target count, uniformly chosen, in ascending order.
        for (int i = 0; i < labels.length; i++) {
            int v = labels[i];
            if (v == ignore) {
                continue;
            }
            if (codes.isForeground(v)) {
                if (needed[v] > 0 && (needed[v] == remaining[v] || rng.nextInt(remaining[v]) < needed[v])) {
                    byClass[v][filled[v]++] = i;
                    needed[v]--;
                }
                remaining[v]--;
            }
            if (annotatedNeeded > 0) {
                if (annotatedNeeded == annotatedRemaining || rng.nextInt(annotatedRemaining) < annotatedNeeded) {
                    annotated[annotatedFilled++] = i;
                    annotatedNeeded--;
                }
                annotatedRemaining--;
            }
        }
        return new ClassLocations(numClasses, sliceSize, byClass, annotated, hasIgnore);
    }

    private static int target(int count) {
        int t = Math.min(MAX_PER_CLASS, count);
        return Math.min(count, Math.max(t, (int) Math.ceil(count * MIN_COVERAGE)));
    }

    private static int[] groups(int[] positions, int sliceSize) {
        int n = 0;
        for (int i = 0; i < positions.length; i++) {
            if (i == 0 || positions[i] / sliceSize != positions[i - 1] / sliceSize) {
                n++;
            }
        }
        int[] starts = new int[n + 1];
        int g = 0;
        for (int i = 0; i < positions.length; i++) {
            if (i == 0 || positions[i] / sliceSize != positions[i - 1] / sliceSize) {
                starts[g++] = i;
            }
        }
        starts[n] = positions.length;
        return starts;
    }

    static String position(long[] size, int index) {
        StringBuilder sb = new StringBuilder("(");
        long rest = index;
        for (int d = 0; d < size.length; d++) {
            sb.append(d == 0 ? "" : ", ").append(rest % size[d]);
            rest /= size[d];
        }
        return sb.append(')').toString();
    }

    public int numClasses() {
        return numClasses;
    }

    /** Whether the case has voxels with the ignore value. */
    public boolean hasIgnore() {
        return hasIgnore;
    }

    /** Foreground classes (1..K-1) with at least one voxel in this case, ascending. */
    public int[] presentClasses() {
        int n = 0;
        for (int k = 1; k < numClasses; k++) {
            n += byClass[k].length > 0 ? 1 : 0;
        }
        int[] r = new int[n];
        int i = 0;
        for (int k = 1; k < numClasses; k++) {
            if (byClass[k].length > 0) {
                r[i++] = k;
            }
        }
        return r;
    }

    /** Stored positions of foreground class k (linear voxel indices, ascending); empty for background. */
    public int[] classVoxels(int k) {
        return byClass[k].clone();
    }

    /** Stored positions of annotated voxels; empty when the case has no ignore voxels (all are annotated). */
    public int[] annotatedVoxels() {
        return annotated.clone();
    }

    int[] classVoxelsShared(int k) {
        return byClass[k];
    }

    int[] annotatedShared() {
        return annotated;
    }

    /**
     * Group boundaries of a position list by z slice: group g spans positions [starts[g], starts[g+1]).
     *
     * @param k a foreground class, or -1 for the annotated voxels
     */
    int[] sliceGroups(int k) {
        return k < 0 ? annotatedGroups : byClassGroups[k];
    }

    int sliceSize() {
        return sliceSize;
    }
}
