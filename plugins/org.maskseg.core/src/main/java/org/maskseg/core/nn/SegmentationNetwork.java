package org.maskseg.core.nn;

import java.util.LinkedHashMap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * A segmentation network whose parameters are plain NDArrays owned by one manager. Trainer, predictor
 * and model file work only through this interface.
 */
public interface SegmentationNetwork extends AutoCloseable {

    /** 2 or 3. */
    int spatialDims();

    int inputChannels();

    /** Number of output channels (classes). */
    int outputChannels();

    /**
     * Forward pass of a batch shaped (n, c, [z,] y, x).
     *
     * @param training true while training (deep-supervision outputs are returned)
     * @return logits: with deep supervision in training, one array per decoder stage, full resolution
     *         first; otherwise a single full-resolution array (n, classes, [z,] y, x)
     */
    NDList forward(NDArray input, boolean training);

    /**
     * Sets the arithmetic of the forward pass (see {@link Precision}). Networks that only compute in single
     * precision refuse anything else.
     */
    default void setPrecision(Precision precision) {
        if (precision != Precision.FP32) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " computes in fp32 only");
        }
    }

    /** The arithmetic of the forward pass. */
    default Precision precision() {
        return Precision.FP32;
    }

    /** Trainable parameters, in a stable order with stable names (used by optimiser and model file). */
    LinkedHashMap<String, NDArray> parameters();

    /** The manager that owns the parameters (and thus the device). */
    NDManager manager();

    /** Frees the parameters' native memory. */
    @Override
    void close();
}
