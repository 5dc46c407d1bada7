package org.maskseg.core.predict;

import java.util.Arrays;
import java.util.List;

import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.nn.SegmentationNetwork;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.preprocess.PreprocessedImage;
import org.maskseg.core.preprocess.Preprocessor;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

/**
 * Segments images with a trained model, end to end: each image is normalised and resampled to the plan's
 * spacing exactly as in training, predicted with a sliding window, and the blended logits are resampled
 * linearly back to the image's own grid before the softmax and the argmax, so that labels, probabilities
 * and uncertainty all have the input's size and spacing (the order nnU-Net uses). A region-based model gets
 * the sigmoid per region and its regions' export labels instead (see {@link Prediction#fromRegionLogits}).
 * <p>
 * Not thread-safe: predict one image at a time per instance.
 */
public final class ModelPredictor implements AutoCloseable {

    private final Plan plan;
    private final SlidingWindowPredictor windows;
    private final NDManager owned;

    /**
     * Uses an existing network (not closed by {@link #close()}).
     *
     * @param network  a network built from {@code plan} with trained weights
     * @param plan     normalisation, target spacing, patch size and targets
     * @param settings sliding-window settings
     */
    public ModelPredictor(SegmentationNetwork network, Plan plan, PredictionSettings settings) {
        this(network, plan, settings, null);
    }

    private ModelPredictor(SegmentationNetwork network, Plan plan, PredictionSettings settings,
            NDManager owned) {
        this.plan = plan;
        this.windows = new SlidingWindowPredictor(network, plan.patchSize, settings);
        this.owned = owned;
    }

    /**
     * Builds the model's network on a device and loads its weights. Mirroring flips only the axes the model
     * allows ({@link TrainedModel#mirroringAxes()}) unless the settings name axes themselves.
     *
     * @param device e.g. from {@link TorchRuntime#device(String)}
     */
    public static ModelPredictor open(TrainedModel model, Device device, PredictionSettings settings) {
        NDManager manager = TorchRuntime.newManager(device);
        try {
            Plan plan = model.plan();
            SegmentationNetwork network = model.instantiate(manager);
            List<Integer> axes = model.mirroringAxes();
            PredictionSettings used = axes != null && settings.mirrorAxes() == null ? settings.withMirrorAxes(axes)
                    : settings;
            return new ModelPredictor(network, plan, used, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public Plan plan() {
        return plan;
    }

    public LabelSpec labels() {
        return plan.targets.spec();
    }

    public SlidingWindowPredictor windows() {
        return windows;
    }

    /**
     * Segments one image.
     *
     * @param image   raw intensities with the model's channels, 2D or 3D (a 2D model segments 3D images
     *                slice by slice)
     * @param outputs which optional maps to return besides the labels
     * @param monitor progress (windows of this image) and cancellation; may be null
     * @return labels (and maps) on the image's grid, named like the image
     * @throws org.maskseg.core.InvalidInputException if the image does not fit the model
     * @throws org.maskseg.core.CancelledException if the monitor cancelled
     */
    public Prediction predict(ImageVolume image, Prediction.Outputs outputs, PredictionMonitor monitor) {
        PreprocessedImage pre = Preprocessor.preprocessImage(image, plan);
        ImageVolume logits = windows.predictLogits(pre.image(), monitor);
        ImageVolume original;
        if (Arrays.equals(logits.spatialSize(), image.spatialSize())) {
            original = logits.withSpacing(image.spacing());
        } else {
            float[] back = pre.toOriginalGrid(logits.data(), logits.channels());
            original = ImageVolume.wrap(image.name(), back, image.spatialSize(), logits.channels(), image.spacing());
        }
        ImageVolume named = original.withName(image.name());
        return Prediction.of(named, plan.targets, outputs);
    }

    /** Frees the network if this predictor built it. */
    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
    }
}
