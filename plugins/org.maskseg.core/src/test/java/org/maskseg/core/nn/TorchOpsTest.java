package org.maskseg.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.maskseg.core.engine.TorchRuntime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

class TorchOpsTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = TorchRuntime.newManager(Device.cpu());
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /**
     * Direct definition of a transposed convolution with kernel = stride and no padding, on (n, c, z, y, x)
     * (2D as z = 1): out[n, o, z·sz+a, y·sy+b, x·sx+c] = bias[o] + Σ_i in[n, i, z, y, x]·w[i, o, a, b, c].
     */
    private static float[] handTransposedConv(float[] in, int n, int ci, int z, int y, int x, float[] w, int co,
            int sz, int sy, int sx, float[] bias) {
        int oz = z * sz, oy = y * sy, ox = x * sx;
        float[] out = new float[n * co * oz * oy * ox];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < co; o++) {
                for (int zz = 0; zz < oz; zz++) {
                    for (int yy = 0; yy < oy; yy++) {
                        for (int xx = 0; xx < ox; xx++) {
                            double acc = bias[o];
                            for (int i = 0; i < ci; i++) {
                                float v = in[(((b * ci + i) * z + zz / sz) * y + yy / sy) * x + xx / sx];
                                float k = w[(((i * co + o) * sz + zz % sz) * sy + yy % sy) * sx + xx % sx];
                                acc += (double) v * k;
                            }
                            out[(((b * co + o) * oz + zz) * oy + yy) * ox + xx] = (float) acc;
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void checkTransposed(boolean threeD, int sz, int sy, int sx, long seed) {
        Random r = new Random(seed);
        int n = 2, ci = 3, co = 2, z = threeD ? 3 : 1, y = 4, x = 5;
        float[] in = random(r, n * ci * z * y * x);
        float[] w = random(r, ci * co * sz * sy * sx);
        float[] bias = random(r, co);
        float[] expected = handTransposedConv(in, n, ci, z, y, x, w, co, sz, sy, sx, bias);
        try (NDManager m = manager.newSubManager()) {
            NDArray input = threeD ? m.create(in, new Shape(n, ci, z, y, x)) : m.create(in, new Shape(n, ci, y, x));
            NDArray weight = threeD ? m.create(w, new Shape(ci, co, sz, sy, sx)) : m.create(w, new Shape(ci, co, sy, sx));
            long[] stride = threeD ? new long[] {sz, sy, sx} : new long[] {sy, sx};
            NDArray out = TorchOps.transposedConv(input, weight, m.create(bias), stride);
            Shape want = threeD ? new Shape(n, co, z * sz, y * sy, x * sx) : new Shape(n, co, y * sy, x * sx);
            assertEquals(want, out.getShape());
            assertArrayEquals(expected, out.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void transposedConvolutionMatchesDirectDefinition2d() {
        checkTransposed(false, 1, 2, 2, 1);
        checkTransposed(false, 1, 1, 2, 2);
        checkTransposed(false, 1, 3, 2, 3);
    }

    @Test
    void transposedConvolutionMatchesDirectDefinition3d() {
        checkTransposed(true, 2, 2, 2, 4);
        checkTransposed(true, 1, 2, 2, 5);
        checkTransposed(true, 2, 1, 3, 6);
    }

    @Test
    void instanceNormMatchesHandComputation() {
        Random r = new Random(7);
        int n = 2, c = 3, vox = 4 * 5 * 2;
        float[] in = random(r, n * c * vox);
        for (int i = 0; i < in.length; i++) {
            in[i] = in[i] * (1 + i % 7) + (i / vox) * 3; // different scales and offsets per instance
        }
        float[] gamma = {0.5f, 2f, -1f};
        float[] beta = {0.1f, -0.3f, 2f};
        float[] expected = new float[in.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                int off = (b * c + ch) * vox;
                double mean = 0;
                for (int i = 0; i < vox; i++) {
                    mean += in[off + i];
                }
                mean /= vox;
                double var = 0;
                for (int i = 0; i < vox; i++) {
                    var += (in[off + i] - mean) * (in[off + i] - mean);
                }
                var /= vox; // biased, as instance normalisation uses
                for (int i = 0; i < vox; i++) {
                    expected[off + i] = (float) ((in[off + i] - mean) / Math.sqrt(var + 1e-5) * gamma[ch] + beta[ch]);
                }
            }
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(in, new Shape(n, c, 2, 4, 5));
            NDArray out = TorchOps.instanceNorm(x, m.create(gamma), m.create(beta), 1e-5f);
            assertEquals(x.getShape(), out.getShape());
            assertArrayEquals(expected, out.toFloatArray(), 1e-5f);
            NDArray x2 = m.create(in, new Shape(n, c, 8, 5));
            assertArrayEquals(expected, TorchOps.instanceNorm(x2, m.create(gamma), m.create(beta), 1e-5f)
                    .toFloatArray(), 1e-5f);
        }
    }

    @Test
    void convolutionWithPaddingAndStrideMatchesHandComputation() {
        Random r = new Random(9);
        int ci = 2, co = 2, y = 5, x = 6;
        float[] in = random(r, ci * y * x);
        float[] w = random(r, co * ci * 9);
        float[] bias = {0.25f, -1f};
        int oy = 3, ox = 3; // stride 2, padding 1
        float[] expected = new float[co * oy * ox];
        for (int o = 0; o < co; o++) {
            for (int yy = 0; yy < oy; yy++) {
                for (int xx = 0; xx < ox; xx++) {
                    double acc = bias[o];
                    for (int i = 0; i < ci; i++) {
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                int sy = yy * 2 - 1 + ky, sx = xx * 2 - 1 + kx;
                                if (sy >= 0 && sy < y && sx >= 0 && sx < x) {
                                    acc += in[(i * y + sy) * x + sx] * w[((o * ci + i) * 3 + ky) * 3 + kx];
                                }
                            }
                        }
                    }
                    expected[(o * oy + yy) * ox + xx] = (float) acc;
                }
            }
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray out = TorchOps.conv(m.create(in, new Shape(1, ci, y, x)), m.create(w, new Shape(co, ci, 3, 3)),
                    m.create(bias), new long[] {2, 2}, new long[] {1, 1});
            assertEquals(new Shape(1, co, oy, ox), out.getShape());
            assertArrayEquals(expected, out.toFloatArray(), 1e-5f);
        }
    }
}
