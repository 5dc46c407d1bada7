package org.maskseg.core.predict;

import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.RegionSet;

/**
 * Turns per-class scores (one channel per class), or per-region scores of a region-based model (one channel
 * per region), into the maps a user sees: labels, probabilities and uncertainty. All work voxel by voxel on
 * the host.
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

    /** The logistic sigmoid of every value, channel by channel (computed in double). */
    public static ImageVolume sigmoid(ImageVolume logits) {
        float[] l = logits.data();
        float[] p = new float[l.length];
        for (int i = 0; i < l.length; i++) {
            double x = l[i];
            // two branches so that exp never overflows
            p[i] = (float) (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
        }
        return ImageVolume.wrap(logits.name(), p, logits.spatialSize(), logits.channels(), logits.spacing());
    }

    /**
     * Labels of a region-based model: background, then for each region in order its export label wherever the
     * region is predicted (logit &gt; 0, i.e. σ &gt; 0.5); later regions overwrite earlier ones.
     *
     * @param logits one channel per region
     */
    public static LabelVolume regionLabels(ImageVolume logits, RegionSet regions) {
        return regionLabels(logits, regions, 0f);
    }

    /**
     * Labels of a region-based model from region probabilities: as {@link #regionLabels(ImageVolume, RegionSet)}
     * with a region predicted where its probability exceeds 0.5 (e.g. the mean probability of an ensemble).
     *
     * @param probabilities one channel per region, values in [0, 1]
     */
    public static LabelVolume regionLabelsFromProbabilities(ImageVolume probabilities, RegionSet regions) {
        return regionLabels(probabilities, regions, 0.5f);
    }

    private static LabelVolume regionLabels(ImageVolume logits, RegionSet regions, float threshold) {
        int n = Math.toIntExact(logits.voxelsPerChannel());
        if (logits.channels() != regions.size()) {
            throw new IllegalArgumentException(logits.channels() + " channels for " + regions.size() + " regions");
        }
        float[] s = logits.data();
        int[] labels = new int[n];
        for (int r = 0; r < regions.size(); r++) {
            int export = regions.get(r).exportLabel();
            int offset = r * n;
            for (int v = 0; v < n; v++) {
                if (s[offset + v] > threshold) {
                    labels[v] = export;
                }
            }
        }
        return LabelVolume.wrap(logits.name(), labels, logits.spatialSize(), logits.spacing());
    }

    /**
     * Per-voxel uncertainty of independent region probabilities: the mean over regions of the binary entropy
     * −p log p − (1 − p) log(1 − p), divided by log 2, so that 0 means every region is certain (p = 0 or 1)
     * and 1 means every region has p = 0.5.
     *
     * @param probabilities one channel per region, values in [0, 1]
     * @return a single-channel image with values in [0, 1]
     */
    public static ImageVolume meanBinaryEntropy(ImageVolume probabilities) {
        int k = probabilities.channels();
        int n = Math.toIntExact(probabilities.voxelsPerChannel());
        float[] p = probabilities.data();
        float[] h = new float[n];
        double scale = 1 / (k * Math.log(2));
        for (int v = 0; v < n; v++) {
            double sum = 0;
            for (int c = 0; c < k; c++) {
                double q = p[c * n + v];
                if (q > 0 && q < 1) {
                    sum -= q * Math.log(q) + (1 - q) * Math.log(1 - q);
                }
            }
            h[v] = (float) Math.min(1, Math.max(0, sum * scale));
        }
        return ImageVolume.wrap(probabilities.name(), h, probabilities.spatialSize(), 1, probabilities.spacing());
    }
}
