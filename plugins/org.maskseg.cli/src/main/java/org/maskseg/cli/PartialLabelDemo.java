package org.maskseg.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import org.maskseg.core.CancellationToken;
import org.maskseg.core.annotate.AnnotateOptions;
import org.maskseg.core.annotate.AnnotationMode;
import org.maskseg.core.image.ConnectedComponents;
import org.maskseg.core.annotate.FolderAnnotation;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.AtomicFiles;
import org.maskseg.core.io.CaseData;
import org.maskseg.core.io.DatasetCase;
import org.maskseg.core.io.DatasetFolder;
import org.maskseg.core.io.ImageFiles;
import org.maskseg.core.metrics.DatasetMetrics;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.train.TrainingJob;
import org.maskseg.core.train.TrainingRequest;
import org.maskseg.core.train.TrainingResult;
import org.maskseg.core.train.TrainingSettings;

/**
 * The partial-label example of {@code maskseg demo --partial} on the bundled nuclei images.
 * <p>
 * <b>Three classes.</b> Every nucleus (8-connected component of the dense nucleus label) becomes class 1, "dim
 * nucleus", when its mean image intensity (first channel) is below the median of the mean intensities of the
 * nuclei of its image, else class 2, "bright nucleus"; held-out images are split the same way.
 * <p>
 * <b>Two labs.</b> The training images alternate between two labs, each annotating only part of the classes:
 * <ul>
 * <li>lab A (1st, 3rd, ... training image) annotates bright nuclei only; its dim nuclei are labelled 0 and the
 * class-set file lists "bright nucleus" for its cases;</li>
 * <li>lab B (2nd, 4th, ...) annotates bright nuclei everywhere but dim nuclei only in the left half of each image
 * (x &lt; width / 2). Its labels come from its dense labels and left-half regions through the annotation job of
 * {@code maskseg annotate --mode class-roi --class "dim nucleus"}: dim nuclei in the right half become 0 and the
 * unknown-region mask of "dim nucleus" marks the right half.</li>
 * </ul>
 * Both sets are written as a user would write them by hand, with the classes by name, and training reads them
 * back through the same engine call as {@code maskseg train --classes NAMES --annotated-classes FILE
 * --unknown-masks DIR}.
 */
final class PartialLabelDemo {

    static final int DIM = 1;
    static final int BRIGHT = 2;
    /** The class names, background first; class-set file and unknown-mask folder use them. */
    static final List<String> CLASS_NAMES = List.of("background", "dim nucleus", "bright nucleus");
    static final String CLASS_SET_FILE = "annotated_classes.csv";
    static final String UNKNOWN_FOLDER = "unknown";

    /** The files of the prepared example, all under the demo's output folder. */
    record Layout(Path out) {
        /** The training images (copies of the sample images). */
        Path images() {
            return out.resolve("images");
        }

        /** The two labs' labels: 0 background or not annotated, 1 dim nucleus, 2 bright nucleus. */
        Path labels() {
            return out.resolve("labels");
        }

        /** Per case of lab A, the classes it annotated. */
        Path classSets() {
            return out.resolve(CLASS_SET_FILE);
        }

        /** {@code unknown/dim nucleus/<label file>}: where lab B did not look for dim nuclei. */
        Path unknown() {
            return out.resolve(UNKNOWN_FOLDER);
        }

        /**
         * Lab B's dense three-class labels: with {@link #labBRoi()} the input from which
         * {@code maskseg annotate --mode class-roi} makes lab B's labels and unknown-region masks.
         */
        Path labBDense() {
            return out.resolve("lab-b").resolve("dense");
        }

        /** Lab B's regions where dim nuclei were annotated: 255 in the left half, else 0. */
        Path labBRoi() {
            return out.resolve("lab-b").resolve("roi");
        }

        /** The held-out images. */
        Path testImages() {
            return out.resolve("test").resolve("images");
        }

        /** Dense three-class labels of the held-out images, to score against. */
        Path testReference() {
            return out.resolve("test").resolve("reference");
        }
    }

    /** What the preparation found: the brightness threshold and how many nuclei, cases and pixels of each kind. */
    record Summary(int dimNuclei, int brightNuclei, int labACases, int labBCases,
            long dimPixelsUnknown, long dimPixels) {
    }

    private PartialLabelDemo() {
    }

    /**
     * The mean first-channel intensity of each nucleus of one case.
     *
     * @param nuclei the components of the case's nucleus label
     * @return element c is the mean over component c (element 0: over the background)
     */
    static double[] nucleusMeans(ConnectedComponents nuclei, ImageVolume image) {
        // the first channel comes first in the C-order backing array
        return nuclei.means(Arrays.copyOf(image.data(), Math.toIntExact(image.voxelsPerChannel())));
    }

