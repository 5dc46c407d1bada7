package org.maskseg.core.image;

import java.util.ArrayList;
import java.util.List;


/**
 * Connected components of the non-zero voxels of a 2D or 3D label volume, as used to treat every object
 * of a class (every nucleus, say) on its own. Components are numbered 1..n in the order of their first voxel
 * in memory order (x fastest); voxels outside every component get 0.
 */
public final class ConnectedComponents {

    private final int[] ids;
    private final int count;

    private ConnectedComponents(int[] ids, int count) {
        this.ids = ids;
        this.count = count;
    }

    /**
     * Labels the components of the voxels whose value is not 0.
     *
     * @param mask the volume; any non-zero value counts as inside (values are not told apart)
     * @param full true for full connectivity (8 neighbours in 2D, 26 in 3D: diagonal contact joins), false for
     *             face connectivity (4 in 2D, 6 in 3D)
     */
    public static ConnectedComponents of(LabelVolume mask, boolean full) {
        long[] size = mask.size();
        int d = size.length;
        int[] n = new int[d];
        int[] stride = new int[d];
        int s = 1;
        for (int a = 0; a < d; a++) {
            n[a] = Math.toIntExact(size[a]);
            stride[a] = s;
            s *= n[a];
        }
        int[][] offsets = neighbourOffsets(d, full);
        int[] in = mask.data();
        int[] ids = new int[in.length];
        int[] queue = new int[in.length];
        int[] pos = new int[d];
        int count = 0;
        for (int seed = 0; seed < in.length; seed++) {
            if (in[seed] == 0 || ids[seed] != 0) {
                continue;
            }
            int id = ++count;
            ids[seed] = id;
            int head = 0;
            int tail = 0;
            queue[tail++] = seed;
            while (head < tail) {
                int v = queue[head++];
                int rest = v;
                for (int a = 0; a < d; a++) {
                    pos[a] = rest % n[a];
                    rest /= n[a];
                }
                for (int[] o : offsets) {
                    int w = v;
                    boolean inside = true;
                    for (int a = 0; a < d && inside; a++) {
                        int p = pos[a] + o[a];
                        inside = p >= 0 && p < n[a];
                        w += o[a] * stride[a];
                    }
                    if (inside && in[w] != 0 && ids[w] == 0) {
                        ids[w] = id;
                        queue[tail++] = w;
                    }
                }
            }
        }
        return new ConnectedComponents(ids, count);
    }

    /** Number of components. */
    public int count() {
        return count;
    }

    /** Per voxel (memory order of the input), its component 1..count, or 0 outside. Not a copy. */
    public int[] ids() {
        return ids;
    }

    /** Voxels per component: element c is the size of component c (element 0 counts the voxels outside). */
    public long[] sizes() {
        long[] sizes = new long[count + 1];
        for (int id : ids) {
            sizes[id]++;
        }
        return sizes;
    }

    /**
     * Mean of {@code values} over each component.
     *
     * @param values one value per voxel, memory order of the input (e.g. one channel of an image)
     * @return element c is the mean over component c (element 0 the mean outside, NaN when empty)
     */
    public double[] means(float[] values) {
        if (values.length < ids.length) {
            throw new IllegalArgumentException(values.length + " values for " + ids.length + " voxels");
        }
        double[] sums = new double[count + 1];
        long[] sizes = new long[count + 1];
        for (int v = 0; v < ids.length; v++) {
            sums[ids[v]] += values[v];
            sizes[ids[v]]++;
        }
        for (int c = 0; c <= count; c++) {
            sums[c] = sizes[c] == 0 ? Double.NaN : sums[c] / sizes[c];
        }
        return sums;
    }

    /** The offsets (x first) of the neighbours of a voxel. */
    private static int[][] neighbourOffsets(int d, boolean full) {
        List<int[]> out = new ArrayList<>();
        int combos = (int) Math.pow(3, d);
        for (int k = 0; k < combos; k++) {
            int[] o = new int[d];
            int rest = k;
            int nonZero = 0;
            for (int a = 0; a < d; a++) {
                o[a] = rest % 3 - 1;
                rest /= 3;
                nonZero += o[a] != 0 ? 1 : 0;
            }
            if (nonZero > 0 && (full || nonZero == 1)) {
                out.add(o);
            }
        }
        return out.toArray(int[][]::new);
    }
}
