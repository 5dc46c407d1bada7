package org.maskseg.core.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.nn.Autograd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

/**
 * Stochastic gradient descent with Nesterov momentum and L2 weight decay, with the update rule of
 * PyTorch's {@code torch.optim.SGD(nesterov=True, dampening=0)}:
 *
 * <pre>
 *   d   = g + wd·p
 *   buf = μ·buf + d        (buf starts at 0, so the first step gives buf = d)
 *   p  -= lr·(d + μ·buf)
 * </pre>
 *
 * The momentum buffers live in a manager owned by the optimiser, on the parameters' device.
 */
public final class NesterovSgd implements AutoCloseable {

    private final LinkedHashMap<String, NDArray> params;
    private final LinkedHashMap<String, NDArray> buffers = new LinkedHashMap<>();
    private final float momentum;
    private final float weightDecay;
    private final NDManager manager;

    /**
     * @param params      the parameters to update (their order and names define the state layout)
     * @param momentum    μ, e.g. 0.99
     * @param weightDecay L2 coefficient added to the gradient, e.g. 3e-5
     */
    public NesterovSgd(LinkedHashMap<String, NDArray> params, double momentum, double weightDecay) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("no parameters to optimise");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new InvalidInputException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0)) {
            throw new InvalidInputException("weight decay must be non-negative, got " + weightDecay);
        }
        this.params = new LinkedHashMap<>(params);
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
        NDArray first = params.values().iterator().next();
        this.manager = first.getManager().newSubManager();
        // Created outside any step scope, so a caller's NDScope never frees them.
        try (NDScope scope = new NDScope()) {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray buf = manager.zeros(e.getValue().getShape(), e.getValue().getDataType());
                NDScope.unregister(buf);
                buffers.put(e.getKey(), buf);
            }
        }
    }

    /**
     * One update of every parameter from its current gradient. Runs with gradient recording off and frees
     * its temporaries. The gradients are used as scratch space and hold no meaningful values afterwards
     * (reset them with {@link Gradients#zero} before the next backward pass). Parameters that no backward
     * pass reached are left unchanged (no decay, no momentum), like PyTorch's SGD skips parameters whose
     * gradient is None.
     */
    public void step(double learningRate) {
        float lr = (float) learningRate;
        Autograd.withoutGrad(() -> {
            try (NDScope scope = new NDScope()) {
                for (Map.Entry<String, NDArray> e : params.entrySet()) {
                    NDArray p = e.getValue();
                    NDArray d = Autograd.gradient(p);
                    if (d == null) {
                        continue; // not reached by the loss: left alone, as PyTorch does
                    }
                    // computed in the gradient's own storage to save allocations and memory passes
                    if (weightDecay != 0) {
                        d.addi(p.mul(weightDecay));
                    }
                    NDArray buf = buffers.get(e.getKey());
                    buf.muli(momentum).addi(d);
                    d.addi(buf.mul(momentum));
                    p.subi(d.muli(lr));
                }
            }
        });
    }

    /** Copies of the momentum buffers, keyed by parameter name (for checkpoints). */
    public LinkedHashMap<String, float[]> exportState() {
        LinkedHashMap<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : buffers.entrySet()) {
            NDArray b = e.getValue();
            if (b.getDataType() == DataType.FLOAT32) {
                out.put(e.getKey(), b.toFloatArray());
            } else {
                try (NDArray f = b.toType(DataType.FLOAT32, true)) {
                    out.put(e.getKey(), f.toFloatArray());
                }
            }
        }
        return out;
    }

    /**
     * Restores momentum buffers saved by {@link #exportState()}.
     *
     * @throws InvalidInputException when names or sizes do not fit these parameters
     */
    public void loadState(Map<String, float[]> state) {
        TreeSet<String> missing = new TreeSet<>(buffers.keySet());
        missing.removeAll(state.keySet());
        TreeSet<String> unexpected = new TreeSet<>(state.keySet());
        unexpected.removeAll(buffers.keySet());
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new InvalidInputException("optimiser state does not fit the network"
                    + (missing.isEmpty() ? "" : "; missing: " + missing)
                    + (unexpected.isEmpty() ? "" : "; unexpected: " + unexpected));
        }
        for (Map.Entry<String, NDArray> e : buffers.entrySet()) {
            float[] v = state.get(e.getKey());
            if (v.length != e.getValue().size()) {
                throw new InvalidInputException("optimiser state '" + e.getKey() + "': expected "
                        + e.getValue().size() + " values for shape " + e.getValue().getShape() + ", got " + v.length);
            }
        }
        Autograd.withoutGrad(() -> {
            for (Map.Entry<String, NDArray> e : buffers.entrySet()) {
                e.getValue().set(state.get(e.getKey()));
            }
        });
    }

    @Override
    public void close() {
        manager.close();
    }
}
