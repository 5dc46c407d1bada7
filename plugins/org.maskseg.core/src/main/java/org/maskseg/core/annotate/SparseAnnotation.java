package org.maskseg.core.annotate;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.image.VolumeShapes;
import org.maskseg.core.labels.LabelSpec;

/**
 * Simulated sparse annotation from dense labels: only what an annotator would have drawn stays, the
 * rest becomes ignore. Used to study how much annotation a model needs. Results follow the rules of
 * {@link IgnoreOperations}: a new volume, each voxel equal to the input or ignore, never all ignore.
 * Random choices depend only on the labels, the settings and the seed.
 * <p>
 * "Slices" are planes across {@code axis}: in 3D the default axis is z (axial slices); in 2D the
 * default axis is y, so a slice is one image row.
 * <p>
 * Scribbles are in {@link Scribbles}.
 */
public final class SparseAnnotation {

    private SparseAnnotation() {
    }

    /** The default slice axis: z for 3D volumes, y (rows) for 2D images. */
    public static int defaultAxis(LabelVolume labels) {
        return labels.dims() - 1;
    }

    /**
     * Every {@code every}-th slice across {@code axis} stays dense. The kept slices are centred in the
     * volume: they start at index ((n - 1) mod every) / 2, so that both ends have the same margin (up to
     * one slice).
     */
    public static LabelVolume everyNthSlice(LabelVolume labels, LabelSpec spec, int axis, int every) {
        spec.validate(labels);
        checkAxis(labels, axis);
        if (every < 1) {
            throw new InvalidInputException("slice interval must be at least 1, got " + every);
        }
        boolean[] chosen = regularSlices(Math.toIntExact(labels.size()[axis]), every);
        return keepSlices(labels, spec, axis, chosen, "keeping every " + every + "-th slice");
    }

    /**
     * A fraction of the slices across {@code axis}, chosen at random without repetition, stays dense:
     * round(fraction × n) slices, at least one.
     */
    public static LabelVolume randomSlices(LabelVolume labels, LabelSpec spec, int axis, double fraction, long seed) {
        spec.validate(labels);
        checkAxis(labels, axis);
        checkFraction(fraction, "slice fraction");
        int len = Math.toIntExact(labels.size()[axis]);
        int count = (int) Math.max(1, Math.min(len, Math.round(fraction * len)));
        int[] order = new int[len];
        for (int i = 0; i < len; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean[] chosen = new boolean[len];
        for (int i = 0; i < count; i++) { // partial Fisher-Yates shuffle
            int j = i + rnd.nextInt(len - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            chosen[order[i]] = true;
        }
        return keepSlices(labels, spec, axis, chosen, "keeping " + count + " random slices");
    }

    /**
     * Random dense patches (squares in 2D, cubes in 3D, each side {@code patchSize} voxels or the axis
     * length when smaller) stay dense until they cover at least {@code fraction} of the image. Each new
     * patch is centred on a voxel drawn uniformly among those not covered yet and shifted inside the
     * image, so patches spread over the image and the coverage exceeds the target by less than one patch.
     */
    public static LabelVolume patches(LabelVolume labels, LabelSpec spec, int patchSize, double fraction, long seed) {
        spec.validate(labels);
        checkFraction(fraction, "patch fraction");
        if (patchSize < 1) {
            throw new InvalidInputException("patch size must be at least 1 voxel, got " + patchSize);
        }
        int[] size = LabelMasking.intSize(labels);
        int n = labels.data().length;
        long target = (long) Math.ceil(fraction * n);
        boolean[] covered = new boolean[n];
        long coveredCount = 0;
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] pos = new int[size.length];
        int[] lo = new int[size.length];
        int[] hi = new int[size.length];
        while (coveredCount < target) {
            int centre = uncoveredVoxel(covered, n - coveredCount, rnd);
            unravel(centre, size, pos);
            for (int d = 0; d < size.length; d++) {
                int side = Math.min(patchSize, size[d]);
                lo[d] = Math.max(0, Math.min(pos[d] - side / 2, size[d] - side));
                hi[d] = lo[d] + side;
            }
            coveredCount += fillBox(covered, size, lo, hi);
        }
        return LabelMasking.keepWhere(labels, spec, covered,
                "keeping random " + patchSize + "-voxel patches covering " + fraction + " of the image");
    }

    /** Slices start, start + every, ... with start = ((len - 1) mod every) / 2: centred in the volume. */
    static boolean[] regularSlices(int len, int every) {
        boolean[] chosen = new boolean[len];
        for (int s = ((len - 1) % every) / 2; s < len; s += every) {
            chosen[s] = true;
        }
        return chosen;
    }

    /** A voxel drawn uniformly among the uncovered ones ({@code uncovered} of them, at least one). */
    private static int uncoveredVoxel(boolean[] covered, long uncovered, SplittableRandom rnd) {
        for (int attempt = 0; attempt < 32; attempt++) {
            int i = rnd.nextInt(covered.length);
            if (!covered[i]) {
                return i;
            }
        }
        // mostly covered: pick the k-th uncovered voxel directly
        long k = rnd.nextLong(uncovered);
        for (int i = 0; i < covered.length; i++) {
            if (!covered[i] && k-- == 0) {
                return i;
            }
        }
        throw new IllegalStateException("no uncovered voxel left");
    }

    /** Marks the box [lo, hi) and returns how many voxels were newly marked. */
    private static long fillBox(boolean[] mask, int[] size, int[] lo, int[] hi) {
        long added = 0;
        int nz = size.length == 3 ? size[2] : 1;
        int z0 = size.length == 3 ? lo[2] : 0;
        int z1 = size.length == 3 ? hi[2] : 1;
        for (int z = z0; z < Math.min(z1, nz); z++) {
            for (int y = lo[1]; y < hi[1]; y++) {
                int row = (z * size[1] + y) * size[0];
                for (int x = lo[0]; x < hi[0]; x++) {
                    if (!mask[row + x]) {
                        mask[row + x] = true;
                        added++;
                    }
                }
            }
        }
        return added;
    }

    private static LabelVolume keepSlices(LabelVolume labels, LabelSpec spec, int axis, boolean[] chosen, String op) {
        long[] strides = VolumeShapes.strides(labels.size());
        int stride = Math.toIntExact(strides[axis]);
        int len = chosen.length;
        boolean[] keep = new boolean[labels.data().length];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = chosen[(i / stride) % len];
        }
        return LabelMasking.keepWhere(labels, spec, keep, op);
    }

    static void unravel(int index, int[] size, int[] pos) {
        for (int d = 0; d < size.length; d++) {
            pos[d] = index % size[d];
            index /= size[d];
        }
    }

    static void checkAxis(LabelVolume labels, int axis) {
        if (axis < 0 || axis >= labels.dims()) {
            throw new InvalidInputException("slice axis " + axis + " does not exist in labels '" + labels.name()
                    + "' with " + labels.dims() + " axes " + Arrays.toString(labels.size())
                    + " (0 = x, 1 = y, 2 = z)");
        }
    }

    static void checkFraction(double fraction, String what) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new InvalidInputException(what + " must be in (0, 1], got " + fraction);
        }
    }
}
