package org.maskseg.core.loss;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * Weighted sum of a {@link SegmentationLoss} ({@link MaskedDiceCeLoss} or {@link RegionLoss}) over the
 * outputs of a deep-supervised network (full resolution first). Output i has weight 1/2^i, the lowest resolution gets 0, and the weights are
 * normalised to sum 1. Each output's target is the full-resolution label tensor resized by nearest
 * neighbour to that output's size (see {@link LabelDownsampling}), so ignore voxels stay ignored.
 */
public final class DeepSupervisionLoss {

    private final SegmentationLoss loss;

    public DeepSupervisionLoss(SegmentationLoss loss) {
        this.loss = loss;
    }

    public SegmentationLoss base() {
        return loss;
    }

    /** nnU-Net's weights for n outputs: 1/2^i, the last (lowest resolution) 0 when n > 1, summing to 1. */
    public static double[] weights(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("at least one output is needed");
        }
        double[] w = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            w[i] = (n > 1 && i == n - 1) ? 0 : Math.pow(0.5, i);
            sum += w[i];
        }
        for (int i = 0; i < n; i++) {
            w[i] /= sum;
        }
        return w;
    }

    /**
     * @param outputs logits per output, full resolution first, each (n, outputs, [z,] y, x)
     * @param labels  full-resolution canonical label codes (n, [z,] y, x), integer
     * @return the weighted loss, a scalar
     */
    public NDArray compute(NDList outputs, NDArray labels) {
        double[] w = weights(outputs.size());
        NDArray total = null;
        for (int i = 0; i < outputs.size(); i++) {
            if (w[i] == 0) {
                continue;
            }
            NDArray logits = outputs.get(i);
            Shape s = logits.getShape();
            long[] spatial = s.slice(2).getShape();
            NDArray target = Arrays.equals(spatial, labels.getShape().slice(1).getShape()) ? labels
                    : LabelDownsampling.nearest(labels, spatial);
            NDArray term = loss.compute(logits, target);
            NDArray weighted = w[i] == 1 ? term : term.mul((float) w[i]);
            total = total == null ? weighted : total.add(weighted);
        }
        return total;
    }
}
