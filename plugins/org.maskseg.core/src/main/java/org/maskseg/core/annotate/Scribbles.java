package org.maskseg.core.annotate;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.maskseg.core.image.DistanceTransform;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.image.VolumeShapes;
import org.maskseg.core.labels.LabelSpec;

/**
 * Simulated scribble annotation in the spirit of ScribbleBench: on each annotated 2D slice, every class
 * present in the slice (background included) receives
 * <ul>
 * <li>one <b>interior scribble</b>: a path through the middle of one of its regions (a connected
 * component chosen with probability proportional to its area). The path runs inside the region's core,
 * the pixels at least half the region's largest inscribed radius away from its edge, from a random core
 * pixel to a random pixel among the geodesically farthest ones, like a stroke along the region's
 * skeleton; and</li>
 * <li>one <b>boundary scribble</b>: a contiguous arc of the region's inner boundary (pixels of the class
 * next to another class) covering {@link ScribbleOptions#boundaryFraction()} of the boundary component
 * it lies on, if the class borders another class in this slice.</li>
 * </ul>
 * Strokes are {@link ScribbleOptions#thickness()} pixels wide and are clipped to their class region, so
 * a scribble never covers a pixel of another class or an ignored pixel. Everything not scribbled becomes
 * ignore. Distances and connectivity are in pixels (8-connected paths).
 */
public final class Scribbles {

    private static final int[] DX8 = {1, -1, 0, 0, 1, 1, -1, -1};
    private static final int[] DY8 = {0, 0, 1, -1, 1, -1, 1, -1};

    private Scribbles() {
    }

