package org.maskseg.core.predict;

import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;

/**
 * Turns per-class scores (one channel per class) into the maps a user sees: labels, probabilities and
 * uncertainty. All work voxel by voxel on the host.
 */
public final class ClassMaps {

    private ClassMaps() {
    }

    /**
     * The class with the highest score at each voxel (the first one on ties, like numpy's argmax). The
     * result only holds class values 0..K-1: the ignore label never appears in a prediction.
     */
    public static LabelVolume argmax(ImageVolume scores) {
        int k = scores.channels();
        int n = Math.toIntExact(scores.voxelsPerChannel());
        float[] s = scores.data();
        int[] labels = new int[n];
        for (int v = 0; v < n; v++) {
            float best = s[v];
            int arg = 0;
            for (int c = 1; c < k; c++) {
                float x = s[c * n + v];
                if (x > best) {
                    best = x;
                    arg = c;
                }
            }
            labels[v] = arg;
        }
        return LabelVolume.wrap(scores.name(), labels, scores.spatialSize(), scores.spacing());
    }

    /** Softmax over the class channels at every voxel (computed in double, shifted by the maximum). */
    public static ImageVolume softmax(ImageVolume logits) {
        int k = logits.channels();
        int n = Math.toIntExact(logits.voxelsPerChannel());
        float[] l = logits.data();
        float[] p = new float[l.length];
        double[] e = new double[k];
        for (int v = 0; v < n; v++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, l[c * n + v]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                e[c] = Math.exp(l[c * n + v] - max);
                sum += e[c];
            }
            for (int c = 0; c < k; c++) {
                p[c * n + v] = (float) (e[c] / sum);
            }
        }
        return ImageVolume.wrap(logits.name(), p, logits.spatialSize(), k, logits.spacing());
    }

    /**
     * Per-voxel uncertainty: the entropy −Σ p log p of the class probabilities divided by log K, so that
     * 0 means one class has probability 1 and 1 means all K classes are equally likely.
     *
     * @param probabilities one channel per class, summing to 1 at each voxel
     * @return a single-channel image with values in [0, 1]
     */
    public static ImageVolume normalisedEntropy(ImageVolume probabilities) {
        int k = probabilities.channels();
        int n = Math.toIntExact(probabilities.voxelsPerChannel());
        float[] p = probabilities.data();
        float[] h = new float[n];
        double scale = k > 1 ? 1 / Math.log(k) : 0;
        for (int v = 0; v < n; v++) {
            double sum = 0;
            for (int c = 0; c < k; c++) {
                double q = p[c * n + v];
                if (q > 0) {
                    sum -= q * Math.log(q);
                }
            }
            h[v] = (float) Math.min(1, Math.max(0, sum * scale));
        }
        return ImageVolume.wrap(probabilities.name(), h, probabilities.spatialSize(), 1, probabilities.spacing());
    }
}