    /** The median of the values (the mean of the two middle values for an even count). */
    static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    /**
     * Dense three-class labels: each nucleus component becomes {@link #DIM} when its mean intensity is below the
     * threshold, else {@link #BRIGHT}.
     *
     * @param means per component (element 0 unused), from {@link #nucleusMeans}
     */
    static LabelVolume splitByBrightness(LabelVolume nucleusLabels, ConnectedComponents nuclei, double[] means,
            double threshold) {
        int[] ids = nuclei.ids();
        int[] out = new int[ids.length];
        for (int v = 0; v < ids.length; v++) {
            out[v] = ids[v] == 0 ? 0 : means[ids[v]] < threshold ? DIM : BRIGHT;
        }
        return LabelVolume.wrap(nucleusLabels.name(), out, nucleusLabels.size(), nucleusLabels.spacing());
    }

    /** Lab A's labels: the dense labels with every {@link #DIM} voxel set to 0. */
    static LabelVolume brightOnly(LabelVolume dense) {
        int[] out = dense.data().clone();
        for (int v = 0; v < out.length; v++) {
            out[v] = out[v] == DIM ? 0 : out[v];
        }
        return LabelVolume.wrap(dense.name(), out, dense.size(), dense.spacing());
    }

    /** Lab B's region where it annotated dim nuclei: 255 in the left half (x &lt; width / 2), else 0. */
    static LabelVolume leftHalf(LabelVolume dense) {
        long width = dense.size()[0];
        int[] mask = new int[dense.data().length];
        for (int v = 0; v < mask.length; v++) {
            mask[v] = v % width < width / 2 ? 255 : 0;
        }
        return LabelVolume.wrap(dense.name(), mask, dense.size(), dense.spacing());
    }

    /**
     * Lab B's labels and unknown-region masks, by the annotation job of {@code maskseg annotate --mode class-roi}
     * on its dense labels and regions: dim nuclei outside the region become 0, and
     * {@code unknown/dim nucleus/} marks where they are unknown.
     */
    static FolderAnnotation.Result annotateLabB(Layout layout) {
        AnnotateOptions options = AnnotateOptions.of(AnnotationMode.CLASS_ROI).withClassNames(CLASS_NAMES)
                .withUnknownClass(CLASS_NAMES.get(DIM));
        return FolderAnnotation.run(options,
                new FolderAnnotation.Folders(null, layout.labBDense(), layout.labBRoi(), layout.labels(),
                        layout.unknown()), null);
    }

    /**
     * Writes the example's data: training images with the two labs' labels, the class-set file and the
     * unknown-region masks; held-out images with their dense three-class labels.
     *
     * @param cases    the sample cases (images with dense nucleus labels 0/1)
     * @param heldOut  how many of the last cases are held out
     */
    static Summary prepare(List<DatasetCase> cases, int heldOut, Layout layout) throws IOException {
        List<DatasetCase> training = cases.subList(0, cases.size() - heldOut);
        List<CaseData> data = new ArrayList<>();
        List<ConnectedComponents> components = new ArrayList<>();
        List<double[]> means = new ArrayList<>();
        for (DatasetCase c : cases) {
            CaseData d = c.read();
            ConnectedComponents cc = ConnectedComponents.of(d.labels(), true);
            double[] m = nucleusMeans(cc, d.image());
            data.add(d);
            components.add(cc);
            means.add(m);
        }

        StringBuilder classSets = new StringBuilder("case,annotated_classes\n");
        int dimNuclei = 0;
        int brightNuclei = 0;
        int labA = 0;
        int labB = 0;
        long dimUnknown = 0;
        long dimPixels = 0;
        for (int i = 0; i < cases.size(); i++) {
            DatasetCase c = cases.get(i);
            // the threshold is the image's own median: images are normalised one by one, so only brightness
            // relative to the other nuclei of the same image is visible to the network
            double threshold = means.get(i).length < 2 ? 0
                    : median(Arrays.copyOfRange(means.get(i), 1, means.get(i).length));
            LabelVolume dense = splitByBrightness(data.get(i).labels(), components.get(i), means.get(i), threshold);
            String labelFile = c.labelFile().orElseThrow().getFileName().toString();
            if (i >= training.size()) {
                copyImages(c, layout.testImages());
                ImageFiles.writeLabels(dense, layout.testReference().resolve(labelFile));
                continue;
            }
            for (int k = 1; k < means.get(i).length; k++) {
                if (means.get(i)[k] < threshold) {
                    dimNuclei++;
                } else {
                    brightNuclei++;
                }
            }
            for (int v : dense.data()) {
                dimPixels += v == DIM ? 1 : 0;
            }
            copyImages(c, layout.images());
            if (i % 2 == 0) {
                labA++;
                ImageFiles.writeLabels(brightOnly(dense), layout.labels().resolve(labelFile));
                classSets.append(c.name()).append(',').append(CLASS_NAMES.get(BRIGHT)).append('\n');
                dimUnknown += count(dense, null);
            } else {
                labB++;
                LabelVolume region = leftHalf(dense);
                ImageFiles.writeLabels(dense, layout.labBDense().resolve(labelFile));
                ImageFiles.writeLabels(region, layout.labBRoi().resolve(labelFile));
                dimUnknown += count(dense, region);
            }
        }
        annotateLabB(layout);
        String csv = classSets.toString();
        AtomicFiles.write(layout.classSets(), temp -> Files.writeString(temp, csv, StandardCharsets.UTF_8));
        return new Summary(dimNuclei, brightNuclei, labA, labB, dimUnknown, dimPixels);
    }

