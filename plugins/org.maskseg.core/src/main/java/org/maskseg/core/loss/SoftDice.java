package org.maskseg.core.loss;

import ai.djl.ndarray.NDArray;

/**
 * The soft Dice shared by the class and the region loss, from per-sample and per-channel sums: with batch Dice
 * the sums are pooled over the batch first; dc = (2I + s) / max(G + P + s, 1e-8) with s =
 * {@link MaskedDiceCeLoss#DICE_SMOOTH}, and the result is the mean of dc.
 */
final class SoftDice {

    private SoftDice() {
    }

    /**
     * @param intersect Σ x·y per sample and channel, (n, C)
     * @param sumPred   Σ x, (n, C)
     * @param sumGt     Σ y, (n, C)
     * @return the mean Dice, a scalar
     */
    static NDArray mean(NDArray intersect, NDArray sumPred, NDArray sumGt, boolean batchDice) {
        if (batchDice) {
            intersect = intersect.sum(new int[] {0});
            sumPred = sumPred.sum(new int[] {0});
            sumGt = sumGt.sum(new int[] {0});
        }
        // scalars as float: a double scalar would promote 0-dim results to float64
        float smooth = (float) MaskedDiceCeLoss.DICE_SMOOTH;
        NDArray dc = intersect.mul(2f).add(smooth).div(sumGt.add(sumPred).add(smooth).maximum(1e-8f));
        return dc.mean();
    }

    /** The spatial axes of an (n, c, [z,] y, x) tensor, for summing over space. */
    static int[] spatialAxes(int spatialDims) {
        int[] axes = new int[spatialDims];
        for (int a = 0; a < spatialDims; a++) {
            axes[a] = 2 + a;
        }
        return axes;
    }
}
