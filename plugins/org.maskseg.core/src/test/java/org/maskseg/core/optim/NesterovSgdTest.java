package org.maskseg.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

class NesterovSgdTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = TorchRuntime.newManager(Device.cpu());
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static float[] random(Random r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    /**
     * Loss Σ a⊙p + ½ Σ p² over every parameter: its gradient is a + p, which the plain-Java reference
     * computes without the engine.
     */
    private static void backward(Map<String, NDArray> params, Map<String, float[]> a) {
        try (NDManager m = manager.newSubManager();
                GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
            NDArray total = null;
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray p = e.getValue();
                NDArray coef = m.create(a.get(e.getKey()), p.getShape());
                NDArray t = p.mul(coef).sum().add(p.mul(p).sum().mul(0.5f));
                t.attach(m);
                total = total == null ? t : total.add(t);
                total.attach(m);
            }
            gc.backward(total);
        }
    }

    @Test
    void updatesFollowPyTorchFormulasWithClippingAndPolyDecay() {
        Random r = new Random(3);
        double mu = 0.99, wd = 3e-5, lr0 = 0.01;
        int epochs = 10;
        LinkedHashMap<String, float[]> init = new LinkedHashMap<>();
        init.put("w", random(r, 12, 1));
        init.put("b", random(r, 3, 1));
        LinkedHashMap<String, float[]> a = new LinkedHashMap<>();
        // large coefficients so that the norm exceeds the clip in early steps
        a.put("w", random(r, 12, 5));
        a.put("b", random(r, 3, 5));

        // plain-Java reference in doubles
        Map<String, double[]> p = new LinkedHashMap<>();
        Map<String, double[]> buf = new LinkedHashMap<>();
        for (String k : init.keySet()) {
            double[] v = new double[init.get(k).length];
            for (int i = 0; i < v.length; i++) {
                v[i] = init.get(k)[i];
            }
            p.put(k, v);
            buf.put(k, new double[v.length]);
        }

        try (NDManager m = manager.newSubManager()) {
            LinkedHashMap<String, NDArray> params = new LinkedHashMap<>();
            for (String k : init.keySet()) {
                NDArray t = m.create(init.get(k), new Shape(init.get(k).length));
                t.setRequiresGradient(true);
                params.put(k, t);
            }
            boolean clipped = false;
            boolean unclipped = false;
            try (NesterovSgd sgd = new NesterovSgd(params, mu, wd)) {
                for (int step = 0; step < 8; step++) {
                    double lr = PolyLearningRate.at(lr0, step, epochs);
                    // alternate nnU-Net's threshold with one above the norm, to cover both cases
                    double clip = step % 2 == 0 ? 12 : 1000;
                    // reference: gradient, clip, update
                    Map<String, double[]> g = new LinkedHashMap<>();
                    double sq = 0;
                    for (String k : p.keySet()) {
                        double[] gv = new double[p.get(k).length];
                        for (int i = 0; i < gv.length; i++) {
                            gv[i] = a.get(k)[i] + p.get(k)[i];
                            sq += gv[i] * gv[i];
                        }
                        g.put(k, gv);
                    }
                    double norm = Math.sqrt(sq);
                    double coef = clip / (norm + 1e-6);
                    for (String k : p.keySet()) {
                        double[] pv = p.get(k), gv = g.get(k), bv = buf.get(k);
                        for (int i = 0; i < pv.length; i++) {
                            double gi = coef < 1 ? gv[i] * coef : gv[i];
                            double d = gi + wd * pv[i];
                            bv[i] = mu * bv[i] + d;
                            pv[i] -= lr * (d + mu * bv[i]);
                        }
                    }
                    clipped |= coef < 1;
                    unclipped |= coef >= 1;

                    backward(params, a);
                    float engineNorm = Gradients.clipTotalNorm(params.values(), clip);
                    assertEquals(norm, engineNorm, 1e-4 * norm, "norm at step " + step);
                    sgd.step(lr);
                    Gradients.zero(params.values());
                    for (String k : p.keySet()) {
                        float[] got = params.get(k).toFloatArray();
                        for (int i = 0; i < got.length; i++) {
                            assertEquals(p.get(k)[i], got[i], 1e-5 + 1e-5 * Math.abs(p.get(k)[i]),
                                    k + "[" + i + "] at step " + step);
                        }
                    }
                }
                LinkedHashMap<String, float[]> state = sgd.exportState();
                for (String k : buf.keySet()) {
                    for (int i = 0; i < buf.get(k).length; i++) {
                        assertEquals(buf.get(k)[i], state.get(k)[i], 1e-4 + 1e-5 * Math.abs(buf.get(k)[i]));
                    }
                }
            }
            assertTrue(clipped && unclipped, "the run covers clipped and unclipped steps");
        }
    }

    @Test
    void gradientsAreZeroedNotAccumulatedAndUnreachedParametersStayUnchanged() {
        try (NDManager m = manager.newSubManager()) {
            NDArray used = m.create(new float[] {1, 2});
            NDArray unused = m.create(new float[] {5, 6});
            used.setRequiresGradient(true);
            unused.setRequiresGradient(true);
            LinkedHashMap<String, NDArray> params = new LinkedHashMap<>();
            params.put("used", used);
            params.put("unused", unused);
            try (NesterovSgd sgd = new NesterovSgd(params, 0.9, 0.1)) {
                for (int i = 0; i < 2; i++) {
                    try (NDManager s = m.newSubManager();
                            GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
                        NDArray l = used.mul(3f).sum();
                        l.attach(s);
                        gc.backward(l);
                    }
                    assertArrayEquals(new float[] {3, 3}, used.getGradient().toFloatArray(), "no accumulation");
                    assertEquals(3 * Math.sqrt(2), Gradients.totalNorm(params.values()), 1e-5);
                    sgd.step(0.1);
                    Gradients.zero(params.values());
                    assertArrayEquals(new float[] {0, 0}, used.getGradient().toFloatArray());
                }
                assertArrayEquals(new float[] {5, 6}, unused.toFloatArray(), 0f);
                // step 1: d = 3 + 0.1·p, buf = d, p -= 0.1·(d + 0.9·d)
                double p0 = 1, b = 0;
                for (int i = 0; i < 2; i++) {
                    double d = 3 + 0.1 * p0;
                    b = 0.9 * b + d;
                    p0 -= 0.1 * (d + 0.9 * b);
                }
                assertEquals(p0, used.toFloatArray()[0], 1e-5);
            }
        }
    }

    @Test
    void clippingBelowThresholdChangesNothing() {
        try (NDManager m = manager.newSubManager()) {
            NDArray p = m.create(new float[] {1, 1, 1});
            p.setRequiresGradient(true);
            try (NDManager s = m.newSubManager(); GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
                NDArray l = p.mul(m.create(new float[] {3, 4, 0})).sum();
                l.attach(s);
                gc.backward(l);
            }
            assertEquals(5f, Gradients.clipTotalNorm(List.of(p), 12), 1e-6);
            assertArrayEquals(new float[] {3, 4, 0}, p.getGradient().toFloatArray(), 0f);
            assertEquals(5f, Gradients.clipTotalNorm(List.of(p), 1), 1e-6);
            float c = (float) (1 / (5 + 1e-6));
            assertArrayEquals(new float[] {3 * c, 4 * c, 0}, p.getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    void polyLearningRate() {
        assertEquals(0.01, PolyLearningRate.at(0.01, 0, 1000), 0);
        assertEquals(0.01 * Math.pow(0.5, 0.9), PolyLearningRate.at(0.01, 500, 1000), 1e-15);
        assertEquals(0.01 * Math.pow(0.001, 0.9), PolyLearningRate.at(0.01, 999, 1000), 1e-15);
        assertEquals(0, PolyLearningRate.at(0.01, 1000, 1000), 0);
    }

    @Test
    void stateRoundTripContinuesIdentically() {
        Random r = new Random(5);
        float[] init = random(r, 6, 1);
        LinkedHashMap<String, float[]> a = new LinkedHashMap<>();
        a.put("w", random(r, 6, 1));
        try (NDManager m = manager.newSubManager()) {
            NDArray w1 = m.create(init);
            w1.setRequiresGradient(true);
            LinkedHashMap<String, NDArray> p1 = new LinkedHashMap<>(Map.of("w", w1));
            try (NesterovSgd s1 = new NesterovSgd(p1, 0.99, 3e-5)) {
                for (int i = 0; i < 3; i++) {
                    backward(p1, a);
                    s1.step(0.01);
                    Gradients.zero(p1.values());
                }
                NDArray w2 = m.create(w1.toFloatArray());
                w2.setRequiresGradient(true);
                LinkedHashMap<String, NDArray> p2 = new LinkedHashMap<>(Map.of("w", w2));
                try (NesterovSgd s2 = new NesterovSgd(p2, 0.99, 3e-5)) {
                    s2.loadState(s1.exportState());
                    backward(p1, a);
                    s1.step(0.01);
                    backward(p2, a);
                    s2.step(0.01);
                    assertArrayEquals(w1.toFloatArray(), w2.toFloatArray(), 0f);

                    InvalidInputException e = assertThrows(InvalidInputException.class,
                            () -> s2.loadState(Map.of("v", new float[6])));
                    assertTrue(e.getMessage().contains("missing: [w]") && e.getMessage().contains("unexpected: [v]"),
                            e.getMessage());
                    assertThrows(InvalidInputException.class, () -> s2.loadState(Map.of("w", new float[5])));
                }
            }
        }
    }
}