    /** The {@link #DIM} voxels of the dense labels outside the region (everywhere without a region). */
    private static long count(LabelVolume dense, LabelVolume region) {
        long n = 0;
        for (int v = 0; v < dense.data().length; v++) {
            n += dense.data()[v] == DIM && (region == null || region.data()[v] == 0) ? 1 : 0;
        }
        return n;
    }

    private static void copyImages(DatasetCase c, Path folder) throws IOException {
        for (Path f : c.imageFiles()) {
            AtomicFiles.write(folder.resolve(f.getFileName()),
                    temp -> Files.copy(f, temp, StandardCopyOption.REPLACE_EXISTING));
        }
    }

    /** Scores of one training reading of the labels. */
    record Outcome(String reading, DatasetMetrics scores) {
    }

    /**
     * Trains on the prepared labels and scores the held-out images against their dense labels.
     *
     * @param partial true to read the labels with the class-set file and the unknown-region masks, false for the
     *                naive reading in which everything labelled 0 is background
     * @param folder  where model, curves, predictions and scores go
     */
    static Outcome trainAndScore(Layout layout, boolean partial, Path folder, TrainingSettings settings,
            PlannerOptions planner, ConsoleProgress progress, CancellationToken token) throws IOException {
        Files.createDirectories(folder);
        TrainingResult result = TrainingJob.run(TrainingRequest.folders(layout.images(), layout.labels())
                .partialLabelFiles(partial ? layout.classSets() : null, partial ? layout.unknown() : null)
                .settings(settings.toBuilder().classNames(CLASS_NAMES).build()).planner(planner).build(), progress,
                token);
        TrainedModel model = result.finalModel();
        Path file = folder.resolve("model.zip");
        model.save(file);
        progress.message(String.format(Locale.ROOT, "trained %d epochs in %.0f s; model: %s",
                model.metadata().epochsDone(), model.metadata().trainingSeconds(), file.toAbsolutePath()));
        List<DatasetCase> test = DatasetFolder.open(layout.testImages(), layout.testReference()).cases();
        DatasetMetrics scores = PredictCommand.evaluateHeldOut(model, test, folder, token, progress::message);
        return new Outcome(partial ? "partial labels" : "unannotated = background", scores);
    }

    /** The comparison table: Dice per class on the held-out images, one row per reading of the labels. */
    static String table(List<Outcome> outcomes) {
        StringBuilder sb = new StringBuilder();
        String row = "%-26s %18s %21s %8s%n";
        sb.append(String.format(Locale.ROOT, row, "training labels read as", "Dice dim nucleus", "Dice bright nucleus",
                "mean"));
        for (Outcome o : outcomes) {
            DatasetMetrics s = o.scores();
            sb.append(String.format(Locale.ROOT, row, o.reading(), format(s.classDice(DIM)),
                    format(s.classDice(BRIGHT)), format(s.meanDice())));
        }
        return sb.toString();
    }

    private static String format(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    /** Prints the summary of the prepared data. */
    static void describe(Summary s, Layout layout, Consumer<String> log) {
        log.accept(String.format(Locale.ROOT,
                "three classes: %d dim nuclei (class 1, mean intensity below the median of their image's nuclei) and "
                        + "%d bright nuclei (class 2) in the training images",
                s.dimNuclei(), s.brightNuclei()));
        log.accept(String.format(Locale.ROOT,
                "lab A (%d images) annotated bright nuclei only; lab B (%d images) annotated dim nuclei only in the "
                        + "left half; %.1f %% of the dim-nucleus pixels are unannotated (labelled 0)",
                s.labACases(), s.labBCases(), 100.0 * s.dimPixelsUnknown() / Math.max(1, s.dimPixels())));
        log.accept("labels: " + layout.labels().toAbsolutePath());
        log.accept("class sets of lab A: " + layout.classSets().toAbsolutePath());
        log.accept("unknown-region masks of lab B: "
                + layout.unknown().resolve(CLASS_NAMES.get(DIM)).toAbsolutePath());
        log.accept("lab B's dense labels and annotated regions (inputs of maskseg annotate --mode class-roi): "
                + layout.labBDense().getParent().toAbsolutePath());
    }
}
