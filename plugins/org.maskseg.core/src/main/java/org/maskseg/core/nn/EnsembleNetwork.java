package org.maskseg.core.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.maskseg.core.InvalidInputException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Several networks of the same architecture applied as one, as nnU-Net applies the networks of its
 * cross-validation folds: the output is the mean of the members' logits. (nnU-Net averages the sliding-window
 * logits of each fold; windows are blended linearly, so averaging per window gives the same.) Inference only.
 */
public final class EnsembleNetwork implements SegmentationNetwork {

    /** Parameter names of member i start with this prefix followed by "i.". */
    public static final String PREFIX = "ensemble.";

    private final List<SegmentationNetwork> members;
    private final NDManager manager;

    /**
     * @param manager owns the members (closed with this network)
     * @param members at least one network; all with the same channels, outputs and dimensionality
     */
    public EnsembleNetwork(NDManager manager, List<? extends SegmentationNetwork> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one network");
        }
        SegmentationNetwork first = members.get(0);
        for (SegmentationNetwork m : members) {
            if (m.inputChannels() != first.inputChannels() || m.outputChannels() != first.outputChannels()
                    || m.spatialDims() != first.spatialDims()) {
                throw new IllegalArgumentException("ensemble members differ in channels, outputs or dimensionality");
            }
        }
        this.members = List.copyOf(members);
        this.manager = manager;
    }

    /** The member networks, in order. */
    public List<SegmentationNetwork> members() {
        return members;
    }

    @Override
    public int spatialDims() {
        return members.get(0).spatialDims();
    }

    @Override
    public int inputChannels() {
        return members.get(0).inputChannels();
    }

    @Override
    public int outputChannels() {
        return members.get(0).outputChannels();
    }

    /** The mean of the members' logits. */
    @Override
    public NDList forward(NDArray input, boolean training) {
        if (training) {
            throw new InvalidInputException("an ensemble of " + members.size() + " networks cannot be trained; "
                    + "fine-tune a single network");
        }
        NDArray sum = null;
        for (SegmentationNetwork m : members) {
            NDArray y = m.forward(input, false).get(0);
            sum = sum == null ? y : sum.add(y);
        }
        return new NDList(members.size() == 1 ? sum : sum.div(members.size()));
    }

    /** Every member's parameters, names prefixed with {@code ensemble.<i>.}. */
    @Override
    public LinkedHashMap<String, NDArray> parameters() {
        LinkedHashMap<String, NDArray> all = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            for (Map.Entry<String, NDArray> e : members.get(i).parameters().entrySet()) {
                all.put(PREFIX + i + "." + e.getKey(), e.getValue());
            }
        }
        return all;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (SegmentationNetwork m : members) {
            try {
                m.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        manager.close();
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }
}
