package org.maskseg.core.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;

/**
 * What the planner needs to know about a dataset: geometry per case, intensities of annotated foreground
 * per channel, and how often each class is annotated. All spatial arrays are x first.
 * <p>
 * Unlike nnU-Net, which takes every voxel with a label above 0 as foreground (and so counts the ignore
 * label as foreground), only voxels annotated with a class above 0 count here: unannotated voxels say
 * nothing about the intensities of the structures to segment.
 * <p>
 * Intensity statistics: mean, standard deviation (population), minimum and maximum are exact over all
 * annotated foreground voxels of the dataset. Median and the 0.5 / 99.5 percentiles are computed on a
 * deterministic subsample of at most {@link #SAMPLES_PER_CASE} voxels per case (all voxels when a case has
 * fewer), drawn without replacement with a fixed seed per case, so the same data always gives the same plan;
 * percentiles interpolate linearly between order statistics (numpy's default).
 *
 * @param caseNames          case names, in input order
 * @param spacings           voxel spacing per case
 * @param sizes              size in voxels per case
 * @param channels           number of image channels (equal for all cases)
 * @param medianSpacing      per-axis median of the spacings
 * @param minSpacing         per-axis minimum of the spacings
 * @param maxSpacing         per-axis maximum of the spacings
 * @param medianSize         per-axis median of the sizes (may be fractional for an even number of cases)
 * @param minSize            per-axis minimum of the sizes
 * @param maxSize            per-axis maximum of the sizes
 * @param intensities        per channel statistics of annotated foreground voxels
 * @param classVoxels        per class (0..K-1), number of voxels annotated with it over the dataset
 * @param classCaseFraction  per class, fraction of cases in which at least one voxel carries it
 * @param annotatedFraction  per case, fraction of voxels that carry a class (not the ignore value)
 */
