package org.maskseg.core.augment;

import java.util.random.RandomGenerator;

import org.maskseg.core.preprocess.TrainingCase;
import org.maskseg.core.sampling.PatchLocation;

/**
 * Random rotation and scaling around the patch centre, and the extraction of the patch itself.
 * <p>
 * The output patch is computed in one pass: for every output voxel p the source position is
 * {@code centre + M (p - h)} (h = patch centre, M = rotation times scale, x first). The image is read by
 * (bi/tri)linear interpolation, the labels at the nearest voxel, so labels only ever take values of
 * the source, and the ignore value survives. Positions outside the case read image 0 and label 0
 * (background: outside the image is trained as background, not ignored). The source is the whole case,
 * not an enlarged crop, so rotated corners see real image content wherever the case has it.
 * <p>
 * Without rotation or scaling (M = identity) the patch is a plain copy of the source region.
 */
public final class SpatialTransform {

    private final double rotationProbability;
    private final double maxRotation;
    private final double scalingProbability;
    private final double scaleMin;
    private final double scaleMax;
    private final boolean inPlane;

    /**
     * @param rotationProbability probability that a patch is rotated
     * @param maxRotation         maximal rotation angle in radians, per rotation axis (angles are uniform in
     *                            [-max, max]; 3D patches rotate about all three axes)
     * @param scalingProbability  probability that a patch is scaled (same factor on all axes)
     * @param scaleMin            smallest scale factor; factors below 1 enlarge the content (zoom in)
     * @param scaleMax            largest scale factor; factors above 1 shrink the content (zoom out)
     */
    public SpatialTransform(double rotationProbability, double maxRotation, double scalingProbability,
            double scaleMin, double scaleMax) {
        this(rotationProbability, maxRotation, scalingProbability, scaleMin, scaleMax, false);
    }

    /**
     * @param inPlane for 3D patches: rotate about z only and scale x and y only (anisotropic data)
     */
    public SpatialTransform(double rotationProbability, double maxRotation, double scalingProbability,
            double scaleMin, double scaleMax, boolean inPlane) {
        if (!(scaleMin > 0 && scaleMax >= scaleMin)) {
            throw new IllegalArgumentException("scale range " + scaleMin + ".." + scaleMax + " is not positive");
        }
        this.rotationProbability = rotationProbability;
        this.maxRotation = maxRotation;
        this.scalingProbability = scalingProbability;
        this.scaleMin = scaleMin;
        this.scaleMax = scaleMax;
        this.inPlane = inPlane;
    }

    /**
     * Draws the transform for one patch: a dims x dims matrix, row-major, mapping output offsets from the
     * patch centre to source offsets; null when the patch is neither rotated nor scaled.
     */
    public double[] drawMatrix(int dims, RandomGenerator rng) {
        boolean rotate = rng.nextDouble() < rotationProbability;
        boolean scale = rng.nextDouble() < scalingProbability;
        if (!rotate && !scale) {
            return null;
        }
        double[] angles = new double[dims == 2 || inPlane ? 1 : 3];
        if (rotate) {
            for (int i = 0; i < angles.length; i++) {
                angles[i] = RandomRanges.uniform(rng, -maxRotation, maxRotation);
            }
        }
        double s = scale ? RandomRanges.uniform(rng, scaleMin, scaleMax) : 1;
        if (dims == 2) {
            return matrix2d(angles[0], s);
        }
        return inPlane ? matrix3dInPlane(angles[0], s) : matrix3d(angles[0], angles[1], angles[2], s);
    }

    /** Rotation by {@code angle} (radians, from +x towards +y) times a uniform scale, row-major 2x2. */
    public static double[] matrix2d(double angle, double scale) {
        double c = Math.cos(angle) * scale;
        double s = Math.sin(angle) * scale;
        return new double[] {c, -s, s, c};
    }

    /** Rotation about z and scaling of x and y only, row-major 3x3: each z slice is transformed alike. */
    public static double[] matrix3dInPlane(double aboutZ, double scale) {
        double c = Math.cos(aboutZ) * scale;
        double s = Math.sin(aboutZ) * scale;
        return new double[] {c, -s, 0, s, c, 0, 0, 0, 1};
    }

