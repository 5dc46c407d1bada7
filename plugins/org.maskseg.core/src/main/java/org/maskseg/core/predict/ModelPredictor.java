package org.maskseg.core.predict;

import java.util.Arrays;
import java.util.List;

import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.nn.SegmentationNetwork;
import org.maskseg.core.nn.UNet;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.postprocess.Postprocessing;
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
 * A model of several networks (the folds of a cross-validation, {@link TrainedModel#members()}) is ensembled as
 * nnU-Net ensembles the folds of a model: each network's logits (after test-time mirroring, if on) are added to a
 * running sum on the preprocessed grid, which is divided by the number of networks before going back to the image's
 * grid. One network is built; the weights of each member are loaded into it in turn, so memory holds one network,
 * the running sum and one network's output, whatever the number of members.
 * <p>
 * Not thread-safe: predict one image at a time per instance.
 */
public final class ModelPredictor implements AutoCloseable {

    private final Plan plan;
    private final SlidingWindowPredictor windows;
    private final NDManager owned;
    /** The networks to ensemble, when more than one; their weights are loaded into the network in turn. */
    private final List<TrainedModel> members;
    private final SegmentationNetwork network;
    /** Applied to the labels of every prediction (the model's, or none). */
    private final Postprocessing postprocessing;

    /**
     * Uses an existing network (not closed by {@link #close()}).
     *
     * @param network  a network built from {@code plan} with trained weights
     * @param plan     normalisation, target spacing, patch size and targets
     * @param settings sliding-window settings
     */
    public ModelPredictor(SegmentationNetwork network, Plan plan, PredictionSettings settings) {
        this(network, plan, settings, null, List.of(), Postprocessing.NONE);
    }

    private ModelPredictor(SegmentationNetwork network, Plan plan, PredictionSettings settings,
            NDManager owned, List<TrainedModel> members, Postprocessing postprocessing) {
        this.plan = plan;
        this.windows = new SlidingWindowPredictor(network, plan.patchSize, settings);
        this.owned = owned;
        this.network = network;
        this.members = members.size() > 1 ? List.copyOf(members) : List.of();
        this.postprocessing = postprocessing;
    }

    /**
     * Builds the model's network on a device and loads its weights; the network computes in the precision the
     * settings resolve to on that device. Mirroring flips only the axes the model allows
     * ({@link TrainedModel#mirroringAxes()}) unless the settings name axes themselves. The model's postprocessing
     * is applied to the labels it predicts (not to the probabilities).
     *
     * @param device e.g. from {@link TorchRuntime#device(String)}
     */
    public static ModelPredictor open(TrainedModel model, Device device, PredictionSettings settings) {
        NDManager manager = TorchRuntime.newManager(device);
        try {
            Plan plan = model.plan();
            UNet network = UNet.build(manager, plan, 0);
            model.loadInto(network);
            network.setPrecision(Precision.resolve(settings.precision(), device));
            List<Integer> axes = model.mirroringAxes();
            PredictionSettings used = axes != null && settings.mirrorAxes() == null ? settings.withMirrorAxes(axes)
                    : settings;
            return new ModelPredictor(network, plan, used, manager, model.members(), model.postprocessing());
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

    /** The precision the network passes run in. */
    public Precision precision() {
        return windows.network().precision();
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
        ImageVolume logits = members.isEmpty() ? windows.predictLogits(pre.image(), monitor)
                : ensembleLogits(pre.image(), monitor);
        ImageVolume original;
        if (Arrays.equals(logits.spatialSize(), image.spatialSize())) {
            original = logits.withSpacing(image.spacing());
        } else {
            float[] back = pre.toOriginalGrid(logits.data(), logits.channels());
            original = ImageVolume.wrap(image.name(), back, image.spatialSize(), logits.channels(), image.spacing());
        }
        ImageVolume named = original.withName(image.name());
        Prediction p = Prediction.of(named, plan.targets, outputs);
        return postprocessing.isNone() ? p
                : new Prediction(postprocessing.apply(p.labels()), p.probabilities(), p.uncertainty());
    }

    /** The mean of the members' logits, summed as each member's come. */
    private ImageVolume ensembleLogits(ImageVolume input, PredictionMonitor monitor) {
        float[] sum = null;
        ImageVolume first = null;
        for (TrainedModel member : members) {
            member.loadInto(network);
            ImageVolume logits = windows.predictLogits(input, monitor);
            float[] d = logits.data();
            if (sum == null) {
                sum = d; // the first output becomes the running sum
                first = logits;
            } else {
                for (int i = 0; i < d.length; i++) {
                    sum[i] += d[i];
                }
            }
        }
        float scale = 1f / members.size();
        for (int i = 0; i < sum.length; i++) {
            sum[i] *= scale;
        }
        return ImageVolume.wrap(first.name(), sum, first.spatialSize(), first.channels(), first.spacing());
    }

    /** Frees the network if this predictor built it. */
    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
    }
}
