package org.maskseg.core.predict;

import java.util.Arrays;
import java.util.List;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.nn.SegmentationNetwork;
import org.maskseg.core.nn.UNet;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.postprocess.Postprocessing;
import org.maskseg.core.preprocess.CascadeChannels;
import org.maskseg.core.preprocess.NonZeroCrop;
import org.maskseg.core.preprocess.PreprocessedImage;
import org.maskseg.core.preprocess.Preprocessor;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

/**
 * Segments images with a trained model, end to end: each image is normalised and resampled to the plan's
 * spacing exactly as in training, predicted with a sliding window, and the blended logits are resampled
 * linearly back to the image's own grid before the softmax and the argmax, so that labels, probabilities
 * and uncertainty all have the input's size and spacing (the order nnU-Net uses). With the plan's {@code
 * cropToNonZero} (models from nnU-Net) the image is cut to its non-zero box first and the prediction of the box is
 * put back into the whole image with background outside. A region-based model gets
 * the sigmoid per region and its regions' export labels instead (see {@link Prediction#fromRegionLogits}).
 * <p>
 * A model of several networks (the folds of a cross-validation, {@link TrainedModel#members()}) is ensembled as
 * nnU-Net ensembles the folds of a model: each network's logits (after test-time mirroring, if on) are added to a
 * running sum on the preprocessed grid, which is divided by the number of networks before going back to the image's
 * grid. One network is built; the weights of each member are loaded into it in turn, so memory holds one network,
 * the running sum and one network's output, whatever the number of members.
 * <p>
 * The full-resolution stage of a cascade first predicts the image with its low-resolution stage (a predictor of its
 * own, with the same settings), whose labels, resampled to the full-resolution grid, enter as one channel per
 * foreground class after the image channels.
 * <p>
 * Not thread-safe: predict one image at a time per instance.
 */
public final class ModelPredictor implements Segmenter {

