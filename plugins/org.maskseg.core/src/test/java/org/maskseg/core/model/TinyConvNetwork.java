package org.maskseg.core.model;

import java.util.LinkedHashMap;

import org.maskseg.core.nn.SegmentationNetwork;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/** A one-layer 2D network (3x3 convolution) for tests of the model file. */
public final class TinyConvNetwork implements SegmentationNetwork {

    private final NDManager manager;
    private final int in;
    private final int out;
    private final LinkedHashMap<String, NDArray> params = new LinkedHashMap<>();

    public TinyConvNetwork(NDManager parent, int in, int out) {
        this.manager = parent.newSubManager();
        this.in = in;
        this.out = out;
        params.put("conv.weight", manager.randomNormal(0, 0.3f, new Shape(out, in, 3, 3),
                ai.djl.ndarray.types.DataType.FLOAT32));
        params.put("conv.bias", manager.zeros(new Shape(out)));
        params.values().forEach(p -> p.setRequiresGradient(true));
    }

    @Override
    public int spatialDims() {
        return 2;
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
        return Conv2d.conv2d(input, params.get("conv.weight"), params.get("conv.bias"),
                new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1);
    }

    @Override
    public LinkedHashMap<String, NDArray> parameters() {
        return params;
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
