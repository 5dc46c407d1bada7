package org.maskseg.core.predict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;

import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.nn.SegmentationNetwork;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** A network whose logits are a known function of the input, for checking the stitching arithmetic. */
final class FakeNetwork implements SegmentationNetwork {

    private final int dims;
    private final int in;
    private final int out;
    private final NDManager manager = TorchRuntime.newManager(Device.cpu());
    private final Function<NDArray, NDArray> function;
    final List<NDArray> inputsSeen = new ArrayList<>();
    final List<Shape> inputShapes = new ArrayList<>();
    int forwardCalls;

    private FakeNetwork(int dims, int in, int out, Function<NDArray, NDArray> function) {
        this.dims = dims;
        this.in = in;
        this.out = out;
        this.function = function;
    }

    /** Logits (c0, c1, ...) = constant values everywhere. */
    static FakeNetwork constant(int dims, int in, float... values) {
        return new FakeNetwork(dims, in, values.length, x -> {
            long[] s = x.getShape().getShape();
            List<NDArray> channels = new ArrayList<>();
            for (float v : values) {
                s[1] = 1;
                channels.add(x.getManager().full(new Shape(s), v));
            }
            return NDArrays.concat(new NDList(channels), 1);
        });
    }

    /** Logit k = (k + 1) * x0 + k from the first input channel: voxel-wise, so mirror-equivariant. */
    static FakeNetwork pointwise(int dims, int in, int classes) {
        return new FakeNetwork(dims, in, classes, x -> {
            NDArray first = x.get(":, 0:1");
            List<NDArray> channels = new ArrayList<>();
            for (int k = 0; k < classes; k++) {
                channels.add(first.mul(k + 1).add(k));
            }
            return NDArrays.concat(new NDList(channels), 1);
        });
    }

    /** Logit d = the voxel's coordinate along spatial axis d (x first) inside the window, whatever the input. */
    static FakeNetwork localCoordinates(int dims, int in) {
        return new FakeNetwork(dims, in, dims, x -> {
            long[] s = x.getShape().getShape();
            List<NDArray> channels = new ArrayList<>();
            for (int d = 0; d < dims; d++) {
                int tensorAxis = 2 + dims - 1 - d;
                long[] r = new long[s.length];
                java.util.Arrays.fill(r, 1);
                r[tensorAxis] = s[tensorAxis];
                long[] target = s.clone();
                target[1] = 1;
                channels.add(x.getManager().arange(0f, (float) s[tensorAxis]).reshape(new Shape(r))
                        .broadcast(new Shape(target)));
            }
            return NDArrays.concat(new NDList(channels), 1);
        });
    }

    /** Every forward pass fails with an engine error carrying this message. */
    static FakeNetwork failing(int dims, String message) {
        return new FakeNetwork(dims, 1, 2, x -> {
            throw new ai.djl.engine.EngineException(message);
        });
    }

    @Override
    public int spatialDims() {
        return dims;
    }

    @Override
    public int inputChannels() {
        return in;
    }

    @Override
    public int outputChannels() {
        return out;
    }

    @Override
    public NDList forward(NDArray input, boolean training) {
        forwardCalls++;
        inputsSeen.add(input);
        inputShapes.add(input.getShape());
        return new NDList(function.apply(input));
    }

    @Override
    public LinkedHashMap<String, NDArray> parameters() {
        return new LinkedHashMap<>();
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
