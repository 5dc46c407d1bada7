package org.maskseg.core.loss;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.labels.LabelCodes;

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
 * <p>
 * With partial labels the labels are {@link LabelCodes}: besides 0..K-1 and K, a code K+m says "background
 * or one of the unknown classes in bit mask m". Then
 * <ul>
 * <li>CE is the marginal cross-entropy −log Σ p_c over the classes c allowed by the code (for a plain class
 * this is the ordinary CE), averaged over the voxels whose code is not K;</li>
 * <li>the Dice sums of foreground class c run only over voxels where membership in c is known:
 * I = Σ x_c·y_c·k_c, P = Σ x_c·k_c, G = Σ y_c·k_c.</li>
 * </ul>
 * Allowed and known classes are looked up per voxel from small tables on the device. Without partial labels
 * the original computation runs unchanged.
 */
public final class MaskedDiceCeLoss implements SegmentationLoss {

    /** Smoothing of the Dice ratio (numerator and denominator). */
    public static final double DICE_SMOOTH = 1e-5;

    /** Added to the log-probability of classes a voxel cannot have: exp of it is exactly 0 in float. */
    private static final float EXCLUDED = -1e30f;

    private final int numClasses;
    private final boolean batchDice;
    private final boolean partialLabels;

    /**
     * @param numClasses K, classes including background; K is also the canonical ignore value
     * @param batchDice  sum Dice statistics over the batch as well as over space
     */
    public MaskedDiceCeLoss(int numClasses, boolean batchDice) {
        this(numClasses, batchDice, false);
    }

    /**
     * @param numClasses    K, classes including background; K is also the canonical ignore value
     * @param batchDice     sum Dice statistics over the batch as well as over space
     * @param partialLabels labels may hold partial codes above K (see {@link LabelCodes})
     */
    public MaskedDiceCeLoss(int numClasses, boolean batchDice, boolean partialLabels) {
        if (numClasses < 2) {
            throw new InvalidInputException("loss: at least two classes are needed, got " + numClasses);
        }
        if (partialLabels && !new LabelCodes(numClasses).supportsPartial()) {
            throw new InvalidInputException("loss: partial labels support at most "
                    + LabelCodes.MAX_PARTIAL_FOREGROUND + " foreground classes, got " + (numClasses - 1));
        }
        this.numClasses = numClasses;
        this.batchDice = batchDice;
        this.partialLabels = partialLabels;
    }

    public int numClasses() {
        return numClasses;
    }

    public boolean batchDice() {
        return batchDice;
    }

    /** Whether labels may hold partial codes (marginal CE, Dice over known voxels). */
    public boolean partialLabels() {
        return partialLabels;
    }

    /** The two terms of the loss (scalars) and their combination. */
    public record Terms(NDArray crossEntropy, NDArray dice, NDArray loss) implements SegmentationLoss.Terms {
    }

    /**
     * The loss (a scalar on the logits' manager).
     *
     * @param logits (n, K, [z,] y, x)
     * @param labels (n, [z,] y, x) integer canonical labels (0..K-1, ignore = K), or label codes with
     *               partial labels
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
        if (partialLabels) {
            return partialTerms(logits, y, spatialDims);
        }
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
        return combine(ce, xm.mul(onehot).sum(axes), xm.sum(axes), onehot.sum(axes));
    }

    /**
     * The partial-label terms: y holds label codes (int64). The allowed and known class masks come from
     * {@link LabelCodes} tables indexed by the codes, giving (n, [z,] y, x, K), moved to (n, K, [z,] y, x).
     */
    private Terms partialTerms(NDArray logits, NDArray y, int spatialDims) {
        NDManager local = logits.getManager();
        DataType ft = logits.getDataType();
        LabelCodes codes = new LabelCodes(numClasses);
        Shape tableShape = new Shape(codes.numCodes(), numClasses);
        int[] classesFirst = new int[2 + spatialDims];
        classesFirst[0] = 0;
        classesFirst[1] = 1 + spatialDims;
        for (int a = 0; a < spatialDims; a++) {
            classesFirst[2 + a] = 1 + a;
        }
        // codes outside the table would make the lookup fail with an opaque engine error
        NDArray safeCodes = y.clip(0, codes.numCodes() - 1);
        NDArray allowed = local.create(codes.allowedTable(), tableShape).toType(ft, false)
                .get(new NDIndex("{}", safeCodes)).transpose(classesFirst);
        NDArray known = local.create(codes.knownTable(), tableShape).toType(ft, false)
                .get(new NDIndex("{}", safeCodes)).transpose(classesFirst);
        NDArray mask = y.neq(numClasses).toType(ft, false); // (n, spatial)

        // Marginal CE: −logsumexp of the log-probabilities of the allowed classes. Excluded classes are
        // pushed to EXCLUDED, so they add exactly 0; a voxel without any allowed class (ignore) stays finite
        // and is then multiplied by 0, which gives it no gradient.
        NDArray logp = logits.logSoftmax(1);
        NDArray restricted = logp.add(allowed.neg().add(1f).mul(EXCLUDED));
        NDArray top = restricted.max(new int[] {1}, true).stopGradient();
        NDArray marginal = restricted.sub(top).exp().sum(new int[] {1}).log().add(top.squeeze(1));
        NDArray count = mask.sum();
        NDArray ce = marginal.mul(mask).sum().neg().div(count.maximum(1f));

        // Dice of each foreground class over the voxels where that class is known; a voxel labelled with a
        // class is known for every class, so the one-hot needs no mask.
        NDArray probs = logits.softmax(1).get(new NDIndex(":, 1:"));
        NDArray k = known.get(new NDIndex(":, 1:"));
        long[] classShape = new long[2 + spatialDims];
        java.util.Arrays.fill(classShape, 1);
        classShape[1] = numClasses - 1;
        NDArray classes = local.arange(1, numClasses, 1, DataType.INT64).reshape(classShape);
        NDArray onehot = y.expandDims(1).eq(classes).toType(ft, false);
        NDArray xk = probs.mul(k);
        int[] axes = new int[spatialDims];
        for (int a = 0; a < spatialDims; a++) {
            axes[a] = 2 + a;
        }
        return combine(ce, xk.mul(onehot).sum(axes), xk.sum(axes), onehot.sum(axes));
    }

    /** Soft Dice from the per-sample sums (n, K-1), and the combined loss. */
    private Terms combine(NDArray ce, NDArray intersect, NDArray sumPred, NDArray sumGt) {
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
