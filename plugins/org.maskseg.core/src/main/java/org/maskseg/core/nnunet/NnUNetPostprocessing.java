package org.maskseg.core.nnunet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.postprocess.Postprocessing;

/**
 * nnU-Net's {@code postprocessing.pkl}: the steps {@code nnUNetv2_find_best_configuration} (or {@code
 * nnUNetv2_determine_postprocessing}) chose on the cross-validation of a results folder, which {@code
 * nnUNetv2_apply_postprocessing} applies to predictions. The file is a pickled pair {@code (functions, kwargs)}; every
 * function is nnU-Net's {@code remove_all_but_largest_component_from_segmentation}, called with {@code
 * labels_or_regions}: all foreground labels (keep the largest foreground component), or one label (keep its largest
 * component). That is exactly {@link Postprocessing}, to which it is converted; anything else is refused with the
 * reason.
 * <p>
 * nnU-Net writes the file into {@code crossval_results_folds_<folds>} of the results folder (folds joined by
 * {@code _}); {@link #find} looks there for the imported folds, then in the results folder itself, and the export
 * writes it there ({@link #pickle}).
 */
final class NnUNetPostprocessing {

    static final String FILE = "postprocessing.pkl";
    /** The one function nnU-Net's postprocessing uses. */
    static final String FUNCTION = "nnunetv2.postprocessing.remove_connected_components."
            + "remove_all_but_largest_component_from_segmentation";

    /** Larger files are refused unread: nnU-Net's are a few hundred bytes. */
    private static final long MAX_BYTES = 1 << 20;

    private NnUNetPostprocessing() {
    }

    /** The postprocessing file belonging to the given folds of a results folder, or null if there is none. */
    static Path find(Path resultsDir, List<String> folds) {
        Path crossValidation = resultsDir.resolve("crossval_results_folds_" + String.join("_", folds)).resolve(FILE);
        if (Files.isRegularFile(crossValidation)) {
            return crossValidation;
        }
        Path beside = resultsDir.resolve(FILE);
        return Files.isRegularFile(beside) ? beside : null;
    }

    /**
     * Reads a postprocessing file for a model of the given targets.
     *
     * @throws InvalidInputException naming the file, for a file that is no nnU-Net postprocessing or a step this
     *                               engine cannot apply
     */
    static Postprocessing read(Path file, Targets targets) {
        String what = "postprocessing file '" + file + "'";
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new InvalidInputException(what + " is " + Files.size(file) + " bytes; nnU-Net's postprocessing "
                        + "files are a few hundred");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidInputException(what + " cannot be read: " + e.getMessage(), e);
        }
        Object root = CheckpointUnpickler.load(bytes, what, Set.of(FUNCTION));
        if (!(root instanceof Object[] pair) || pair.length != 2 || !(pair[0] instanceof List<?> functions)
                || !(pair[1] instanceof List<?> arguments) || functions.size() != arguments.size()) {
            throw new InvalidInputException(what + " is not nnU-Net's postprocessing: expected a pair of lists "
                    + "(functions, keyword arguments) of equal length");
        }
        if (functions.isEmpty()) {
            return Postprocessing.NONE;
        }
        if (targets.regionBased()) {
            throw new InvalidInputException(what + " postprocesses the regions of a region-based model, which "
                    + "MaskSeg does not do; import without it (--postprocessing none)");
        }
        Set<Integer> foreground = new TreeSet<>();
        for (int c = 1; c < targets.numClasses(); c++) {
            foreground.add(c);
        }
        boolean largestForeground = false;
        List<Integer> classes = new ArrayList<>();
        for (int i = 0; i < functions.size(); i++) {
            String step = what + ", step " + (i + 1);
            if (!(functions.get(i) instanceof CheckpointUnpickler.PythonFunction)) {
                throw new InvalidInputException(step + ": expected the function " + FUNCTION + ", got "
                        + functions.get(i));
            }
            if (!(arguments.get(i) instanceof Map<?, ?> kwargs)) {
                throw new InvalidInputException(step + ": the keyword arguments are not a dict");
            }
            for (Object key : kwargs.keySet()) {
                if (!"labels_or_regions".equals(key) && !"background_label".equals(key)) {
                    throw new InvalidInputException(step + ": unknown keyword argument '" + key + "'");
                }
            }
            Object background = kwargs.get("background_label");
            if (background != null && !(background instanceof Number n && n.longValue() == 0)) {
                throw new InvalidInputException(step + ": background_label " + background + "; MaskSeg's "
                        + "postprocessing sets removed voxels to label 0");
            }
            Set<Integer> selected = labels(kwargs.get("labels_or_regions"), step);
            if (!foreground.containsAll(selected)) {
                throw new InvalidInputException(step + ": labels " + selected + ", but the model's foreground labels "
                        + "are " + foreground);
            }
            if (selected.equals(foreground)) {
                if (!classes.isEmpty() || largestForeground) {
                    throw new InvalidInputException(step + ": keeps the largest foreground component after other "
                            + "steps; MaskSeg applies that step first");
                }
                largestForeground = true;
            } else if (selected.size() == 1) {
                classes.add(selected.iterator().next());
            } else {
                throw new InvalidInputException(step + ": keeps the largest component of labels " + selected
                        + " together, which is neither the whole foreground nor one label");
            }
        }
        return new Postprocessing(largestForeground, classes);
    }

    /**
     * The pickle nnU-Net reads for this postprocessing (with protocol 2, which every Python 3 reads): its steps in
     * the order {@link Postprocessing#apply} takes them.
     *
     * @param foregroundLabels the model's foreground labels, ascending
     */
    static byte[] pickle(Postprocessing p, List<Integer> foregroundLabels) {
        int dot = FUNCTION.lastIndexOf('.');
        PickleWriter.Global function = new PickleWriter.Global(FUNCTION.substring(0, dot), FUNCTION.substring(dot + 1));
        List<Object> functions = new ArrayList<>();
        List<Object> arguments = new ArrayList<>();
        if (p.largestForeground()) {
            functions.add(function);
            arguments.add(Map.of("labels_or_regions", List.copyOf(foregroundLabels)));
        }
        for (int c : p.largestOfClasses()) {
            functions.add(function);
            arguments.add(Map.of("labels_or_regions", c));
        }
        return PickleWriter.pickle(PickleWriter.Tuple.of(functions, arguments));
    }

    /** The labels of {@code labels_or_regions}: an int or a list of ints (a tuple would be a region). */
    private static Set<Integer> labels(Object value, String step) {
        List<?> items = value instanceof List<?> l ? l : List.of(value == null ? "nothing" : value);
        Set<Integer> labels = new TreeSet<>();
        for (Object o : items) {
            if (o instanceof Object[]) {
                throw new InvalidInputException(step + ": labels_or_regions holds a region (a tuple of labels); "
                        + "region postprocessing is not supported");
            }
            if (!(o instanceof Number n) || n.longValue() < 1 || n.longValue() > Integer.MAX_VALUE) {
                throw new InvalidInputException(step + ": labels_or_regions holds " + o + ", not a foreground label");
            }
            labels.add(n.intValue());
        }
        if (labels.isEmpty()) {
            throw new InvalidInputException(step + ": labels_or_regions is empty");
        }
        return labels;
    }
}
