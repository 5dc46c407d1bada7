package org.maskseg.core.predict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.maskseg.core.CancelledException;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.VolumeShapes;
import org.maskseg.core.nn.SegmentationNetwork;
import org.maskseg.core.tensor.Tensors;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Applies a network to images of any size by sliding a window of the training patch size over them, the
 * way nnU-Net v2 predicts:
 * <ul>
 * <li>window starts per axis from {@link SlidingWindow#windowStarts} (step 0.5 of the patch by default);</li>
 * <li>an image smaller than the patch along an axis is padded with 0 to the patch size, centred (the extra
 * voxel of an odd difference after the image), and the result is cropped back;</li>
 * <li>the logits of every window are multiplied by the Gaussian importance map
 * ({@link SlidingWindow#gaussianImportanceMap}) and summed into a host buffer of the image size; at the end
 * each voxel is divided by the summed weights, giving a weighted mean of the overlapping logits;</li>
 * <li>with mirroring, each window is also predicted flipped along every combination of spatial axes; the
 * results are flipped back and averaged before weighting;</li>
 * <li>a 2D network applied to a 3D image predicts each xy slice independently (windows of depth 1).</li>
 * </ul>
 * Memory is bounded: one float buffer of classes × voxels plus one of voxels on the host, and
 * {@link PredictionSettings#batchWindows()} windows on the device at a time; every forward pass runs in
 * its own {@link NDScope}, so device memory does not grow with the image or the number of images.
 * Gradient recording is switched off on the calling thread while predicting.
 */
public final class SlidingWindowPredictor {

    private final SegmentationNetwork network;
    private final int[] patch;
    private final PredictionSettings settings;

    /**
     * @param network   the trained network; its manager's device is where the windows are computed
     * @param patchSize the training patch size, x first, with as many axes as the network has
     * @param settings  step, mirroring and batch size
     */
    public SlidingWindowPredictor(SegmentationNetwork network, int[] patchSize, PredictionSettings settings) {
        if (patchSize.length != network.spatialDims()) {
            throw new InvalidInputException("patch size " + Arrays.toString(patchSize) + " has " + patchSize.length
                    + " axes but the network is " + network.spatialDims() + "D");
        }
        for (int p : patchSize) {
            if (p < 1) {
                throw new InvalidInputException("patch size " + Arrays.toString(patchSize) + " has an empty axis");
            }
        }
        this.network = network;
        this.patch = patchSize.clone();
        this.settings = settings;
    }

    public SegmentationNetwork network() {
        return network;
    }

    public PredictionSettings settings() {
        return settings;
    }

    /** The training patch size, x first. */
    public int[] patchSize() {
        return patch.clone();
    }

    /** Number of windows (forward passes without mirroring) needed for an image of this size, x first. */
    public long windowCount(long[] spatialSize) {
        Geometry g = geometry(spatialSize);
        long n = 1;
        for (int[] s : g.starts) {
            n *= s.length;
        }
        return n;
    }

    /**
     * Predicts the logits of one image (already normalised and on the network's grid).
     *
     * @param image   intensities with the network's number of input channels
     * @param monitor progress and cancellation, checked between batches of windows
     * @return the blended logits: an image of the same name, size and spacing with one channel per class
     * @throws InvalidInputException if the channel count or dimensionality does not fit the network
     * @throws CancelledException if the monitor asked to stop
     */
    public ImageVolume predictLogits(ImageVolume image, PredictionMonitor monitor) {
        if (image.channels() != network.inputChannels()) {
            throw new InvalidInputException("image '" + image.name() + "' has " + image.channels()
                    + " channel(s) but the model was trained on " + network.inputChannels());
        }
        if (image.spatialDims() < network.spatialDims()) {
            throw new InvalidInputException("image '" + image.name() + "' is 2D but the model is a 3D model; "
                    + "predict 2D images with a 2D model");
        }
        Geometry g = geometry(image.spatialSize());
        int classes = network.outputChannels();
        float[] padded;
        float[] sums;
        float[] weights;
        long bufferBytes = 4L * (classes + 1) * g.paddedVoxels();
        try {
            padded = g.pad(image.data(), image.channels());
            sums = new float[VolumeShapes.checkedArrayLength(image.name() + " (logits)",
                    (long) classes * g.paddedVoxels())];
            weights = new float[g.paddedVoxels()];
        } catch (OutOfMemoryError e) {
            throw new InvalidInputException("image '" + image.name() + "' needs " + (bufferBytes >> 20)
                    + " MB of Java heap for its " + classes + " class maps; give Java more memory (-Xmx)", e);
        }
        accumulate(padded, image.channels(), g, sums, weights, monitor == null ? PredictionMonitor.NONE : monitor);
        int pv = g.paddedVoxels();
        for (int c = 0; c < classes; c++) {
            int off = c * pv;
            for (int v = 0; v < pv; v++) {
                sums[off + v] /= weights[v];
            }
        }
        float[] logits = g.crop(sums, classes);
        return ImageVolume.wrap(image.name(), logits, image.spatialSize(), classes, image.spacing());
    }

    private void accumulate(float[] image, int channels, Geometry g, float[] sums, float[] weights,
            PredictionMonitor monitor) {
        int[] w = g.window;
        int windowVoxels = w[0] * w[1] * w[2];
        float[] gauss = SlidingWindow.gaussianImportanceMap(patch, SlidingWindow.DEFAULT_SIGMA_SCALE);
        List<int[]> origins = g.origins();
        long total = origins.size();
        int batch = settings.batchWindows();
        float[] input = new float[Math.min(batch, origins.size()) * channels * windowVoxels];
        int classes = network.outputChannels();
        long[] netShape = networkWindowShape(w);
        // Only touch the thread's grad mode when it is on (inside training); switching it costs a libtorch warning.
        boolean gradMode = JniUtils.isGradMode();
        if (gradMode) {
            JniUtils.setGradMode(false);
        }
        try {
            for (int first = 0; first < origins.size(); first += batch) {
                if (monitor.isCancelled()) {
                    throw new CancelledException();
                }
                int n = Math.min(batch, origins.size() - first);
                for (int i = 0; i < n; i++) {
                    gather(image, channels, g.padded, origins.get(first + i), w, input, i * channels * windowVoxels);
                }
                float[] out = forward(input, n, channels, netShape, classes);
                for (int i = 0; i < n; i++) {
                    scatter(out, i * classes * windowVoxels, classes, gauss, origins.get(first + i), w, g.padded, sums);
                }
                monitor.progress(first + n, total);
            }
        } finally {
            if (gradMode) {
                JniUtils.setGradMode(true);
            }
        }
        // The weight sum does not depend on the network: add the map once per window.
        for (int[] o : origins) {
            addWeights(gauss, o, w, g.padded, weights);
        }
    }

    /** Tensor shape of one window without the batch axis: (c, [z,] y, x) as the network sees it. */
    private long[] networkWindowShape(int[] w) {
        return network.spatialDims() == 3 ? new long[] {w[2], w[1], w[0]} : new long[] {w[1], w[0]};
    }

    /** One forward pass (or 2^d with mirroring) of n windows; returns logits (n, classes, window) on the host. */
    private float[] forward(float[] input, int n, int channels, long[] windowShape, int classes) {
        long[] shape = new long[2 + windowShape.length];
        shape[0] = n;
        shape[1] = channels;
        System.arraycopy(windowShape, 0, shape, 2, windowShape.length);
        int length = n * channels * (int) new Shape(windowShape).size();
        try (NDScope scope = new NDScope(); NDManager sub = network.manager().newSubManager()) {
            scope.suppressNotUsedWarning();
            NDArray x = Tensors.fromFloats(sub, length == input.length ? input : Arrays.copyOf(input, length), shape);
            return passes(x, shape, windowShape.length, classes);
        } catch (EngineException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("out of memory") || m.contains("can't allocate") || m.contains("cannot allocate")) {
                throw new InvalidInputException("the device " + network.manager().getDevice() + " ran out of memory "
                        + "predicting " + n + " window(s) of " + Arrays.toString(patch) + " at once; lower the "
                        + "batch windows setting (now " + settings.batchWindows() + ") or use the CPU", e);
            }
            throw e;
        }
    }

    /** The plain pass and, with mirroring, the mirrored ones, averaged; logits copied to the host. */
    private float[] passes(NDArray x, long[] shape, int dims, int classes) {
        NDArray logits = single(x, shape, classes);
        if (settings.mirroring()) {
            int passes = 1;
            for (int mask = 1; mask < (1 << dims); mask++) {
                if (!allowed(mask, dims)) {
                    continue;
                }
                int[] axes = new int[Integer.bitCount(mask)];
                for (int d = 0, k = 0; d < dims; d++) {
                    if ((mask & (1 << d)) != 0) {
                        axes[k++] = 2 + d;
                    }
                }
                logits = logits.add(single(x.flip(axes), shape, classes).flip(axes));
                passes++;
            }
            logits = logits.div(passes);
        }
        return logits.toType(DataType.FLOAT32, false).toFloatArray();
    }

    /** Whether every axis flipped by this combination may be mirrored. */
    private boolean allowed(int mask, int dims) {
        for (int d = 0; d < dims; d++) {
            if ((mask & (1 << d)) != 0 && !settings.mirrors(d)) {
                return false;
            }
        }
        return true;
    }

    private NDArray single(NDArray x, long[] inShape, int classes) {
        NDList out = network.forward(x, false);
        NDArray y = out.get(0);
        long[] s = y.getShape().getShape();
        boolean ok = s.length == inShape.length && s[0] == inShape[0] && s[1] == classes;
        for (int d = 2; ok && d < s.length; d++) {
            ok = s[d] == inShape[d];
        }
        if (!ok) {
            throw new IllegalStateException("network returned logits of shape " + y.getShape() + " for input "
                    + new Shape(inShape) + "; expected " + classes + " channels and the input's spatial size");
        }
        return y;
    }

    /** Copies one window of every channel out of the (padded) image, row by row. */
    private static void gather(float[] image, int channels, int[] size, int[] o, int[] w, float[] dst, int dstOff) {
        int plane = size[0] * size[1];
        int volume = plane * size[2];
        int k = dstOff;
        for (int c = 0; c < channels; c++) {
            for (int z = 0; z < w[2]; z++) {
                for (int y = 0; y < w[1]; y++) {
                    int src = c * volume + (o[2] + z) * plane + (o[1] + y) * size[0] + o[0];
                    System.arraycopy(image, src, dst, k, w[0]);
                    k += w[0];
                }
            }
        }
    }

    /** Adds weight × logits of one window into the class sums. */
    private static void scatter(float[] logits, int off, int classes, float[] gauss, int[] o, int[] w, int[] size,
            float[] sums) {
        int plane = size[0] * size[1];
        int volume = plane * size[2];
        int k = off;
        for (int c = 0; c < classes; c++) {
            int g = 0;
            for (int z = 0; z < w[2]; z++) {
                for (int y = 0; y < w[1]; y++) {
                    int dst = c * volume + (o[2] + z) * plane + (o[1] + y) * size[0] + o[0];
                    for (int x = 0; x < w[0]; x++) {
                        sums[dst + x] += gauss[g++] * logits[k++];
                    }
                }
            }
        }
    }

    private static void addWeights(float[] gauss, int[] o, int[] w, int[] size, float[] weights) {
        int plane = size[0] * size[1];
        int g = 0;
        for (int z = 0; z < w[2]; z++) {
            for (int y = 0; y < w[1]; y++) {
                int dst = (o[2] + z) * plane + (o[1] + y) * size[0] + o[0];
                for (int x = 0; x < w[0]; x++) {
                    weights[dst + x] += gauss[g++];
                }
            }
        }
    }

    private Geometry geometry(long[] spatialSize) {
        int dims = spatialSize.length;
        if (dims < network.spatialDims()) {
            throw new InvalidInputException("a " + network.spatialDims() + "D model cannot predict a " + dims
                    + "D image");
        }
        int[] size = new int[3];
        int[] window = new int[3];
        Arrays.fill(size, 1);
        Arrays.fill(window, 1);
        for (int d = 0; d < dims; d++) {
            size[d] = Math.toIntExact(spatialSize[d]);
        }
        // A 2D network on a 3D image keeps window depth 1: every slice is predicted on its own.
        for (int d = 0; d < patch.length; d++) {
            window[d] = patch[d];
        }
        return new Geometry(size, window, patch.length, settings.step());
    }

    /** Image, padded image and window sizes as (x, y, z), z = 1 for 2D; window starts per axis. */
    private static final class Geometry {
        final int[] size;
        final int[] padded = new int[3];
        final int[] before = new int[3];
        final int[] window;
        final int[][] starts = new int[3][];

        /** @param networkAxes the axes the network sees (x, y[, z]); the others are visited one slice at a time */
        Geometry(int[] size, int[] window, int networkAxes, double step) {
            this.size = size;
            this.window = window;
            for (int d = 0; d < 3; d++) {
                padded[d] = Math.max(size[d], window[d]);
                before[d] = SlidingWindow.paddingBefore(size[d], window[d]);
                if (d < networkAxes) {
                    starts[d] = SlidingWindow.windowStarts(padded[d], window[d], step);
                } else {
                    starts[d] = new int[size[d]];
                    for (int i = 0; i < size[d]; i++) {
                        starts[d][i] = i;
                    }
                }
            }
        }

        int paddedVoxels() {
            return VolumeShapes.checkedArrayLength("padded image", (long) padded[0] * padded[1] * padded[2]);
        }

        boolean isPadded() {
            return !Arrays.equals(size, padded);
        }

        List<int[]> origins() {
            List<int[]> list = new ArrayList<>();
            for (int z : starts[2]) {
                for (int y : starts[1]) {
                    for (int x : starts[0]) {
                        list.add(new int[] {x, y, z});
                    }
                }
            }
            return list;
        }

        /** The image placed in a zero-filled array of the padded size (the input itself when no padding is needed). */
        float[] pad(float[] data, int channels) {
            if (!isPadded()) {
                return data;
            }
            int pv = paddedVoxels();
            float[] out = new float[Math.multiplyExact(pv, channels)];
            copyBlock(data, size, out, padded, channels, true);
            return out;
        }

        /** The image region of a padded multi-channel array. */
        float[] crop(float[] data, int channels) {
            if (!isPadded()) {
                return data;
            }
            float[] out = new float[size[0] * size[1] * size[2] * channels];
            copyBlock(out, size, data, padded, channels, false);
            return out;
        }

        /** Copies between an array of the image size and the padded array, rows at offset {@link #before}. */
        private void copyBlock(float[] small, int[] s, float[] big, int[] b, int channels, boolean intoBig) {
            int sv = s[0] * s[1] * s[2];
            int bv = b[0] * b[1] * b[2];
            for (int c = 0; c < channels; c++) {
                for (int z = 0; z < s[2]; z++) {
                    for (int y = 0; y < s[1]; y++) {
                        int si = c * sv + (z * s[1] + y) * s[0];
                        int bi = c * bv + ((z + before[2]) * b[1] + y + before[1]) * b[0] + before[0];
                        if (intoBig) {
                            System.arraycopy(small, si, big, bi, s[0]);
                        } else {
                            System.arraycopy(big, bi, small, si, s[0]);
                        }
                    }
                }
            }
        }
    }
}
