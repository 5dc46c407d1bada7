package org.maskseg.core.annotate;

import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;

/**
 * Runs one annotation job, configured by {@link AnnotateOptions}, on cases in memory. Front ends (the
 * command line, the KNIME node) call {@link #labelSpec} once with the label values of all cases and then
 * {@link #annotate} per case.
 */
public final class Annotator {

    private final AnnotateOptions options;

    public Annotator(AnnotateOptions options) {
        this.options = options.validate();
    }

    public AnnotateOptions options() {
        return options;
    }

    /**
     * Annotates one case. The result is in the value convention of {@code spec}.
     *
     * @param labels dense (or partly ignored) labels
     * @param image  the case's image; needed by {@link AnnotationMode#INVALID}, otherwise may be null
     * @param roi    the region-of-interest mask (nonzero = inside); needed by {@link AnnotationMode#ROI} and
     *               {@link AnnotationMode#CLASS_ROI}, otherwise may be null
     * @return the labels and report; for {@link AnnotationMode#CLASS_ROI} also the unknown-region mask
     */
    public Annotation annotate(LabelVolume labels, LabelSpec spec, ImageVolume image, LabelVolume roi) {
        if (options.mode() == AnnotationMode.CLASS_ROI) {
            ClassChoice choice = options.unknownClassChoice();
            return ClassRoi.apply(labels, spec, require(roi, "a region-of-interest mask", labels),
                    choice.resolve(spec, options.classNames()), choice.displayName(options.classNames()));
        }
        long seed = caseSeed(options.seed(), labels.name());
        int axis = options.axis() != null ? options.axis() : SparseAnnotation.defaultAxis(labels);
        LabelVolume out = switch (options.mode()) {
            case ROI -> IgnoreOperations.roi(labels, spec, require(roi, "a region-of-interest mask", labels));
            case REMAP -> IgnoreOperations.remap(labels, spec,
                    options.values().stream().mapToInt(Integer::intValue).toArray());
            case BORDER -> IgnoreOperations.borderBand(labels, spec, options.width(), options.physicalWidth());
            case INVALID -> IgnoreOperations.invalidVoxels(labels, spec, require(image, "an image", labels),
                    options.outOfField(), options.outOfFieldAllChannels());
            case SCRIBBLES -> Scribbles.scribbles(labels, spec, options.scribbleOptions(), seed);
            case SLICES -> options.every() != null
                    ? SparseAnnotation.everyNthSlice(labels, spec, axis, options.every())
                    : SparseAnnotation.randomSlices(labels, spec, axis, options.fraction(), seed);
            case PATCHES -> SparseAnnotation.patches(labels, spec, options.patchSize(), options.fraction(), seed);
            case CLASS_ROI -> throw new IllegalStateException("handled above");
        };
        return new Annotation(out, AnnotationReport.compare(options.mode().key(), spec, labels, out));
    }

    private <T> T require(T input, String what, LabelVolume labels) {
        if (input == null) {
            throw new InvalidInputException("mode '" + options.mode().key() + "' needs " + what + " for labels '"
                    + labels.name() + "'");
        }
        return input;
    }

    /**
     * The seed of one case: derived from the job's seed and the case name, so that a case gets the same
     * annotation whatever other cases are processed with it and in whatever order.
     */
    public static long caseSeed(long seed, String caseName) {
        return new SplittableRandom(seed ^ (caseName.hashCode() * 0x9E3779B97F4A7C15L)).nextLong();
    }

    /** The distinct values of a label volume. */
    public static TreeSet<Integer> distinctValues(LabelVolume labels) {
        TreeSet<Integer> values = new TreeSet<>();
        int[] d = labels.data();
        int last = 0;
        for (int i = 0; i < d.length; i++) {
            if (i == 0 || d[i] != last) {
                last = d[i];
                values.add(last);
            }
        }
        return values;
    }

    /**
     * The classes and ignore value of a job, from the distinct label values of all its cases: classes are
     * 0 up to the largest value that is neither the ignore value nor (for {@link AnnotationMode#REMAP}) a
     * value being remapped; the ignore value is the one set in the options, or that largest class + 1.
     * The class range also covers every class named in the options (class names, the class of
     * {@link AnnotationMode#CLASS_ROI}), so a class without voxels in these labels still gets its value.
     *
     * @throws InvalidInputException for negative values that are not the ignore value, for an ignore value
     *                               inside the class range, or when no class value occurs at all
     */
    public LabelSpec labelSpec(Collection<Integer> observedValues) {
        java.util.Map<Integer, Long> unknownCounts = new java.util.TreeMap<>();
        observedValues.forEach(v -> unknownCounts.put(v, -1L));
        return labelSpec(unknownCounts);
    }

    /**
     * Like {@link #labelSpec(Collection)} from the voxels per value of the label images, which the refusal of
     * values far above the others reports (see {@link org.maskseg.core.labels.LabelValues}).
     */
    public LabelSpec labelSpec(java.util.Map<Integer, Long> valueCounts) {
        Collection<Integer> observedValues = valueCounts.keySet();
        Integer ignore = options.ignoreValue();
        int max = -1;
        for (int v : observedValues) {
            if ((ignore != null && v == ignore)
                    || (options.mode() == AnnotationMode.REMAP && options.values().contains(v))) {
                continue;
            }
            if (v < 0) {
                throw new InvalidInputException("the labels contain the negative value " + v + ", which is neither a "
                        + "class nor the ignore value" + (ignore == null ? " (set the ignore value if " + v
                                + " marks unannotated voxels)" : " " + ignore));
            }
            max = Math.max(max, v);
        }
        if (max < 0) {
            throw new InvalidInputException("no label image contains a class value: every voxel is the ignore value"
                    + (options.mode() == AnnotationMode.REMAP ? " or a remapped value" : "")
                    + ", nothing is annotated");
        }
        java.util.Map<Integer, Long> classCounts = new java.util.TreeMap<>(valueCounts);
        if (options.mode() == AnnotationMode.REMAP) {
            classCounts.keySet().removeAll(options.values());
        }
        List<String> names = options.classNames();
        org.maskseg.core.labels.LabelValues.checkNoFarValues(classCounts, ignore, names.isEmpty() ? null
                : names.size(), "the label files");
        int numClasses = Math.max(2, max + 1);
        if (!names.isEmpty() && names.size() < numClasses) {
            throw new InvalidInputException(names.size() + " class names " + names + " given, but the labels contain"
                    + " class values up to " + max + " (" + numClasses + " classes)");
        }
        numClasses = Math.max(numClasses, names.size());
        if (options.mode() == AnnotationMode.CLASS_ROI) {
            ClassChoice choice = options.unknownClassChoice();
            if (choice.value() != null) {
                numClasses = Math.max(numClasses, choice.value() + 1);
            }
            if (!names.isEmpty() && numClasses > names.size()) {
                throw new InvalidInputException("class " + choice.value() + " has no name among the "
                        + names.size() + " class names " + names);
            }
        }
        if (ignore != null && ignore >= 0 && ignore < numClasses) {
            throw new InvalidInputException("ignore value " + ignore + " lies inside the class range 0.."
                    + (numClasses - 1) + (numClasses - 1 == max ? " found in the labels" : "")
                    + "; it must be outside it (e.g. " + numClasses + ", 255 or -1)");
        }
        return new LabelSpec(numClasses, ignore == null ? numClasses : ignore, names);
    }
}