public record DatasetFingerprint(List<String> caseNames, List<double[]> spacings, List<long[]> sizes, int channels,
        double[] medianSpacing, double[] minSpacing, double[] maxSpacing, double[] medianSize, long[] minSize,
        long[] maxSize, List<ChannelIntensities> intensities, long[] classVoxels, double[] classCaseFraction,
        double[] annotatedFraction) {

    /** Upper bound of voxels per case used for median and percentiles. */
    public static final int SAMPLES_PER_CASE = 10_000;

    /** Seed of the per-case subsampling; the case index is added to it. */
    private static final long SAMPLING_SEED = 1234;

    /**
     * Intensity statistics of one channel over the annotated foreground; all NaN when the dataset has no
     * annotated foreground voxel ({@code voxels == 0}).
     */
    public record ChannelIntensities(long voxels, double mean, double std, double min, double max, double median,
            double percentile00_5, double percentile99_5) {
    }

    public int numCases() {
        return caseNames.size();
    }

    public int spatialDims() {
        return medianSpacing.length;
    }

    public int numClasses() {
        return classVoxels.length;
    }

    /**
     * Computes the fingerprint. Images and labels are paired by position; each pair must have the same
     * spatial size, every image the same number of channels and dimensionality, every intensity must be
     * finite and every label value a class or the ignore value of {@code spec}.
     */
    public static DatasetFingerprint compute(List<ImageVolume> images, List<LabelVolume> labels, LabelSpec spec) {
        if (images.size() != labels.size()) {
            throw new InvalidInputException(images.size() + " images but " + labels.size()
                    + " label images: every image needs exactly one label image");
        }
        Builder b = new Builder(spec);
        for (int i = 0; i < images.size(); i++) {
            b.add(images.get(i), labels.get(i));
        }
        return b.build();
    }

    /**
     * Collects the fingerprint one case at a time, so that a dataset never has to be in memory at once; only
     * the intensity subsample (at most {@link #SAMPLES_PER_CASE} values per case and channel) is kept.
     */
    public static final class Builder {
        private final LabelSpec spec;
        private final int k;
        private final List<String> names = new ArrayList<>();
        private final List<double[]> spacings = new ArrayList<>();
        private final List<long[]> sizes = new ArrayList<>();
        private final long[] classVoxels;
        private final int[] casesWithClass;
        private final List<Double> annotatedFraction = new ArrayList<>();
        private final List<float[][]> samples = new ArrayList<>();
        private Moments[] moments;
        private int dims;
        private int channels;

        public Builder(LabelSpec spec) {
            this.spec = spec;
            this.k = spec.numClasses();
            this.classVoxels = new long[k];
            this.casesWithClass = new int[k];
        }

        /** Adds one case; checks it against the cases added before. */
        public Builder add(ImageVolume image, LabelVolume label) {
            int caseIndex = names.size();
            if (caseIndex == 0) {
                dims = image.spatialDims();
                channels = image.channels();
                moments = new Moments[channels];
                for (int c = 0; c < channels; c++) {
                    moments[c] = new Moments();
                }
            }
            checkPair(image, label, dims, channels);
            spec.validate(label);
            float[] data = image.data();
            checkFinite(image, data);
            int[] lab = label.data();
            int voxels = lab.length;

            long[] counts = new long[k];
            int foreground = 0;
            for (int v = 0; v < voxels; v++) {
                int value = lab[v];
                if (spec.isClass(value)) {
                    counts[value]++;
                    if (value > 0) {
                        foreground++;
                        for (int c = 0; c < channels; c++) {
                            moments[c].add(data[c * voxels + v]);
                        }
                    }
                }
            }
            long annotated = 0;
            for (int c = 0; c < k; c++) {
                classVoxels[c] += counts[c];
                annotated += counts[c];
                if (counts[c] > 0) {
                    casesWithClass[c]++;
                }
            }
            names.add(image.name());
            spacings.add(image.spacing());
            sizes.add(image.spatialSize());
            annotatedFraction.add((double) annotated / voxels);
            samples.add(sampleForeground(data, lab, spec, voxels, foreground, channels,
                    new SplittableRandom(SAMPLING_SEED + caseIndex)));
            return this;
        }

        public DatasetFingerprint build() {
            int n = names.size();
            if (n == 0) {
                throw new InvalidInputException("no images given: the dataset is empty");
            }
            List<ChannelIntensities> intensities = new ArrayList<>(channels);
            for (int c = 0; c < channels; c++) {
                float[][] perCase = new float[n][];
                for (int i = 0; i < n; i++) {
                    perCase[i] = samples.get(i)[c];
                }
                intensities.add(summarise(moments[c], perCase));
            }
            double[] classCaseFraction = new double[k];
            for (int c = 0; c < k; c++) {
                classCaseFraction[c] = (double) casesWithClass[c] / n;
            }
            double[] medianSpacing = new double[dims];
            double[] minSpacing = new double[dims];
            double[] maxSpacing = new double[dims];
            double[] medianSize = new double[dims];
            long[] minSize = new long[dims];
            long[] maxSize = new long[dims];
            for (int d = 0; d < dims; d++) {
                double[] sp = new double[n];
                double[] sz = new double[n];
                for (int i = 0; i < n; i++) {
                    sp[i] = spacings.get(i)[d];
                    sz[i] = sizes.get(i)[d];
                }
                Arrays.sort(sp);
                Arrays.sort(sz);
                medianSpacing[d] = percentileOfSorted(sp, 50);
                minSpacing[d] = sp[0];
                maxSpacing[d] = sp[n - 1];
                medianSize[d] = percentileOfSorted(sz, 50);
                minSize[d] = (long) sz[0];
                maxSize[d] = (long) sz[n - 1];
            }
            return new DatasetFingerprint(List.copyOf(names), List.copyOf(spacings), List.copyOf(sizes), channels,
                    medianSpacing, minSpacing, maxSpacing, medianSize, minSize, maxSize, List.copyOf(intensities),
                    classVoxels.clone(), classCaseFraction,
                    annotatedFraction.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    private static void checkPair(ImageVolume image, LabelVolume label, int dims, int channels) {
        if (image.spatialDims() != dims) {
            throw new InvalidInputException("image '" + image.name() + "' is " + image.spatialDims()
                    + "D but the first image is " + dims + "D: all images of a dataset need the same dimensionality");
        }
        if (image.channels() != channels) {
            throw new InvalidInputException("image '" + image.name() + "' has " + image.channels()
                    + " channels but the first image has " + channels + ": all images need the same channels");
        }
        if (!Arrays.equals(image.spatialSize(), label.size())) {
            throw new InvalidInputException("image '" + image.name() + "' has size "
                    + Arrays.toString(image.spatialSize()) + " but its labels '" + label.name() + "' have size "
                    + Arrays.toString(label.size()));
        }
    }

    static void checkFinite(ImageVolume image, float[] data) {
        for (int v = 0; v < data.length; v++) {
            if (!Float.isFinite(data[v])) {
                long perChannel = image.voxelsPerChannel();
                throw new InvalidInputException("image '" + image.name() + "': value " + data[v] + " in channel "
                        + (v / perChannel) + " at linear voxel index " + (v % perChannel)
                        + "; intensities must be finite (mark such voxels with the ignore label and replace them)");
            }
        }
    }

    /**
     * Selection sampling (Knuth's algorithm S): one pass, exactly min(foreground, SAMPLES_PER_CASE) voxels,
     * each foreground voxel equally likely; all channels are sampled at the same voxels.
     */
    private static float[][] sampleForeground(float[] data, int[] lab, LabelSpec spec, int voxels, int foreground,
            int channels, SplittableRandom random) {
        int wanted = Math.min(foreground, SAMPLES_PER_CASE);
        float[][] out = new float[channels][wanted];
        int taken = 0;
        int seen = 0;
        for (int v = 0; v < voxels && taken < wanted; v++) {
            int value = lab[v];
            if (value <= 0 || !spec.isClass(value)) {
                continue;
            }
            int remaining = foreground - seen;
            seen++;
            if (random.nextInt(remaining) < wanted - taken) {
                for (int c = 0; c < channels; c++) {
                    out[c][taken] = data[c * voxels + v];
                }
                taken++;
            }
        }
        return out;
    }

    private static ChannelIntensities summarise(Moments m, float[][] perCase) {
        if (m.count == 0) {
            return new ChannelIntensities(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN);
        }
        int total = 0;
        for (float[] s : perCase) {
            total += s.length;
        }
        double[] pooled = new double[total];
        int p = 0;
        for (float[] s : perCase) {
            for (float f : s) {
                pooled[p++] = f;
            }
        }
        Arrays.sort(pooled);
        return new ChannelIntensities(m.count, m.mean, Math.sqrt(m.m2 / m.count), m.min, m.max,
                percentileOfSorted(pooled, 50), percentileOfSorted(pooled, 0.5), percentileOfSorted(pooled, 99.5));
    }

    /** Percentile q (0..100) of sorted values, interpolating linearly between neighbouring order statistics. */
    public static double percentileOfSorted(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double pos = q / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = pos - lo;
        return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
    }

    /** Running mean and sum of squared deviations (Welford), numerically stable for large counts. */
    private static final class Moments {
        long count;
        double mean;
        double m2;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;

        void add(double x) {
            count++;
            double delta = x - mean;
            mean += delta / count;
            m2 += delta * (x - mean);
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
    }
}
