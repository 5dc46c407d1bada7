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

    /** Added to the logits of classes a voxel cannot have: their exp is exactly 0 in float. */
    private static final float EXCLUDED = -1e30f;

    private final int numClasses;
    private final boolean batchDice;
    private final boolean partialLabels;
    private final PartialTables partialTables;

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
        this.partialTables = partialLabels ? new PartialTables(numClasses) : null;
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
        NDArray m = mask.expandDims(1);
        NDArray onehot = foregroundOneHot(local, safe, spatialDims, ft).mul(m);
        NDArray xm = probs.mul(m);
        int[] axes = SoftDice.spatialAxes(spatialDims);
        return combine(ce, xm.mul(onehot).sum(axes), xm.sum(axes), onehot.sum(axes));
    }

    /**
     * The partial-label terms: y holds label codes (int64). Per-voxel class masks come from small class-major
     * tables (class × code) indexed with the flattened codes, giving (K, n·voxels), then viewed as
     * (n, K, [z,] y, x).
     */
    private Terms partialTerms(NDArray logits, NDArray y, int spatialDims) {
        NDManager local = logits.getManager();
        DataType ft = logits.getDataType();
        Shape spatial = y.getShape();
        NDArray flatCodes = y.clip(0, partialTables.numCodes - 1).flatten(); // out-of-range codes: no opaque error
        NDArray offsets = classMajor(local, partialTables.offsets, numClasses, flatCodes, spatial, ft);
        NDArray known = classMajor(local, partialTables.knownForeground, numClasses - 1, flatCodes, spatial, ft);
        NDArray mask = y.neq(numClasses).toType(ft, false); // (n, spatial)

        // Marginal CE, log Σ_{c allowed} p_c = lse_allowed(z) − lse(z). With excluded classes pushed down by
        // EXCLUDED, log-softmax of the restricted logits at an allowed class a is z_a − lse_allowed(z), so the
        // marginal is logSoftmax(z)_a − logSoftmax(z + offsets)_a: two fused, stable log-softmax passes. The
        // anchor a is the label for plain classes and background (always allowed) for partial codes; exactly
        // logp_y for plain classes. Ignored voxels stay finite and are multiplied by 0, so they get no gradient.
        NDArray anchor = y.mul(y.lt(numClasses).toType(DataType.INT64, false)).expandDims(1);
        NDArray logp = logits.logSoftmax(1);
        NDArray restricted = logits.add(offsets).logSoftmax(1);
        NDArray marginal = logp.gather(anchor, 1).sub(restricted.gather(anchor, 1)).squeeze(1);
        NDArray count = mask.sum();
        NDArray ce = marginal.mul(mask).sum().neg().div(count.maximum(1f));

        // Dice of each foreground class over the voxels where that class is known; a voxel labelled with a
        // class is known for every class, so the one-hot needs no mask.
        NDArray probs = logits.softmax(1).get(new NDIndex(":, 1:"));
        NDArray onehot = foregroundOneHot(local, y, spatialDims, ft);
        NDArray xk = probs.mul(known);
        int[] axes = SoftDice.spatialAxes(spatialDims);
        return combine(ce, xk.mul(onehot).sum(axes), xk.sum(axes), onehot.sum(axes));
    }

    /**
     * One-hot of the foreground classes on the manager, (n, K-1, [z,] y, x) in the given type: channel c-1 is 1 where the label is
     * class c. Other values (background, the ignore value, partial codes) give all zeros.
     */
    private NDArray foregroundOneHot(NDManager manager, NDArray labels, int spatialDims, DataType type) {
        long[] classShape = new long[2 + spatialDims];
        java.util.Arrays.fill(classShape, 1);
        classShape[1] = numClasses - 1;
        NDArray classes = manager.arange(1, numClasses, 1, DataType.INT64).reshape(classShape);
        return labels.expandDims(1).eq(classes).toType(type, false);
    }

    /** Rows of a class-major table (rows × codes) picked per voxel: (n, rows, [z,] y, x). */
    private static NDArray classMajor(NDManager manager, float[] table, int rows, NDArray flatCodes, Shape labels,
            DataType type) {
        int numCodes = table.length / rows;
        long[] shape = new long[labels.dimension() + 1];
        shape[0] = rows;
        System.arraycopy(labels.getShape(), 0, shape, 1, labels.dimension());
        return manager.create(table, new Shape(rows, numCodes)).toType(type, false)
                .get(new NDIndex(":, {}", flatCodes)).reshape(new Shape(shape)).swapAxes(0, 1);
    }

    /** The lookup tables of the partial loss, class-major (class × code). */
    private static final class PartialTables {
        final int numCodes;
        /** 0 where the class is allowed at the code, {@link #EXCLUDED} where not; K rows. */
        final float[] offsets;
        /** 1 where foreground class c (row c-1) is known at the code; K-1 rows. */
        final float[] knownForeground;

        PartialTables(int numClasses) {
            LabelCodes codes = new LabelCodes(numClasses);
            numCodes = codes.numCodes();
            float[] allowed = codes.allowedTable();
            float[] known = codes.knownTable();
            offsets = new float[numClasses * numCodes];
            knownForeground = new float[(numClasses - 1) * numCodes];
            for (int v = 0; v < numCodes; v++) {
                for (int c = 0; c < numClasses; c++) {
                    offsets[c * numCodes + v] = allowed[v * numClasses + c] != 0 ? 0f : EXCLUDED;
                    if (c > 0) {
                        knownForeground[(c - 1) * numCodes + v] = known[v * numClasses + c];
                    }
                }
            }
        }
    }

    /** Soft Dice from the per-sample sums (n, K-1), and the combined loss. */
    private Terms combine(NDArray ce, NDArray intersect, NDArray sumPred, NDArray sumGt) {
        NDArray dice = SoftDice.mean(intersect, sumPred, sumGt, batchDice);
        return new Terms(ce, dice, ce.sub(dice));
    }
}
