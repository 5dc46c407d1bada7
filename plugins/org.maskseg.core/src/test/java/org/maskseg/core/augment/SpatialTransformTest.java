package org.maskseg.core.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.maskseg.core.data.TestCases;
import org.maskseg.core.preprocess.TrainingCase;
import org.maskseg.core.sampling.PatchLocation;
import org.maskseg.core.sampling.PatchSampler;

class SpatialTransformTest {

    /** 4 x 4 case, image value 4y + x, labels 0..3 by quadrant-ish pattern. */
    private static TrainingCase square() {
        int[] labels = {
            0, 0, 1, 1,
            0, 2, 2, 1,
            3, 2, 0, 1,
            3, 3, 0, 0};
        return TestCases.indexed("square", new long[] {4, 4}, labels);
    }

    @Test
    void rotationByNinetyDegreesMatchesHandComputedArrays() {
        TrainingCase c = square();
        PatchBuffer out = PatchBuffer.allocate(1, new int[] {4, 4});
        SpatialTransform.extract(c, new PatchLocation(0, new int[] {0, 0}, -1, -1),
                SpatialTransform.matrix2d(Math.PI / 2, 1), out);
        // Output (x, y) reads source (3 - y, x): a quarter turn about the patch centre (1.5, 1.5).
        float[] expectedImage = {
            3, 7, 11, 15,
            2, 6, 10, 14,
            1, 5, 9, 13,
            0, 4, 8, 12};
        int[] expectedLabels = {
            1, 1, 1, 0,
            1, 2, 0, 0,
            0, 2, 2, 3,
            0, 0, 3, 3};
        assertArrayEquals(expectedImage, out.imageCopy(), 1e-5f);
        assertArrayEquals(expectedLabels, out.labelCopy());
    }

