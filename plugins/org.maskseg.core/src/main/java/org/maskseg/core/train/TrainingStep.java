package org.maskseg.core.train;

import java.util.LinkedHashMap;
import java.util.Map;

import org.maskseg.core.data.Batch;
import org.maskseg.core.model.HostTensor;

/**
 * One network under optimisation: the training step (forward, loss, backward, update) and the validation
 * step, each freeing its intermediate device memory before returning. Used by {@link Trainer} on a single
 * thread.
 */
interface TrainingStep extends AutoCloseable {

    /**
     * Optimises on one batch.
     *
     * @return the batch loss before the update
     */
    double train(Batch batch, double learningRate);

    /**
     * Evaluates one batch without changing the network: returns the loss and adds the full-resolution
     * argmax prediction to {@code dice}.
     */
    double validate(Batch batch, PseudoDice dice);

    /** The optimiser's buffers in host memory, for checkpoints. */
    LinkedHashMap<String, HostTensor> optimizerState();

    /** Restores buffers saved by {@link #optimizerState()}. */
    void restoreOptimizerState(Map<String, HostTensor> state);

    @Override
    void close();
}
