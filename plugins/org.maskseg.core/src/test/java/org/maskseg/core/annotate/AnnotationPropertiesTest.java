package org.maskseg.core.annotate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.Function;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** For random label volumes and settings, every operation keeps input values or writes the ignore value. */
class AnnotationPropertiesTest {

    private static LabelVolume randomLabels(long seed, int nx, int ny, int nz, int classes, int ignore) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        int[] d = new int[nx * ny * nz];
        // blocky labels so that regions and borders have some extent
        int block = 1 + r.nextInt(4);
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    long h = ((x / block) * 73856093L) ^ ((y / block) * 19349663L) ^ ((z / block) * 83492791L) ^ seed;
                    int v = (int) Math.floorMod(new java.util.SplittableRandom(h).nextLong(), classes + 1L);
                    d[(z * ny + y) * nx + x] = v == classes ? ignore : v;
                }
            }
        }
        return nz == 1 ? LabelVolume.wrap("p", d, new long[] {nx, ny}, new double[] {1, 0.5})
                : LabelVolume.wrap("p", d, new long[] {nx, ny, nz}, new double[] {1, 0.5, 2});
    }

    private static void check(LabelVolume in, LabelSpec spec, Function<LabelVolume, LabelVolume> op) {
        int[] before = in.data().clone();
        LabelVolume out;
        try {
            out = op.apply(in);
        } catch (InvalidInputException e) {
            // only allowed when nothing would stay annotated
            assertTrue(e.getMessage().contains("no annotated voxel") || e.getMessage().contains("nothing is annotated"),
                    e.getMessage());
            return;
        }
        assertArrayEquals(before, in.data(), "input modified");
        assertArrayEquals(in.size(), out.size());
        for (int i = 0; i < before.length; i++) {
            int o = out.data()[i];
            if (o != spec.ignoreValue()) {
                assertEquals(before[i], o, "voxel " + i);
            }
        }
        assertTrue(Arrays.stream(out.data()).anyMatch(v -> v != spec.ignoreValue()));
    }

    @Property(tries = 60, seed = "20261126")
    void everyOperationKeepsValuesOrIgnores(@ForAll long seed, @ForAll @IntRange(min = 2, max = 4) int classes,
            @ForAll @IntRange(min = 0, max = 2) int convention, @ForAll boolean threeD,
            @ForAll @IntRange(min = 1, max = 17) int nx, @ForAll @IntRange(min = 1, max = 13) int ny) {
        int ignore = convention == 0 ? -1 : convention == 1 ? 255 : classes;
        LabelSpec spec = new LabelSpec(classes, ignore, null);
        int nz = threeD ? 1 + (int) Math.floorMod(seed, 6) : 1;
        LabelVolume in = randomLabels(seed, nx, ny, nz, classes, ignore);
        boolean[] roi = new boolean[in.data().length];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < roi.length; i++) {
            roi[i] = r.nextBoolean();
        }
        float[] px = new float[roi.length];
        for (int i = 0; i < px.length; i++) {
            px[i] = r.nextInt(8) == 0 ? Float.NaN : r.nextInt(3);
        }
        ImageVolume image = ImageVolume.wrap("img", px, in.size(), 1, in.spacing());
        int axis = (int) Math.floorMod(seed, in.dims());
        check(in, spec, l -> IgnoreOperations.roi(l, spec, roi));
        check(in, spec, l -> IgnoreOperations.remap(l, spec, 1));
        check(in, spec, l -> IgnoreOperations.borderBand(l, spec, 1.5, false));
        check(in, spec, l -> IgnoreOperations.borderBand(l, spec, 1.2, true));
        check(in, spec, l -> IgnoreOperations.invalidVoxels(l, spec, image, 0.0, false));
        check(in, spec, l -> SparseAnnotation.everyNthSlice(l, spec, axis, 3));
        check(in, spec, l -> SparseAnnotation.randomSlices(l, spec, axis, 0.3, seed));
        check(in, spec, l -> SparseAnnotation.patches(l, spec, 4, 0.25, seed));
        check(in, spec, l -> Scribbles.scribbles(l, spec, ScribbleOptions.DEFAULT.withAxis(axis), seed));
        if (!threeD && Arrays.stream(in.data()).anyMatch(v -> v != ignore)) {
            // one slice: every class of the image receives a scribble
            LabelVolume s = Scribbles.scribbles(in, spec, ScribbleOptions.DEFAULT, seed);
            for (int c = 0; c < classes; c++) {
                int cls = c;
                assertEquals(Arrays.stream(in.data()).anyMatch(v -> v == cls),
                        Arrays.stream(s.data()).anyMatch(v -> v == cls), "class " + c);
            }
        }
    }
}
