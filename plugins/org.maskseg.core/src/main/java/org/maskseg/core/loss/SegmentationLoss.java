package org.maskseg.core.loss;

import org.maskseg.core.labels.Targets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * A training loss of a segmentation network's output against canonical label codes: the softmax loss over
 * exclusive classes ({@link MaskedDiceCeLoss}) or the sigmoid loss over regions ({@link RegionLoss}).
 */
public interface SegmentationLoss {

    /** The loss of one output for these targets: over regions when they are region-based, else over classes. */
    static SegmentationLoss of(Targets targets, boolean batchDice) {
        return targets.regionBased() ? new RegionLoss(targets.regions(), batchDice)
                : new MaskedDiceCeLoss(targets.numClasses(), batchDice, targets.partialLabels());
    }

    /** The scalar parts of a loss: its cross-entropy term, its mean Dice, and the loss = cross-entropy − Dice. */
    interface Terms {
        NDArray crossEntropy();

        NDArray dice();

        NDArray loss();
    }

    /**
     * @param logits (n, outputs, [z,] y, x)
     * @param labels (n, [z,] y, x) integer canonical label codes
     */
    Terms terms(NDArray logits, NDArray labels);

    /** The loss alone (a scalar on the logits' manager). */
    default NDArray compute(NDArray logits, NDArray labels) {
        return terms(logits, labels).loss();
    }

    /**
     * The decision the validation pass scores, per voxel, as INT32 (n, [z,] y, x): the class of highest logit
     * for class outputs; {@link RegionLoss} overrides it.
     *
     * @param logits (n, outputs, [z,] y, x)
     */
    default NDArray decide(NDArray logits) {
        return logits.argMax(1).toType(DataType.INT32, false);
    }
}
