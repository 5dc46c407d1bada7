package org.maskseg.core.optim;

import java.util.Collection;

import org.maskseg.core.nn.Autograd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** Operations on the accumulated gradients of a set of parameters. */
public final class Gradients {

    /** Added to the norm before dividing, as PyTorch's clip_grad_norm_ does. */
    private static final float CLIP_EPS = 1e-6f;

    private Gradients() {
    }

    /** The L2 norm of all gradients taken together (parameters without gradient count as 0). */
    public static float totalNorm(Collection<NDArray> params) {
        float[] norm = new float[1];
        Autograd.withoutGrad(() -> {
            try (NDScope scope = new NDScope()) {
                NDArray sum = null;
                for (NDArray p : params) {
                    NDArray g = Autograd.gradient(p);
                    if (g == null) {
                        continue;
                    }
                    NDArray sq = g.mul(g).sum();
                    sum = sum == null ? sq : sum.add(sq);
                }
                norm[0] = sum == null ? 0f : (float) Math.sqrt(sum.toType(DataType.FLOAT32, false).getFloat());
            }
        });
        return norm[0];
    }

    /**
     * Scales all gradients so that their total L2 norm is at most maxNorm, as PyTorch's clip_grad_norm_:
     * when maxNorm / (norm + 1e-6) < 1 every gradient is multiplied by that factor.
     *
     * @return the total norm before clipping (NaN or infinite when a gradient is not finite; then the
     *         gradients are left unchanged)
     */
    public static float clipTotalNorm(Collection<NDArray> params, double maxNorm) {
        float norm = totalNorm(params);
        float coef = (float) maxNorm / (norm + CLIP_EPS);
        if (Float.isFinite(norm) && coef < 1) {
            Autograd.withoutGrad(() -> {
                try (NDScope scope = new NDScope()) {
                    for (NDArray p : params) {
                        NDArray g = Autograd.gradient(p);
                        if (g != null) {
                            g.muli(coef);
                        }
                    }
                }
            });
        }
        return norm;
    }

    /** Multiplies every existing gradient by a factor in place (e.g. 1 / loss scale). */
    public static void scale(Collection<NDArray> params, double factor) {
        float f = (float) factor;
        Autograd.withoutGrad(() -> {
            try (NDScope scope = new NDScope()) {
                for (NDArray p : params) {
                    NDArray g = Autograd.gradient(p);
                    if (g != null) {
                        g.muli(f);
                    }
                }
            }
        });
    }

    /**
     * Sets every existing gradient to zero in place (backward passes accumulate into them); gradients that
     * were never computed stay undefined.
     */
    public static void zero(Collection<NDArray> params) {
        Autograd.withoutGrad(() -> {
            for (NDArray p : params) {
                if (p.hasGradient()) {
                    JniUtils.zeroGrad((PtNDArray) p);
                }
            }
        });
    }
}
