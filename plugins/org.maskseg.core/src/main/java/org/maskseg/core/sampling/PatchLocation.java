package org.maskseg.core.sampling;

import java.util.Arrays;

/**
 * Where one training patch is taken from: the case, the patch origin in the case's voxel grid (x first,
 * possibly negative or beyond the image, which means padding), and for 2D patches from 3D volumes the z
 * slice.
 *
 * @param caseIndex   index of the case in the sampler's case list
 * @param start       first voxel of the patch, x first; as many axes as the patch
 * @param slice       z slice for 2D patches taken from a 3D volume, otherwise -1
 * @param forcedClass the class the patch was forced to contain, or -1 for an unforced patch
 */
public record PatchLocation(int caseIndex, int[] start, int slice, int forcedClass) {

    public PatchLocation {
        start = start.clone();
    }

    @Override
    public int[] start() {
        return start.clone();
    }

    /** The patch centre in source coordinates for a patch of the given size: start + (size - 1) / 2. */
    public double[] centre(int[] patchSize) {
        double[] c = new double[start.length];
        for (int d = 0; d < c.length; d++) {
            c[d] = start[d] + (patchSize[d] - 1) / 2.0;
        }
        return c;
    }

    /**
     * The origin of a region of another size (typically larger, for spatial augmentation) around the same
     * centre as the patch; exact when the size difference is even, otherwise the region extends one voxel
     * further towards larger coordinates.
     */
    public int[] regionStart(int[] patchSize, int[] regionSize) {
        int[] r = new int[start.length];
        for (int d = 0; d < r.length; d++) {
            r[d] = start[d] + Math.floorDiv(patchSize[d] - regionSize[d], 2);
        }
        return r;
    }

    public boolean forced() {
        return forcedClass >= 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PatchLocation p && p.caseIndex == caseIndex && p.slice == slice
                && p.forcedClass == forcedClass && Arrays.equals(p.start, start);
    }

    @Override
    public int hashCode() {
        return (31 * caseIndex + slice) * 31 * 31 + forcedClass * 31 + Arrays.hashCode(start);
    }

    @Override
    public String toString() {
        return "PatchLocation[case=" + caseIndex + ", start=" + Arrays.toString(start)
                + (slice >= 0 ? ", slice=" + slice : "") + (forcedClass >= 0 ? ", class=" + forcedClass : "") + "]";
    }
}