    /** Rotation about z, then y, then x (Rx·Ry·Rz), times a uniform scale, row-major 3x3, x first. */
    public static double[] matrix3d(double aboutX, double aboutY, double aboutZ, double scale) {
        double cx = Math.cos(aboutX), sx = Math.sin(aboutX);
        double cy = Math.cos(aboutY), sy = Math.sin(aboutY);
        double cz = Math.cos(aboutZ), sz = Math.sin(aboutZ);
        double[] rx = {1, 0, 0, 0, cx, -sx, 0, sx, cx};
        double[] ry = {cy, 0, sy, 0, 1, 0, -sy, 0, cy};
        double[] rz = {cz, -sz, 0, sz, cz, 0, 0, 0, 1};
        double[] m = multiply(rx, multiply(ry, rz));
        for (int i = 0; i < 9; i++) {
            m[i] *= scale;
        }
        return m;
    }

    private static double[] multiply(double[] a, double[] b) {
        double[] r = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                r[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
            }
        }
        return r;
    }

    /**
     * Extracts the patch at {@code location} from the case into {@code out}, transformed by
     * {@code matrix} (null: plain copy). The patch size is {@code out.size()}; 2D patches of 3D cases
     * come from slice {@link PatchLocation#slice()}.
     */
    public static void extract(TrainingCase source, PatchLocation location, double[] matrix, PatchBuffer out) {
        Source src = Source.of(source, location, out);
        int[] start = location.start();
        if (matrix != null && isDiagonal(matrix, out.dims())) {
            resampleAxisAligned(src, start, matrix, out);
        } else if (out.dims() == 2) {
            if (matrix == null) {
                copy2d(src, start, out);
            } else {
                resample2d(src, start, matrix, out);
            }
        } else if (matrix == null) {
            copy3d(src, start, out);
        } else {
            resample3d(src, start, matrix, out);
        }
    }

    private static boolean isDiagonal(double[] m, int dims) {
        for (int r = 0; r < dims; r++) {
            for (int c = 0; c < dims; c++) {
                if (r != c && m[r * dims + c] != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Per-axis sampling table for a scaling without rotation: each output index reads two source
     * indices with two weights (an outside neighbour gets weight 0 and a valid index), and one nearest
     * index (-1 outside).
     */
    private static final class AxisTable {
        final int[] lo;
        final int[] hi;
        final float[] wLo;
        final float[] wHi;
        final int[] nearest;

        AxisTable(int outSize, int sourceSize, double centre, double scale) {
            lo = new int[outSize];
            hi = new int[outSize];
            wLo = new float[outSize];
            wHi = new float[outSize];
            nearest = new int[outSize];
            double h = (outSize - 1) / 2.0;
            for (int p = 0; p < outSize; p++) {
                double pos = centre + scale * (p - h);
                int i0 = (int) Math.floor(pos);
                double f = pos - i0;
                boolean in0 = i0 >= 0 && i0 < sourceSize;
                boolean in1 = i0 + 1 >= 0 && i0 + 1 < sourceSize;
                lo[p] = in0 ? i0 : 0;
                hi[p] = in1 ? i0 + 1 : 0;
                wLo[p] = in0 ? (float) (1 - f) : 0;
                wHi[p] = in1 ? (float) f : 0;
                int n = f >= 0.5 ? i0 + 1 : i0;
                nearest[p] = n >= 0 && n < sourceSize ? n : -1;
            }
        }
    }

    /**
     * Scaling without rotation (a diagonal matrix): the interpolation separates into per-axis tables,
     * so no coordinate arithmetic is left per voxel.
     */
    private static void resampleAxisAligned(Source s, int[] start, double[] m, PatchBuffer out) {
        int dims = out.dims();
        int px = out.size(0), py = out.size(1), pz = dims == 3 ? out.size(2) : 1;
        AxisTable tx = new AxisTable(px, s.nx, start[0] + (px - 1) / 2.0, m[0]);
        AxisTable ty = new AxisTable(py, s.ny, start[1] + (py - 1) / 2.0, m[dims + 1]);
        // A 2D patch reads one plane: a trivial z table (index 0, weight 1).
        AxisTable tz = dims == 3 ? new AxisTable(pz, s.nz, start[2] + (pz - 1) / 2.0, m[8])
                : new AxisTable(1, 1, 0, 1);
        float[] img = out.image();
        int[] lab = out.labels();
        float[] si = s.image;
        int[] sl = s.labels;
        int nx = s.nx, nxy = s.nx * s.ny, vox = out.voxels();
        for (int c = 0; c < out.channels(); c++) {
            int cb = s.base + c * s.channelStride;
            int ob = out.channelOffset(c);
            for (int z = 0; z < pz; z++) {
                int z0 = cb + tz.lo[z] * nxy, z1 = cb + tz.hi[z] * nxy;
                float wz0 = tz.wLo[z], wz1 = tz.wHi[z];
                for (int y = 0; y < py; y++) {
                    int r00 = z0 + ty.lo[y] * nx, r01 = z0 + ty.hi[y] * nx;
                    int r10 = z1 + ty.lo[y] * nx, r11 = z1 + ty.hi[y] * nx;
                    float w00 = wz0 * ty.wLo[y], w01 = wz0 * ty.wHi[y], w10 = wz1 * ty.wLo[y], w11 = wz1 * ty.wHi[y];
                    int o = ob + (z * py + y) * px;
                    for (int x = 0; x < px; x++) {
                        int a = tx.lo[x], b = tx.hi[x];
                        float wa = tx.wLo[x], wb = tx.wHi[x];
                        img[o + x] = w00 * (wa * si[r00 + a] + wb * si[r00 + b])
                                + w01 * (wa * si[r01 + a] + wb * si[r01 + b])
                                + w10 * (wa * si[r10 + a] + wb * si[r10 + b])
                                + w11 * (wa * si[r11 + a] + wb * si[r11 + b]);
                    }
                }
            }
        }
        for (int z = 0; z < pz; z++) {
            int nzi = tz.nearest[z];
            for (int y = 0; y < py; y++) {
                int nyi = ty.nearest[y];
                int o = out.labelOffset() + (z * py + y) * px;
                if (nzi < 0 || nyi < 0) {
                    java.util.Arrays.fill(lab, o, o + px, 0);
                    continue;
                }
                int row = s.base + nzi * nxy + nyi * nx;
                for (int x = 0; x < px; x++) {
                    int nxi = tx.nearest[x];
                    lab[o + x] = nxi < 0 ? 0 : sl[row + nxi];
                }
            }
        }
    }

    /** The source arrays seen as a (2D or 3D) grid with a channel stride. */
    private record Source(float[] image, int[] labels, int base, int channelStride, int nx, int ny, int nz) {

        static Source of(TrainingCase c, PatchLocation location, PatchBuffer out) {
            long[] size = c.labels().size();
            if (c.image().channels() != out.channels()) {
                throw new IllegalArgumentException("case '" + c.name() + "' has " + c.image().channels()
                        + " channels, the patch " + out.channels());
            }
            int nx = (int) size[0];
            int ny = (int) size[1];
            int nz = size.length == 3 ? (int) size[2] : 1;
            int base = 0;
            if (out.dims() == 2 && size.length == 3) {
                if (location.slice() < 0 || location.slice() >= nz) {
                    throw new IllegalArgumentException("slice " + location.slice() + " outside case '" + c.name()
                            + "' with " + nz + " slices");
                }
                base = location.slice() * nx * ny;
            } else if (out.dims() != size.length) {
                throw new IllegalArgumentException("a " + out.dims() + "D patch cannot come from the "
                        + size.length + "D case '" + c.name() + "'");
            }
            return new Source(c.image().data(), c.labels().data(), base, nx * ny * nz, nx, ny, nz);
        }
    }

    private static void copy2d(Source s, int[] start, PatchBuffer out) {
        int px = out.size(0), py = out.size(1), vox = out.voxels();
        float[] img = out.image();
        int[] lab = out.labels();
        int x0 = Math.max(0, -start[0]);
        int x1 = Math.min(px, s.nx - start[0]);
        for (int y = 0; y < py; y++) {
            int sy = start[1] + y;
            int row = y * px;
            boolean inside = sy >= 0 && sy < s.ny && x0 < x1;
            for (int c = 0; c < out.channels(); c++) {
                copyRow(s.image, inside ? s.base + c * s.channelStride + sy * s.nx + start[0] : 0, img,
                        out.imageOffset() + c * vox + row, px, inside ? x0 : px, inside ? x1 : px);
            }
            copyRow(s.labels, inside ? s.base + sy * s.nx + start[0] : 0, lab, out.labelOffset() + row, px,
                    inside ? x0 : px, inside ? x1 : px);
        }
    }

    private static void copy3d(Source s, int[] start, PatchBuffer out) {
        int px = out.size(0), py = out.size(1), pz = out.size(2), vox = out.voxels();
        float[] img = out.image();
        int[] lab = out.labels();
        int x0 = Math.max(0, -start[0]);
        int x1 = Math.min(px, s.nx - start[0]);
        for (int z = 0; z < pz; z++) {
            int sz = start[2] + z;
            for (int y = 0; y < py; y++) {
                int sy = start[1] + y;
                int row = (z * py + y) * px;
                boolean inside = sz >= 0 && sz < s.nz && sy >= 0 && sy < s.ny && x0 < x1;
                int srcRow = (sz * s.ny + sy) * s.nx + start[0];
                for (int c = 0; c < out.channels(); c++) {
                    copyRow(s.image, inside ? c * s.channelStride + srcRow : 0, img, out.imageOffset() + c * vox + row,
                            px, inside ? x0 : px, inside ? x1 : px);
                }
                copyRow(s.labels, inside ? srcRow : 0, lab, out.labelOffset() + row, px, inside ? x0 : px,
                        inside ? x1 : px);
            }
        }
    }

    /** Copies src[srcRow + x] for x in [x0, x1) to dst[dstRow + x], zero elsewhere in [0, n). */
    private static void copyRow(float[] src, int srcRow, float[] dst, int dstRow, int n, int x0, int x1) {
        java.util.Arrays.fill(dst, dstRow, dstRow + x0, 0f);
        if (x1 > x0) {
            System.arraycopy(src, srcRow + x0, dst, dstRow + x0, x1 - x0);
        }
        java.util.Arrays.fill(dst, dstRow + Math.max(x0, x1), dstRow + n, 0f);
    }

    private static void copyRow(int[] src, int srcRow, int[] dst, int dstRow, int n, int x0, int x1) {
        java.util.Arrays.fill(dst, dstRow, dstRow + x0, 0);
        if (x1 > x0) {
            System.arraycopy(src, srcRow + x0, dst, dstRow + x0, x1 - x0);
        }
        java.util.Arrays.fill(dst, dstRow + Math.max(x0, x1), dstRow + n, 0);
    }

    private static void resample2d(Source s, int[] start, double[] m, PatchBuffer out) {
        int px = out.size(0), py = out.size(1);
        double hx = (px - 1) / 2.0, hy = (py - 1) / 2.0;
        double ox = start[0] + hx, oy = start[1] + hy;
        int[] range = new int[2];
        for (int y = 0; y < py; y++) {
            double dy = y - hy;
            // Source position of x = 0 on this row; moving one voxel in x adds the matrix's first column.
            double bx = ox + m[1] * dy - m[0] * hx;
            double by = oy + m[3] * dy - m[2] * hx;
            range[0] = 0;
            range[1] = px;
            narrowToInside(bx, m[0], s.nx, range);
            narrowToInside(by, m[2], s.ny, range);
            int lo = Math.min(range[0], px), hi = Math.min(px, Math.max(lo, range[1]));
            int row = y * px;
            resampleRow2d(s, m, out, row, 0, lo, bx, by, true);
            resampleRow2d(s, m, out, row, lo, hi, bx, by, false);
            resampleRow2d(s, m, out, row, hi, px, bx, by, true);
        }
    }

    /**
     * Output voxels [x0, x1) of one row; (bx, by) is the source position of x = 0. Without
     * {@code checked} all four neighbours of every voxel must lie inside the source.
     */
    private static void resampleRow2d(Source s, double[] m, PatchBuffer out, int row, int x0, int x1, double bx,
            double by, boolean checked) {
        float[] img = out.image();
        int[] lab = out.labels();
        int vox = out.voxels(), channels = out.channels();
        int imgOff = out.imageOffset() + row, labOff = out.labelOffset() + row;
        float[] si = s.image;
        int[] sl = s.labels;
        int nx = s.nx, ny = s.ny, base = s.base, cs = s.channelStride;
        double m0 = m[0], m2 = m[2];
        for (int x = x0; x < x1; x++) {
            double sx = bx + m0 * x;
            double sy = by + m2 * x;
            int ix = (int) (sx + FLOOR_SHIFT) - FLOOR_SHIFT_INT;
            int iy = (int) (sy + FLOOR_SHIFT) - FLOOR_SHIFT_INT;
            double rx = sx - ix, ry = sy - iy;
            float fx = (float) rx;
            float fy = (float) ry;
            // Nearest voxel: floor(s + 0.5), derived from the floor already computed.
            int lx = rx >= 0.5 ? ix + 1 : ix;
            int ly = ry >= 0.5 ? iy + 1 : iy;
            if (!checked) {
                int i = base + iy * nx + ix;
                float w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy;
                for (int c = 0; c < channels; c++, i += cs) {
                    img[imgOff + c * vox + x] = w00 * si[i] + w10 * si[i + 1] + w01 * si[i + nx] + w11 * si[i + nx + 1];
                }
                lab[labOff + x] = sl[base + ly * nx + lx];
                continue;
            }
            for (int c = 0; c < channels; c++) {
                int cb = base + c * cs;
                float v = 0;
                for (int dyy = 0; dyy < 2; dyy++) {
                    int yy = iy + dyy;
                    if (yy < 0 || yy >= ny) {
                        continue;
                    }
                    float wy = dyy == 0 ? 1 - fy : fy;
                    for (int dxx = 0; dxx < 2; dxx++) {
                        int xx = ix + dxx;
                        if (xx >= 0 && xx < nx) {
                            v += wy * (dxx == 0 ? 1 - fx : fx) * si[cb + yy * nx + xx];
                        }
                    }
                }
                img[imgOff + c * vox + x] = v;
            }
            lab[labOff + x] = lx >= 0 && ly >= 0 && lx < nx && ly < ny ? sl[base + ly * nx + lx] : 0;
        }
    }

    /** Added before truncating to int so that truncation equals floor for coordinates above -2^20. */
    private static final double FLOOR_SHIFT = 1 << 20;
    private static final int FLOOR_SHIFT_INT = 1 << 20;

    private static void resample3d(Source s, int[] start, double[] m, PatchBuffer out) {
        int px = out.size(0), py = out.size(1), pz = out.size(2);
        double hx = (px - 1) / 2.0, hy = (py - 1) / 2.0, hz = (pz - 1) / 2.0;
        double ox = start[0] + hx, oy = start[1] + hy, oz = start[2] + hz;
        int[] range = new int[2];
        for (int z = 0; z < pz; z++) {
            double dz = z - hz;
            for (int y = 0; y < py; y++) {
                double dy = y - hy;
                double bx = ox + m[1] * dy + m[2] * dz - m[0] * hx;
                double by = oy + m[4] * dy + m[5] * dz - m[3] * hx;
                double bz = oz + m[7] * dy + m[8] * dz - m[6] * hx;
                int row = (z * py + y) * px;
                // Voxels whose 8 neighbours all lie inside the source take the unchecked loop.
                range[0] = 0;
                range[1] = px;
                narrowToInside(bx, m[0], s.nx, range);
                narrowToInside(by, m[3], s.ny, range);
                narrowToInside(bz, m[6], s.nz, range);
                int lo = Math.min(range[0], px), hi = Math.min(px, Math.max(lo, range[1]));
                resampleRow3dChecked(s, m, out, row, 0, lo, bx, by, bz);
                resampleRow3dInside(s, m, out, row, lo, hi, bx, by, bz);
                resampleRow3dChecked(s, m, out, row, hi, px, bx, by, bz);
            }
        }
    }

    /**
     * Narrows [range[0], range[1]) to output positions x with 0 &le; b + step·x &lt; n - 1, keeping a
     * margin of one voxel on each side against rounding; the excluded voxels take the checked path.
     */
    static void narrowToInside(double b, double step, int n, int[] range) {
        double lo, hi;
        if (Math.abs(step) < 1e-6) {
            // (Nearly) constant along the row: inside with a margin that no rounding can cross.
            if (b >= 1 && b < n - 2) {
                return;
            }
            range[1] = range[0];
            return;
        }
        double a = (0 - b) / step;
        double c = (n - 1 - b) / step;
        lo = Math.min(a, c);
        hi = Math.max(a, c);
        range[0] = (int) Math.max(range[0], Math.ceil(lo) + 1);
        range[1] = (int) Math.min(range[1], Math.floor(hi) - 1);
        if (range[1] < range[0]) {
            range[1] = range[0];
        }
    }

    /** Output voxels [x0, x1) of one row, all neighbours inside the source. */
    private static void resampleRow3dInside(Source s, double[] m, PatchBuffer out, int row, int x0, int x1,
            double bx, double by, double bz) {
        float[] img = out.image();
        int[] lab = out.labels();
        int vox = out.voxels(), channels = out.channels();
        int imgOff = out.imageOffset() + row, labOff = out.labelOffset() + row;
        float[] si = s.image;
        int[] sl = s.labels;
        int nx = s.nx, ny = s.ny, cs = s.channelStride, nxy = nx * ny;
        double m0 = m[0], m3 = m[3], m6 = m[6];
        for (int x = x0; x < x1; x++) {
            double sx = bx + m0 * x;
            double sy = by + m3 * x;
            double sz = bz + m6 * x;
            int ix = (int) sx;
            int iy = (int) sy;
            int iz = (int) sz;
            double dx = sx - ix, dy = sy - iy, dz = sz - iz;
            float fx = (float) dx, fy = (float) dy, fz = (float) dz;
            int i = (iz * ny + iy) * nx + ix;
            float gx = 1 - fx, gy = 1 - fy, gz = 1 - fz;
            float w00 = gy * gz, w10 = fy * gz, w01 = gy * fz, w11 = fy * fz;
            for (int c = 0; c < channels; c++, i += cs) {
                img[imgOff + c * vox + x] = gx * (w00 * si[i] + w10 * si[i + nx] + w01 * si[i + nxy]
                        + w11 * si[i + nxy + nx])
                        + fx * (w00 * si[i + 1] + w10 * si[i + nx + 1] + w01 * si[i + nxy + 1]
                                + w11 * si[i + nxy + nx + 1]);
            }
            int l = (iz * ny + iy) * nx + ix;
            l += dx >= 0.5 ? 1 : 0;
            l += dy >= 0.5 ? nx : 0;
            l += dz >= 0.5 ? nxy : 0;
            lab[labOff + x] = sl[l];
        }
    }

    /** Output voxels [x0, x1) of one row with bounds checks; (bx, by, bz) is the source position of x = 0. */
    private static void resampleRow3dChecked(Source s, double[] m, PatchBuffer out, int row, int x0, int x1,
            double bx, double by, double bz) {
        float[] img = out.image();
        int[] lab = out.labels();
        int vox = out.voxels(), channels = out.channels();
        int imgOff = out.imageOffset() + row, labOff = out.labelOffset() + row;
        float[] si = s.image;
        int[] sl = s.labels;
        int nx = s.nx, ny = s.ny, nz = s.nz, cs = s.channelStride;
        double m0 = m[0], m3 = m[3], m6 = m[6];
        for (int x = x0; x < x1; x++) {
            double sx = bx + m0 * x;
            double sy = by + m3 * x;
            double sz = bz + m6 * x;
            int ix = (int) (sx + FLOOR_SHIFT) - FLOOR_SHIFT_INT;
            int iy = (int) (sy + FLOOR_SHIFT) - FLOOR_SHIFT_INT;
            int iz = (int) (sz + FLOOR_SHIFT) - FLOOR_SHIFT_INT;
            double dx = sx - ix, dy = sy - iy, dz = sz - iz;
            float fx = (float) dx, fy = (float) dy, fz = (float) dz;
            for (int c = 0; c < channels; c++) {
                img[imgOff + c * vox + x] = borderSample3d(si, c * cs, nx, ny, nz, ix, iy, iz, fx, fy, fz);
            }
            // Nearest voxel: floor(s + 0.5), derived from the floor already computed.
            int lx = dx >= 0.5 ? ix + 1 : ix;
            int ly = dy >= 0.5 ? iy + 1 : iy;
            int lz = dz >= 0.5 ? iz + 1 : iz;
            lab[labOff + x] = lx >= 0 && ly >= 0 && lz >= 0 && lx < nx && ly < ny && lz < nz
                    ? sl[(lz * ny + ly) * nx + lx]
                    : 0;
        }
    }

    /** Trilinear sample where some of the 8 neighbours lie outside the case; those count as 0. */
    private static float borderSample3d(float[] si, int base, int nx, int ny, int nz, int ix, int iy, int iz,
            float fx, float fy, float fz) {
        float v = 0;
        for (int dz = 0; dz < 2; dz++) {
            int zz = iz + dz;
            if (zz < 0 || zz >= nz) {
                continue;
            }
            float wz = dz == 0 ? 1 - fz : fz;
            for (int dy = 0; dy < 2; dy++) {
                int yy = iy + dy;
                if (yy < 0 || yy >= ny) {
                    continue;
                }
                float wyz = wz * (dy == 0 ? 1 - fy : fy);
                for (int dx = 0; dx < 2; dx++) {
                    int xx = ix + dx;
                    if (xx >= 0 && xx < nx) {
                        v += wyz * (dx == 0 ? 1 - fx : fx) * si[base + (zz * ny + yy) * nx + xx];
                    }
                }
            }
        }
        return v;
    }
}