    @Test
    void quarterTurnAboutZInThreeDimensionsRotatesEverySlice() {
        int n = 4;
        int[] labels = new int[n * n * 2];
        int[] plane = {0, 0, 1, 1, 0, 2, 2, 1, 3, 2, 0, 1, 3, 3, 0, 0};
        System.arraycopy(plane, 0, labels, 0, 16);
        System.arraycopy(plane, 0, labels, 16, 16);
        TrainingCase c = TestCases.indexed("block", new long[] {4, 4, 2}, labels);
        PatchBuffer out = PatchBuffer.allocate(1, new int[] {4, 4, 2});
        SpatialTransform.extract(c, new PatchLocation(0, new int[] {0, 0, 0}, -1, -1),
                SpatialTransform.matrix3d(0, 0, Math.PI / 2, 1), out);
        float[] img = out.imageCopy();
        int[] lab = out.labelCopy();
        for (int z = 0; z < 2; z++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    int i = (z * 4 + y) * 4 + x;
                    assertEquals(z * 16 + x * 4 + 3 - y, img[i], 1e-5f);
                    assertEquals(plane[x * 4 + 3 - y], lab[i]);
                }
            }
        }
    }

    @Test
    void linearInterpolationReproducesLinearRampsExactly() {
        // Image 3x + 5y - 2z; any transform that stays inside the volume must read exactly the ramp value
        // at the mapped position.
        int n = 20;
        float[] image = new float[n * n * n];
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    image[(z * n + y) * n + x] = 3 * x + 5 * y - 2 * z;
                }
            }
        }
        TrainingCase c = TestCases.of("ramp", new long[] {n, n, n}, image, new int[n * n * n]);
        int[] p = {6, 5, 4};
        int[] start = {7, 8, 8};
        double[] m = SpatialTransform.matrix3d(0.3, -0.2, 0.5, 1.3);
        PatchBuffer out = PatchBuffer.allocate(1, p);
        SpatialTransform.extract(c, new PatchLocation(0, start, -1, -1), m, out);
        float[] img = out.imageCopy();
        for (int z = 0; z < p[2]; z++) {
            for (int y = 0; y < p[1]; y++) {
                for (int x = 0; x < p[0]; x++) {
                    double[] d = {x - 2.5, y - 2, z - 1.5};
                    double sx = start[0] + 2.5 + m[0] * d[0] + m[1] * d[1] + m[2] * d[2];
                    double sy = start[1] + 2 + m[3] * d[0] + m[4] * d[1] + m[5] * d[2];
                    double sz = start[2] + 1.5 + m[6] * d[0] + m[7] * d[1] + m[8] * d[2];
                    assertEquals(3 * sx + 5 * sy - 2 * sz, img[(z * p[1] + y) * p[0] + x], 1e-3);
                }
            }
        }
    }

    @Test
    void borderSamplesTreatOutsideAsZero() {
        // A constant image of 1: half a voxel beyond the edge, linear interpolation mixes 1 and the
        // outside 0 equally.
        float[] image = new float[16];
        java.util.Arrays.fill(image, 1);
        TrainingCase c = TestCases.of("ones", new long[] {4, 4}, image, new int[16]);
        PatchBuffer out = PatchBuffer.allocate(1, new int[] {3, 1});
        // Patch centre x = 3 (start 2, size 3); offsets -1, 0, 1 scaled by 0.5 read x = 2.5, 3, 3.5.
        SpatialTransform.extract(c, new PatchLocation(0, new int[] {2, 1}, -1, -1), SpatialTransform.matrix2d(0, 0.5),
                out);
        assertArrayEquals(new float[] {1, 1, 0.5f}, out.imageCopy(), 1e-6f);
        PatchBuffer edge = PatchBuffer.allocate(1, new int[] {1, 1});
        SpatialTransform.extract(c, new PatchLocation(0, new int[] {3, 1}, -1, -1), SpatialTransform.matrix2d(0, 1),
                edge);
        assertEquals(1, edge.imageCopy()[0], 1e-6f);
    }

    @Test
    void rotatedAndScaledLabelsOnlyTakeSourceValuesAndKeepIgnore() {
        List<TrainingCase> cases = TestCases.nuclei(3, true);
        int[] patch = {96, 96};
        PatchSampler sampler = new PatchSampler(cases, patch, 2, 0.33);
        SpatialTransform spatial = new SpatialTransform(1, Math.PI, 1, 0.7, 1.4);
        SplittableRandom rng = new SplittableRandom(42);
        PatchBuffer out = PatchBuffer.allocate(1, patch);
        long ignoreVoxels = 0;
        for (int i = 0; i < 30; i++) {
            PatchLocation loc = sampler.sample(rng.nextInt(cases.size()), i % 3 == 0, rng);
            SpatialTransform.extract(cases.get(loc.caseIndex()), loc, spatial.drawMatrix(2, rng), out);
            for (int v : out.labelCopy()) {
                assertTrue(v == 0 || v == 1 || v == 2, "new label value " + v);
                ignoreVoxels += v == 2 ? 1 : 0;
            }
        }
        assertTrue(ignoreVoxels > 0);
        // An ignore-only neighbourhood stays ignore after any rotation: the centre of a patch inside the
        // ignore border of the first image.
        TrainingCase c = cases.get(0);
        PatchBuffer small = PatchBuffer.allocate(1, new int[] {9, 9});
        SpatialTransform.extract(c, new PatchLocation(0, new int[] {10, 10}, -1, -1),
                SpatialTransform.matrix2d(0.7, 1.2), small);
        assertTrue(java.util.Arrays.stream(small.labelCopy()).allMatch(v -> v == 2));
    }

    @Test
    void identityCopiesThePatchExactlyAlsoAcrossBorders() {
        int nx = 13, ny = 9, nz = 7;
        int[] labels = new int[nx * ny * nz];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 4;
        }
        TrainingCase c = TestCases.indexed("box", new long[] {nx, ny, nz}, labels);
        int[] p = {8, 6, 5};
        for (int[] start : new int[][] {{2, 1, 1}, {-3, 5, -2}, {9, -4, 4}}) {
            PatchBuffer copy = PatchBuffer.allocate(1, p);
            PatchBuffer identity = PatchBuffer.allocate(1, p);
            PatchLocation loc = new PatchLocation(0, start, -1, -1);
            SpatialTransform.extract(c, loc, null, copy);
            SpatialTransform.extract(c, loc, SpatialTransform.matrix3d(0, 0, 0, 1), identity);
            float[] img = copy.imageCopy();
            int[] lab = copy.labelCopy();
            for (int z = 0; z < p[2]; z++) {
                for (int y = 0; y < p[1]; y++) {
                    for (int x = 0; x < p[0]; x++) {
                        int sx = start[0] + x, sy = start[1] + y, sz = start[2] + z;
                        boolean in = sx >= 0 && sy >= 0 && sz >= 0 && sx < nx && sy < ny && sz < nz;
                        int src = (sz * ny + sy) * nx + sx;
                        int o = (z * p[1] + y) * p[0] + x;
                        assertEquals(in ? src : 0, img[o], 0f);
                        assertEquals(in ? labels[src] : 0, lab[o]);
                    }
                }
            }
            assertArrayEquals(img, identity.imageCopy(), 0f);
            assertArrayEquals(lab, identity.labelCopy());
        }
    }

    @Test
    void matchesAStraightforwardReferenceIncludingBorders() {
        SplittableRandom rng = new SplittableRandom(8);
        TrainingCase v = TestCases.volume("v", 18, 4); // two channels, labels 0..3
        TrainingCase slices = TestCases.volume("s", 15, 5);
        for (int t = 0; t < 16; t++) {
            boolean threeD = t % 2 == 0;
            int[] p = threeD ? new int[] {9, 7, 6} : new int[] {11, 8};
            int[] start = new int[p.length];
            for (int d = 0; d < p.length; d++) {
                start[d] = rng.nextInt(-8, 16);
            }
            double scale = 0.6 + rng.nextDouble();
            double[] m = threeD
                    ? SpatialTransform.matrix3d(rng.nextDouble() * 6, rng.nextDouble() * 6, rng.nextDouble() * 6, scale)
                    : SpatialTransform.matrix2d(rng.nextDouble() * 6, scale);
            if (t % 4 >= 2) {
                // Scaling without rotation takes the separable path.
                m = threeD ? SpatialTransform.matrix3dInPlane(0, scale) : SpatialTransform.matrix2d(0, scale);
            }
            TrainingCase c = threeD ? v : slices;
            int slice = threeD ? -1 : rng.nextInt(15);
            PatchBuffer out = PatchBuffer.allocate(2, p);
            SpatialTransform.extract(c, new PatchLocation(0, start, slice, -1), m, out);
            assertEqualsReference(c, start, slice, m, p, out);
        }
    }

    /** Per voxel: map, floor, weigh the in-bounds neighbours; nearest label or 0 outside. */
    private static void assertEqualsReference(TrainingCase c, int[] start, int slice, double[] m, int[] p,
            PatchBuffer out) {
        long[] size = c.labels().size();
        int nx = (int) size[0], ny = (int) size[1], nz = (int) size[2];
        int dims = p.length;
        int pz = dims == 3 ? p[2] : 1;
        float[] img = out.imageCopy();
        int[] lab = out.labelCopy();
        float[] src = c.image().data();
        int[] srcLab = c.labels().data();
        int vox = p[0] * p[1] * pz;
        for (int z = 0; z < pz; z++) {
            for (int y = 0; y < p[1]; y++) {
                for (int x = 0; x < p[0]; x++) {
                    double[] o = {x - (p[0] - 1) / 2.0, y - (p[1] - 1) / 2.0, dims == 3 ? z - (pz - 1) / 2.0 : 0};
                    double[] q = new double[3];
                    for (int r = 0; r < dims; r++) {
                        q[r] = start[r] + (p[r] - 1) / 2.0;
                        for (int k = 0; k < dims; k++) {
                            q[r] += m[r * dims + k] * o[k];
                        }
                    }
                    if (dims == 2) {
                        q[2] = slice;
                    }
                    int i = (z * p[1] + y) * p[0] + x;
                    int lx = (int) Math.floor(q[0] + 0.5), ly = (int) Math.floor(q[1] + 0.5);
                    int lz = (int) Math.floor(q[2] + 0.5);
                    boolean in = lx >= 0 && ly >= 0 && lz >= 0 && lx < nx && ly < ny && lz < nz;
                    assertEquals(in ? srcLab[(lz * ny + ly) * nx + lx] : 0, lab[i], "label at " + x + "," + y + "," + z);
                    for (int ch = 0; ch < 2; ch++) {
                        double sum = 0;
                        int x0 = (int) Math.floor(q[0]), y0 = (int) Math.floor(q[1]), z0 = (int) Math.floor(q[2]);
                        for (int dz = 0; dz < (dims == 3 ? 2 : 1); dz++) {
                            for (int dy = 0; dy < 2; dy++) {
                                for (int dx = 0; dx < 2; dx++) {
                                    int xx = x0 + dx, yy = y0 + dy, zz = z0 + dz;
                                    if (xx < 0 || yy < 0 || zz < 0 || xx >= nx || yy >= ny || zz >= nz) {
                                        continue;
                                    }
                                    double w = (dx == 0 ? 1 - (q[0] - x0) : q[0] - x0)
                                            * (dy == 0 ? 1 - (q[1] - y0) : q[1] - y0)
                                            * (dims == 2 ? 1 : dz == 0 ? 1 - (q[2] - z0) : q[2] - z0);
                                    sum += w * src[ch * nx * ny * nz + (zz * ny + yy) * nx + xx];
                                }
                            }
                        }
                        assertEquals(sum, img[ch * vox + i], 1e-4, "channel " + ch + " at " + x + "," + y + "," + z);
                    }
                }
            }
        }
    }
}