    private final Plan plan;
    private final SlidingWindowPredictor windows;
    private final NDManager owned;
    /** The networks to ensemble, when more than one; their weights are loaded into the network in turn. */
    private final List<TrainedModel> members;
    private final SegmentationNetwork network;
    /** Applied to the labels of every prediction (the model's, or none). */
    private final Postprocessing postprocessing;
    /** The low-resolution stage of a cascade, predicted first; null otherwise. */
    private ModelPredictor previousStage;

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
        this.windows = new SlidingWindowPredictor(network, plan.patchSize(), settings);
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
        if (model.plan().isCascade() && model.previousStage() == null) {
            throw new InvalidInputException("the model is the full-resolution stage of a cascade without its "
                    + "low-resolution stage (a best model or checkpoint of the second training stage); predict with "
                    + "the model file the training wrote, which holds both stages");
        }
        NDManager manager = TorchRuntime.newManager(device);
        ModelPredictor previous = null;
        try {
            if (model.previousStage() != null) {
                previous = open(model.previousStage(), device, settings);
            }
            Plan plan = model.plan();
            UNet network = UNet.build(manager, plan, 0);
            model.loadInto(network);
            network.setPrecision(Precision.resolve(settings.precision(), device));
            List<Integer> axes = model.mirroringAxes();
            PredictionSettings used = axes != null && settings.mirrorAxes() == null ? settings.withMirrorAxes(axes)
                    : settings;
            ModelPredictor p = new ModelPredictor(network, plan, used, manager, model.members(),
                    model.postprocessing());
            p.previousStage = previous;
            return p;
        } catch (RuntimeException e) {
            manager.close();
            if (previous != null) {
                previous.close();
            }
            throw e;
        }
    }

    public Plan plan() {
        return plan;
    }

    public LabelSpec labels() {
        return plan.targets().spec();
    }

    @Override
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
    @Override
    public Prediction predict(ImageVolume image, Prediction.Outputs outputs, PredictionMonitor monitor) {
        PreprocessedImage pre = Preprocessor.preprocessImage(image, plan);
        Prediction p = Prediction.of(logitsOnCropGrid(image, pre, monitor), plan.targets(), outputs);
        NonZeroCrop crop = pre.crop();
        if (crop != null && crop.cuts()) {
            p = uncrop(p, crop, image.spacing());
        }
        return postprocessing.isNone() ? p
                : new Prediction(postprocessing.apply(p.labels()), p.probabilities(), p.uncertainty());
    }

    /**
     * The probabilities of one image on the image's grid, as {@link #predict} computes them: the softmax of the
     * (ensembled) logits, or their sigmoid per region for a region-based model; outside a non-zero crop, background
     * (class 0 with probability 1, or no region).
     */
    public ImageVolume probabilities(ImageVolume image, PredictionMonitor monitor) {
        PreprocessedImage pre = Preprocessor.preprocessImage(image, plan);
        ImageVolume logits = logitsOnCropGrid(image, pre, monitor);
        ImageVolume p = plan.targets().regionBased() ? ClassMaps.sigmoid(logits) : ClassMaps.softmax(logits);
        NonZeroCrop crop = pre.crop();
        if (crop != null && crop.cuts()) {
            p = crop.paste(p, backgroundProbabilities(p.channels()), image.spacing());
        }
        return p;
    }

    /** The postprocessing this predictor applies to the labels. */
    public Postprocessing postprocessing() {
        return postprocessing;
    }

    /**
     * The blended (and ensembled) logits, resampled back to the image's grid (of its non-zero crop, when the plan
     * crops) and named like the image.
     */
    private ImageVolume logitsOnCropGrid(ImageVolume image, PreprocessedImage pre, PredictionMonitor monitor) {
        ImageVolume input = pre.image();
        if (previousStage != null) {
            input = CascadeChannels.append(input, previousStage.foregroundOneHot(image, input, monitor),
                    plan.previousStageChannels());
        }
        ImageVolume logits = members.isEmpty() ? windows.predictLogits(input, monitor)
                : ensembleLogits(input, monitor);
        ImageVolume original;
        if (Arrays.equals(logits.spatialSize(), pre.originalSize())) {
            original = logits.withSpacing(image.spacing());
        } else {
            float[] back = pre.toOriginalGrid(logits.data(), logits.channels());
            original = ImageVolume.wrap(image.name(), back, pre.originalSize(), logits.channels(), image.spacing());
        }
        return original.withName(image.name());
    }

    /** Probabilities of a voxel outside the non-zero box: class 0 certain, or no region. */
    private float[] backgroundProbabilities(int channels) {
        float[] outside = new float[channels];
        if (!plan.targets().regionBased()) {
            outside[0] = 1;
        }
        return outside;
    }

    /**
     * A prediction of the non-zero box put into the whole image, as nnU-Net does: background outside (class 0 with
     * probability 1; for regions, no region with probability 0), and no uncertainty there.
     */
    private Prediction uncrop(Prediction p, NonZeroCrop crop, double[] spacing) {
        ImageVolume probabilities = null;
        if (p.probabilities() != null) {
            probabilities = crop.paste(p.probabilities(), backgroundProbabilities(p.probabilities().channels()),
                    spacing);
        }
        ImageVolume uncertainty = p.uncertainty() == null ? null : crop.paste(p.uncertainty(), new float[1], spacing);
        return new Prediction(crop.paste(p.labels(), spacing), probabilities, uncertainty);
    }

    /**
     * This model's segmentation of an image as the input channels of a cascade's next stage: one binary channel per
     * foreground class on the grid of {@code grid} (see {@link CascadeChannels}). The logits are those of
     * {@link #predict} (all members, mirroring as set), taken before postprocessing.
     *
     * @param image raw intensities
     * @param grid  an image on the next stage's grid (its size and spacing are used)
     */
    public float[] foregroundOneHot(ImageVolume image, ImageVolume grid, PredictionMonitor monitor) {
        if (previousStage != null) {
            throw new IllegalStateException("a cascade has two stages");
        }
        ImageVolume input = Preprocessor.preprocessImage(image, plan).image();
        ImageVolume logits = members.isEmpty() ? windows.predictLogits(input, monitor) : ensembleLogits(input, monitor);
        return CascadeChannels.foregroundOneHot(logits, grid);
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
        if (previousStage != null) {
            previousStage.close();
        }
    }
}