    /** Scribbles on the dense labels, deterministic for a given seed. */
    public static LabelVolume scribbles(LabelVolume labels, LabelSpec spec, ScribbleOptions options, long seed) {
        spec.validate(labels);
        int[] size = LabelMasking.intSize(labels);
        long[] strides = VolumeShapes.strides(labels.size());
        int axis;
        int u;
        int v;
        boolean[] chosen;
        if (size.length == 2) {
            axis = -1;
            u = 0;
            v = 1;
            chosen = new boolean[] {true};
        } else {
            axis = options.axis() < 0 ? 2 : options.axis();
            u = axis == 0 ? 1 : 0;
            v = axis == 2 ? 1 : 2;
            chosen = SparseAnnotation.regularSlices(size[axis], options.sliceSpacing());
        }
        int w = size[u];
        int h = size[v];
        int su = (int) strides[u];
        int sv = (int) strides[v];
        int sa = axis < 0 ? 0 : (int) strides[axis];
        int[] in = labels.data();
        boolean[] keep = new boolean[in.length];
        int[] slice = new int[w * h];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int s = 0; s < chosen.length; s++) {
            if (!chosen[s]) {
                continue;
            }
            int base = s * sa;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    slice[y * w + x] = in[base + y * sv + x * su];
                }
            }
            boolean[] drawn = new SliceScribbler(slice, w, h, spec, options, rnd).draw();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (drawn[y * w + x]) {
                        keep[base + y * sv + x * su] = true;
                    }
                }
            }
        }
        return LabelMasking.keepWhere(labels, spec, keep, "scribbling");
    }

    /** Draws the scribbles of one 2D slice (x fastest). */
    private static final class SliceScribbler {
        private final int[] labels;
        private final int w;
        private final int h;
        private final LabelSpec spec;
        private final ScribbleOptions options;
        private final SplittableRandom rnd;
        private final boolean[] drawn;
        // work arrays reused across classes
        private final int[] component;
        private final int[] queue;
        private final int[] parent;
        private final int[] dist;

        SliceScribbler(int[] labels, int w, int h, LabelSpec spec, ScribbleOptions options, SplittableRandom rnd) {
            this.labels = labels;
            this.w = w;
            this.h = h;
            this.spec = spec;
            this.options = options;
            this.rnd = rnd;
            int n = w * h;
            this.drawn = new boolean[n];
            this.component = new int[n];
            this.queue = new int[n];
            this.parent = new int[n];
            this.dist = new int[n];
        }

        boolean[] draw() {
            boolean[] region = new boolean[w * h];
            for (int c = 0; c < spec.numClasses(); c++) {
                boolean present = false;
                for (int i = 0; i < region.length; i++) {
                    region[i] = labels[i] == c;
                    present |= region[i];
                }
                if (present) {
                    interior(region);
                    boundary(region, c);
                }
            }
            return drawn;
        }

        private void interior(boolean[] region) {
            // squared distance to the nearest pixel outside the region; the frame around the slice counts
            // as outside, so strokes also keep away from the image edge
            int pw = w + 2;
            boolean[] outside = new boolean[pw * (h + 2)];
            Arrays.fill(outside, true);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    outside[(y + 1) * pw + x + 1] = !region[y * w + x];
                }
            }
            double[] padded = DistanceTransform.squared(outside, new int[] {pw, h + 2}, new double[] {1, 1});
            double[] d2 = new double[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    d2[y * w + x] = padded[(y + 1) * pw + x + 1];
                }
            }
            int[] sizes = label(region);
            int k = pickWeighted(sizes);
            double max = 0;
            for (int i = 0; i < d2.length; i++) {
                if (component[i] == k) {
                    max = Math.max(max, d2[i]);
                }
            }
            // core: at least half the largest inscribed radius from the edge (d >= dmax/2 <=> d2 >= d2max/4)
            double threshold = Math.max(1, max / 4);
            boolean[] core = new boolean[d2.length];
            int coreCount = 0;
            for (int i = 0; i < d2.length; i++) {
                core[i] = component[i] == k && d2[i] >= threshold;
                coreCount += core[i] ? 1 : 0;
            }
            int start = nthTrue(core, rnd.nextInt(coreCount));
            int reached = bfs(core, start, Integer.MAX_VALUE);
            int far = dist[queue[reached - 1]];
            int minFar = (int) Math.ceil(0.75 * far);
            int first = 0;
            while (dist[queue[first]] < minFar) {
                first++;
            }
            int end = queue[first + rnd.nextInt(reached - first)];
            boolean[] path = new boolean[d2.length];
            for (int p = end; p != -1; p = parent[p]) {
                path[p] = true;
            }
            brush(path, region, 0, options.thickness() - 1);
        }

        private void boundary(boolean[] region, int c) {
            boolean[] edge = new boolean[w * h];
            boolean any = false;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    if (region[i] && (differentClass(x - 1, y, c) || differentClass(x + 1, y, c)
                            || differentClass(x, y - 1, c) || differentClass(x, y + 1, c))) {
                        edge[i] = true;
                        any = true;
                    }
                }
            }
            if (!any) {
                return; // the class borders no other class in this slice
            }
            int[] sizes = label(edge);
            int k = pickWeighted(sizes);
            boolean[] inComponent = new boolean[edge.length];
            for (int i = 0; i < edge.length; i++) {
                inComponent[i] = component[i] == k;
            }
            int start = nthTrue(inComponent, rnd.nextInt(sizes[k]));
            int length = (int) Math.max(1, Math.ceil(options.boundaryFraction() * sizes[k]));
            // the first pixels in breadth-first order from the start form a contiguous arc
            int taken = bfs(inComponent, start, length);
            boolean[] arc = new boolean[edge.length];
            for (int q = 0; q < taken; q++) {
                arc[queue[q]] = true;
            }
            // the arc lies on the region's edge, so a centred brush clipped to the region thickens it inwards
            brush(arc, region, -(options.thickness() - 1), options.thickness() - 1);
        }

        private boolean differentClass(int x, int y, int c) {
            if (x < 0 || y < 0 || x >= w || y >= h) {
                return false;
            }
            int v = labels[y * w + x];
            return v != c && spec.isClass(v);
        }

        /** Marks every region pixel covered by a square brush spanning offsets [from, to] at a stroke pixel. */
        private void brush(boolean[] stroke, boolean[] region, int from, int to) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (!stroke[y * w + x]) {
                        continue;
                    }
                    for (int dy = from; dy <= to; dy++) {
                        for (int dx = from; dx <= to; dx++) {
                            int xx = x + dx;
                            int yy = y + dy;
                            if (xx >= 0 && yy >= 0 && xx < w && yy < h && region[yy * w + xx]) {
                                drawn[yy * w + xx] = true;
                            }
                        }
                    }
                }
            }
        }

        /**
         * 8-connected components of {@code mask} into {@link #component} (0 = outside, 1.. = component);
         * returns the sizes indexed by component id (index 0 unused).
         */
        private int[] label(boolean[] mask) {
            Arrays.fill(component, 0);
            int[] sizes = new int[16];
            int next = 1;
            for (int i = 0; i < mask.length; i++) {
                if (!mask[i] || component[i] != 0) {
                    continue;
                }
                if (next == sizes.length) {
                    sizes = Arrays.copyOf(sizes, sizes.length * 2);
                }
                int head = 0;
                int tail = 0;
                queue[tail++] = i;
                component[i] = next;
                while (head < tail) {
                    int p = queue[head++];
                    int px = p % w;
                    int py = p / w;
                    for (int d = 0; d < 8; d++) {
                        int x = px + DX8[d];
                        int y = py + DY8[d];
                        if (x >= 0 && y >= 0 && x < w && y < h) {
                            int q = y * w + x;
                            if (mask[q] && component[q] == 0) {
                                component[q] = next;
                                queue[tail++] = q;
                            }
                        }
                    }
                }
                sizes[next++] = tail;
            }
            return Arrays.copyOf(sizes, next);
        }

        /** A component id drawn with probability proportional to its size. */
        private int pickWeighted(int[] sizes) {
            long total = 0;
            for (int k = 1; k < sizes.length; k++) {
                total += sizes[k];
            }
            long r = rnd.nextLong(total);
            for (int k = 1; k < sizes.length; k++) {
                r -= sizes[k];
                if (r < 0) {
                    return k;
                }
            }
            throw new IllegalStateException("no component to pick");
        }

        /**
         * Breadth-first search (8-connected) inside {@code mask} from {@code start}, stopping after
         * {@code limit} pixels; fills {@link #queue} in visiting order, {@link #dist} and {@link #parent}
         * (-1 at the start) and returns the number of pixels visited.
         */
        private int bfs(boolean[] mask, int start, int limit) {
            boolean[] seen = new boolean[mask.length];
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            seen[start] = true;
            parent[start] = -1;
            dist[start] = 0;
            while (head < tail && tail < limit) {
                int p = queue[head++];
                int px = p % w;
                int py = p / w;
                for (int d = 0; d < 8 && tail < limit; d++) {
                    int x = px + DX8[d];
                    int y = py + DY8[d];
                    if (x >= 0 && y >= 0 && x < w && y < h) {
                        int q = y * w + x;
                        if (mask[q] && !seen[q]) {
                            seen[q] = true;
                            parent[q] = p;
                            dist[q] = dist[p] + 1;
                            queue[tail++] = q;
                        }
                    }
                }
            }
            return tail;
        }

        private static int nthTrue(boolean[] mask, int n) {
            for (int i = 0; i < mask.length; i++) {
                if (mask[i] && n-- == 0) {
                    return i;
                }
            }
            throw new IllegalStateException("mask has fewer set pixels than requested");
        }
    }
}
