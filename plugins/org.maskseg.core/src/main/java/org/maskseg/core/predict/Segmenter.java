package org.maskseg.core.predict;

import java.util.List;

import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.nn.Precision;

import ai.djl.Device;

/**
 * Segments images with one or several trained models: a {@link ModelPredictor} for one configuration (one plan,
 * possibly several folds), a {@link ConfigurationEnsemble} for models of different plans.
 */
public interface Segmenter extends AutoCloseable {

    /**
     * Segments one image.
     *
     * @param outputs which optional maps to return besides the labels
     * @param monitor progress and cancellation; may be null
     * @return labels (and maps) on the image's grid, named like the image
     */
    Prediction predict(ImageVolume image, Prediction.Outputs outputs, PredictionMonitor monitor);

    /** The precision the network passes run in. */
    Precision precision();

    /** Frees the networks. */
    @Override
    void close();

    /**
     * Opens models for prediction: models of one plan are ensembled in their logits (the folds of one
     * cross-validation), models of different plans as configurations in their probabilities (see
     * {@link TrainedModel#configurations} and {@link ConfigurationEnsemble}).
     *
     * @throws org.maskseg.core.InvalidInputException when the models predict different classes or regions
     */
    static Segmenter open(List<TrainedModel> models, Device device, PredictionSettings settings) {
        List<TrainedModel> configurations = TrainedModel.configurations(models);
        return configurations.size() == 1 ? ModelPredictor.open(configurations.get(0), device, settings)
                : ConfigurationEnsemble.open(configurations, device, settings);
    }
}
