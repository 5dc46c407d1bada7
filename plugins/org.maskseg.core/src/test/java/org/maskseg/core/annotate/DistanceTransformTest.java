package org.maskseg.core.annotate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.maskseg.core.image.DistanceTransform;

class DistanceTransformTest {

    /** Brute force: minimum over all features of the squared anisotropic distance. */
    private static double[] bruteForce(boolean[] feature, int[] size, double[] spacing) {
        int n = feature.length;
        double[] out = new double[n];
        int[] p = new int[size.length];
        int[] q = new int[size.length];
        for (int i = 0; i < n; i++) {
            SparseAnnotation.unravel(i, size, p);
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (!feature[j]) {
                    continue;
                }
                SparseAnnotation.unravel(j, size, q);
                double s = 0;
                for (int d = 0; d < size.length; d++) {
                    double dd = (p[d] - q[d]) * spacing[d];
                    s += dd * dd;
                }
                best = Math.min(best, s);
            }
            out[i] = best;
        }
        return out;
    }

    @Test
    void singleFeatureIn1dGivesSquaredDistances() {
        boolean[] f = new boolean[6];
        f[2] = true;
        double[] d = DistanceTransform.squared(f, new int[] {6}, new double[] {0.5});
        assertArrayEquals(new double[] {1, 0.25, 0, 0.25, 1, 2.25}, d, 1e-12);
    }

    @Test
    void matchesBruteForceOnRandom2dAnd3dMasksWithAnisotropicSpacing() {
        Random rnd = new Random(7);
        int[][] sizes = {{9, 7}, {1, 13}, {6, 5, 4}, {11, 3, 2}};
        double[][] spacings = {{1, 1}, {0.7, 2.5}, {1, 1, 3}, {0.3, 1.1, 2}};
        for (int t = 0; t < sizes.length; t++) {
            int n = 1;
            for (int s : sizes[t]) {
                n *= s;
            }
            for (double density : new double[] {0.02, 0.2, 0.6}) {
                boolean[] f = new boolean[n];
                for (int i = 0; i < n; i++) {
                    f[i] = rnd.nextDouble() < density;
                }
                f[rnd.nextInt(n)] = true;
                assertArrayEquals(bruteForce(f, sizes[t], spacings[t]),
                        DistanceTransform.squared(f, sizes[t], spacings[t]), 1e-9, "case " + t + " density " + density);
            }
        }
    }

    @Test
    void withoutFeaturesEverythingIsInfinite() {
        double[] d = DistanceTransform.squared(new boolean[12], new int[] {4, 3}, new double[] {1, 1});
        for (double v : d) {
            assertEquals(Double.POSITIVE_INFINITY, v);
        }
    }

    @Test
    void largeVolumeWithOneFeatureHasExactCornerDistance() {
        int[] size = {200, 150, 40};
        boolean[] f = new boolean[200 * 150 * 40];
        f[0] = true;
        double[] d = DistanceTransform.squared(f, size, new double[] {0.5, 0.5, 2});
        double dx = 199 * 0.5;
        double dy = 149 * 0.5;
        double dz = 39 * 2.0;
        assertEquals(dx * dx + dy * dy + dz * dz, d[d.length - 1], 1e-6);
    }
}
