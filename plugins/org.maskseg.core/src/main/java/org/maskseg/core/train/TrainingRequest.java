package org.maskseg.core.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.plan.PlannerOptions;

/**
 * What to train on and how: the one way to start a {@link TrainingJob}. The data are either two folders of
 * images and label images paired by file name (with optional partial-label files), or images and labels in
 * memory paired by position (with optional validation cases and class knowledge).
 * <pre>
 * TrainingJob.run(TrainingRequest.folders(images, labels).ignoreValue(255).settings(s).build(), listener, token);
 * TrainingJob.run(TrainingRequest.volumes(images, labels).validation(valImages, valLabels).build(), null, null);
 * </pre>
 */
public final class TrainingRequest {

    final Path imagesFolder;
    final Path labelsFolder;
    final Path classSetFile;
    final Path unknownMaskFolder;
    final List<ImageVolume> images;
    final List<LabelVolume> labels;
    final List<ClassKnowledge> knowledge;
    final List<ImageVolume> validationImages;
    final List<LabelVolume> validationLabels;
    final List<ClassKnowledge> validationKnowledge;
    final Integer ignoreValue;
    final LabelSpec declaredLabels;
    final TrainingSettings settings;
    final PlannerOptions planner;
    final boolean finalValidation;
    final CrossValidation crossValidation;

    private TrainingRequest(Builder b) {
        imagesFolder = b.imagesFolder;
        labelsFolder = b.labelsFolder;
        classSetFile = b.classSetFile;
        unknownMaskFolder = b.unknownMaskFolder;
        images = b.images;
        labels = b.labels;
        knowledge = b.knowledge;
        validationImages = b.validationImages;
        validationLabels = b.validationLabels;
        validationKnowledge = b.validationKnowledge;
        ignoreValue = b.ignoreValue;
        declaredLabels = b.declaredLabels;
        settings = b.settings;
        planner = b.planner;
        finalValidation = b.finalValidation;
        crossValidation = b.crossValidation;
    }

    /** Training on a folder of images and a folder of label images paired by file name. */
    public static Builder folders(Path images, Path labels) {
        Builder b = new Builder();
        b.imagesFolder = Objects.requireNonNull(images, "images");
        b.labelsFolder = Objects.requireNonNull(labels, "labels");
        return b;
    }

    /** Training on images and label images in memory, paired by position; case names are the images' names. */
    public static Builder volumes(List<ImageVolume> images, List<LabelVolume> labels) {
        Builder b = new Builder();
        b.images = List.copyOf(images);
        b.labels = List.copyOf(labels);
        return b;
    }

    boolean fromFolders() {
        return imagesFolder != null;
    }

    /** Builds a request; everything but the data is optional. */
    public static final class Builder {
        private Path imagesFolder;
        private Path labelsFolder;
        private Path classSetFile;
        private Path unknownMaskFolder;
        private List<ImageVolume> images = List.of();
        private List<LabelVolume> labels = List.of();
        private List<ClassKnowledge> knowledge;
        private List<ImageVolume> validationImages = List.of();
        private List<LabelVolume> validationLabels = List.of();
        private List<ClassKnowledge> validationKnowledge;
        private Integer ignoreValue;
        private LabelSpec declaredLabels;
        private TrainingSettings settings = TrainingSettings.builder().build();
        private PlannerOptions planner;
        private boolean finalValidation = true;
        private CrossValidation crossValidation;

        private Builder() {
        }

        /**
         * Partial labels of folder data: which classes each case annotates (CSV or JSON file) and where classes are
         * unknown (folder {@code <class name or value>/<label file name>}); either may be null.
         */
        public Builder partialLabelFiles(Path classSetFile, Path unknownMaskFolder) {
            requireFolders("partial-label files");
            this.classSetFile = classSetFile;
            this.unknownMaskFolder = unknownMaskFolder;
            return this;
        }

        /**
         * Partial labels of data in memory: one {@link ClassKnowledge} per training case, in the images' order
         * (null: every case fully annotated).
         */
        public Builder knowledge(List<ClassKnowledge> perCase) {
            requireVolumes("class knowledge");
            this.knowledge = perCase == null ? null : List.copyOf(perCase);
            return this;
        }

        /**
         * Validates on these cases instead of a held-out fraction of the training cases; case names must be
         * unique over training and validation cases.
         *
         * @param perCase class knowledge of the validation cases, or null when they are fully annotated
         */
        public Builder validation(List<ImageVolume> images, List<LabelVolume> labels, List<ClassKnowledge> perCase) {
            requireVolumes("validation cases");
            this.validationImages = List.copyOf(images);
            this.validationLabels = List.copyOf(labels);
            this.validationKnowledge = perCase == null ? null : List.copyOf(perCase);
            return this;
        }

        /** Validates on these fully annotated cases (see {@link #validation(List, List, List)}). */
        public Builder validation(List<ImageVolume> images, List<LabelVolume> labels) {
            return validation(images, labels, null);
        }

        /** The labels' ignore value; null for the default (highest class + 1). */
        public Builder ignoreValue(Integer value) {
            this.ignoreValue = value;
            return this;
        }

        /**
         * The classes and ignore value declared for the data (e.g. by an nnU-Net {@code dataset.json}) instead of
         * classes derived from the label values: every class keeps its name and place even when no label image
         * holds it, and a label value that is neither a class nor the ignore value is refused. Null (the default)
         * derives the classes from the labels. Used for newly planned jobs; a resumed or warm-started job keeps
         * the classes of its checkpoint or model.
         */
        public Builder declaredLabels(LabelSpec value) {
            this.declaredLabels = value;
            return this;
        }

        public Builder settings(TrainingSettings value) {
            this.settings = Objects.requireNonNull(value, "settings");
            return this;
        }

        /** Planning choices (configuration, memory budget, modalities, JSON overrides); null for the defaults. */
        public Builder planner(PlannerOptions value) {
            this.planner = value;
            return this;
        }

        /**
         * Whether to predict the held-out validation cases whole after training and score them
         * ({@link FinalValidation}); on by default.
         */
        public Builder finalValidation(boolean value) {
            this.finalValidation = value;
            return this;
        }

        /**
         * Trains folds of a cross-validation instead of one model on a held-out fraction: all folds one after the
         * other (the result's models then hold every fold's network) or a single fold. Planning and preprocessing
         * are done once for all folds. Cannot be combined with separate validation cases. Null for none.
         */
        public Builder crossValidation(CrossValidation value) {
            this.crossValidation = value;
            return this;
        }

        public TrainingRequest build() {
            if (crossValidation != null && !validationImages.isEmpty()) {
                throw new InvalidInputException("a cross-validation splits the training cases into folds; it cannot "
                        + "be combined with separate validation cases");
            }
            if (imagesFolder == null && (knowledge != null || validationKnowledge != null)) {
                int training = knowledge == null ? images.size() : knowledge.size();
                int validation = validationKnowledge == null ? validationImages.size() : validationKnowledge.size();
                if (training != images.size() || validation != validationImages.size()) {
                    throw new IllegalArgumentException("class knowledge for " + training + " training and "
                            + validation + " validation cases, but there are " + images.size() + " and "
                            + validationImages.size());
                }
            }
            return new TrainingRequest(this);
        }

        private void requireFolders(String what) {
            if (imagesFolder == null) {
                throw new IllegalStateException(what + " go with folder data");
            }
        }

        private void requireVolumes(String what) {
            if (imagesFolder != null) {
                throw new IllegalStateException(what + " go with data in memory");
            }
        }
    }
}
