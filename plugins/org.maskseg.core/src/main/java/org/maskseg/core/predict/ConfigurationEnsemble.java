package org.maskseg.core.predict;

import java.util.ArrayList;
import java.util.List;

import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.postprocess.Postprocessing;

import ai.djl.Device;

/**
 * An ensemble of configurations (models of different plans, e.g. a 2D and a 3D model, or two spacings), as nnU-Net
 * ensembles configurations: each configuration predicts the image on its own plan (its folds averaged in their
 * logits, see {@link ModelPredictor}), its probabilities are resampled back to the image's grid, and the mean of the
 * configurations' probabilities gives the labels (the class of highest mean probability, or each region where its
 * mean probability exceeds 0.5) and the maps. Each configuration keeps its own network, so memory holds one network
 * per configuration. The labels are postprocessed only when every configuration chose the same postprocessing.
 * <p>
 * Not thread-safe: predict one image at a time per instance.
 */
public final class ConfigurationEnsemble implements Segmenter {

    private final List<ModelPredictor> predictors;
    private final Targets targets;
    private final Postprocessing postprocessing;

    private ConfigurationEnsemble(List<ModelPredictor> predictors) {
        this.predictors = List.copyOf(predictors);
        this.targets = predictors.get(0).plan().targets;
        Postprocessing first = predictors.get(0).postprocessing();
        this.postprocessing = predictors.stream().allMatch(p -> p.postprocessing().equals(first)) ? first
                : Postprocessing.NONE;
    }

    /**
     * Opens every configuration on a device.
     *
     * @param configurations one model per plan, of the same classes or regions (from
     *                       {@link TrainedModel#configurations})
     */
    public static ConfigurationEnsemble open(List<TrainedModel> configurations, Device device,
            PredictionSettings settings) {
        if (configurations.isEmpty()) {
            throw new IllegalArgumentException("no configurations");
        }
        List<ModelPredictor> opened = new ArrayList<>();
        try {
            for (TrainedModel m : configurations) {
                opened.add(ModelPredictor.open(m, device, settings));
            }
            return new ConfigurationEnsemble(opened);
        } catch (RuntimeException e) {
            opened.forEach(ModelPredictor::close);
            throw e;
        }
    }

    /** The postprocessing applied to the labels: the configurations' own when all agree, else none. */
    public Postprocessing postprocessing() {
        return postprocessing;
    }

    @Override
    public Prediction predict(ImageVolume image, Prediction.Outputs outputs, PredictionMonitor monitor) {
        float[] sum = null;
        ImageVolume first = null;
        for (ModelPredictor p : predictors) {
            ImageVolume prob = p.probabilities(image, monitor);
            if (sum == null) {
                first = prob;
                sum = prob.data(); // the first configuration's probabilities become the running sum
            } else {
                float[] d = prob.data();
                for (int i = 0; i < d.length; i++) {
                    sum[i] += d[i];
                }
            }
        }
        float scale = 1f / predictors.size();
        for (int i = 0; i < sum.length; i++) {
            sum[i] *= scale;
        }
        ImageVolume mean = ImageVolume.wrap(image.name(), sum, first.spatialSize(), first.channels(),
                first.spacing());
        Prediction pr = Prediction.fromProbabilities(mean, targets, outputs);
        return postprocessing.isNone() ? pr
                : new Prediction(postprocessing.apply(pr.labels()), pr.probabilities(), pr.uncertainty());
    }

    @Override
    public Precision precision() {
        return predictors.get(0).precision();
    }

    @Override
    public void close() {
        predictors.forEach(ModelPredictor::close);
    }
}
