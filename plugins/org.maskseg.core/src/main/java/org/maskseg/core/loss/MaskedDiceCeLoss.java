package org.maskseg.core.loss;

import org.maskseg.core.InvalidInputException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Cross-entropy plus soft Dice on the annotated voxels only, as nnU-Net computes it with an ignore label.
 * <p>
 * Labels are canonical: classes 0..K-1 and the ignore value K. With mask m = (y ≠ K):
 * <ul>
 * <li>CE is averaged over annotated voxels and is 0 when there are none;</li>
 * <li>soft Dice uses the softmax over all classes with the background channel dropped, and per sample
 * (or over the whole batch with batch Dice) and foreground class the sums I = Σ x·y·m, P = Σ x·m,
 * G = Σ y·m; dc = (2I + 1e-5) / max(G + P + 1e-5, 1e-8);</li>
 * <li>loss = CE − mean(dc).</li>
 * </ul>
 * Ignored voxels are set to class 0 before any gather or one-hot and then masked, so the ignore value
 * never indexes anything.
 */
public final class MaskedDiceCeLoss implements SegmentationLoss {

    /** Smoothing of the Dice ratio (numerator and denominator). */
    public static final double DICE_SMOOTH = 1e-5;

    private final int numClasses;
    private final boolean batchDice;

    /**
     * @param numClasses K, classes including background; K is also the canonical ignore value
     * @param batchDice  sum Dice statistics over the batch as well as over space
     */
    public MaskedDiceCeLoss(int numClasses, boolean batchDice) {
        if (numClasses < 2) {
            throw new InvalidInputException("loss: at least two classes are needed, got " + numClasses);
        }
        this.numClasses = numClasses;
        this.batchDice = batchDice;
    }

    public int numClasses() {
        return numClasses;
    }

    public boolean batchDice() {
        return batchDice;
    }

    /** The two terms of the loss (scalars) and their combination. */
    public record Terms(NDArray crossEntropy, NDArray dice, NDArray loss) implements SegmentationLoss.Terms {
    }

    /**
     * The loss (a scalar on the logits' manager).
     *
     * @param logits (n, K, [z,] y, x)
     * @param labels (n, [z,] y, x) integer canonical labels (0..K-1, ignore = K)
     */
    public NDArray compute(NDArray logits, NDArray labels) {
        return terms(logits, labels).loss();
    }

    /** The loss and its cross-entropy and Dice parts (see {@link #compute}). */
    public Terms terms(NDArray logits, NDArray labels) {
        Shape ls = logits.getShape();
        Shape ys = labels.getShape();
        if (ls.dimension() < 3 || ls.get(1) != numClasses || ys.dimension() != ls.dimension() - 1
                || ys.get(0) != ls.get(0) || !ys.slice(1).equals(ls.slice(2))) {
            throw new IllegalArgumentException("loss: logits " + ls + " with " + numClasses
                    + " classes do not fit labels " + ys);
        }
        NDManager local = logits.getManager();
        DataType ft = logits.getDataType();
        int spatialDims = ls.dimension() - 2;

        NDArray y = labels.getDataType() == DataType.INT64 ? labels : labels.toType(DataType.INT64, false);
        NDArray annotated = y.neq(numClasses);
        NDArray mask = annotated.toType(ft, false); // (n, spatial)
        NDArray safe = y.mul(annotated.toType(DataType.INT64, false)); // ignore -> class 0

        // Cross-entropy over annotated voxels.
        NDArray logp = logits.logSoftmax(1);
        NDArray picked = logp.gather(safe.expandDims(1), 1).squeeze(1);
        NDArray count = mask.sum();
        NDArray ce = picked.mul(mask).sum().neg().div(count.maximum(1f));

        // Soft Dice on the foreground channels, restricted to annotated voxels.
        NDArray probs = logits.softmax(1).get(new NDIndex(":, 1:"));
        long[] classShape = new long[2 + spatialDims];
        java.util.Arrays.fill(classShape, 1);
        classShape[1] = numClasses - 1;
        NDArray classes = local.arange(1, numClasses, 1, DataType.INT64).reshape(classShape);
        NDArray m = mask.expandDims(1);
        NDArray onehot = safe.expandDims(1).eq(classes).toType(ft, false).mul(m);
        NDArray xm = probs.mul(m);
        int[] axes = new int[spatialDims];
        for (int a = 0; a < spatialDims; a++) {
            axes[a] = 2 + a;
        }
        NDArray intersect = xm.mul(onehot).sum(axes);
        NDArray sumPred = xm.sum(axes);
        NDArray sumGt = onehot.sum(axes);
        if (batchDice) {
            intersect = intersect.sum(new int[] {0});
            sumPred = sumPred.sum(new int[] {0});
            sumGt = sumGt.sum(new int[] {0});
        }
        // scalars as float: a double scalar would promote 0-dim results to float64
        float smooth = (float) DICE_SMOOTH;
        NDArray dc = intersect.mul(2f).add(smooth).div(sumGt.add(sumPred).add(smooth).maximum(1e-8f));
        NDArray dice = dc.mean();
        return new Terms(ce, dice, ce.sub(dice));
    }
}
