package org.maskseg.core.annotate;

import java.util.ArrayList;
import java.util.List;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;

/**
 * One class annotated only inside a region of interest (partial labels): an expert drew class c only there, or
 * dense labels simulate that. Inside the region the labels stay as they are. Outside it class c is unknown: voxels
 * labelled c become 0, which together with the unknown-region mask means "background or c", and the mask marks
 * every voxel outside the region. Every other class stays known everywhere: a voxel labelled with another class
 * belongs to that class, and so not to c. Ignore voxels stay ignore.
 * <p>
 * The report counts, per class, the input voxels of that class whose label stays certain (background and c only
 * inside the region, the other classes everywhere), and overall the annotated voxels whose class stays certain.
 * Its overall fraction is therefore the share of the input's annotated voxels where class c is known.
 */
public final class ClassRoi {

    static final String OPERATION = AnnotationMode.CLASS_ROI.key();

    private ClassRoi() {
    }

    /**
     * Applies the operation to one case.
     *
     * @param labels     labels in the spec's value convention; not modified
     * @param roi        mask of the same size, non-zero inside the region where class c is annotated
     * @param classValue c, a foreground class of the spec
     * @param className  names c's unknown-region mask (its folder and column)
     */
    public static Annotation apply(LabelVolume labels, LabelSpec spec, LabelVolume roi, int classValue,
            String className) {
        LabelMasking.checkSameSize(labels, roi.size(), "region-of-interest mask '" + roi.name() + "'");
        spec.validate(labels);
        if (classValue < 1 || classValue >= spec.numClasses()) {
            throw new InvalidInputException("class " + classValue + " is not a foreground class of the labels (1.."
                    + (spec.numClasses() - 1) + ")");
        }
        int k = spec.numClasses();
        int ignore = spec.ignoreValue();
        int[] in = labels.data();
        int[] inside = roi.data();
        int[] out = new int[in.length];
        int[] mask = new int[in.length];
        long[] before = new long[k];
        long[] certain = new long[k];
        long inputAnnotated = 0;
        long annotated = 0;
        for (int i = 0; i < in.length; i++) {
            int v = in[i];
            boolean insideRoi = inside[i] != 0;
            mask[i] = insideRoi ? 0 : 1;
            out[i] = !insideRoi && v == classValue ? 0 : v;
            if (v == ignore) {
                continue;
            }
            inputAnnotated++;
            before[v]++;
            // outside the region, background and c turn into "background or c"; any other class stays certain
            if (insideRoi || (v != 0 && v != classValue)) {
                certain[v]++;
                annotated++;
            }
        }
        if (inputAnnotated == 0) {
            throw new InvalidInputException("labels '" + labels.name() + "': every voxel already is the ignore value "
                    + ignore + ", nothing is annotated");
        }
        List<AnnotationReport.ClassFraction> classes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            classes.add(new AnnotationReport.ClassFraction(c, spec.classNames().get(c), before[c], certain[c]));
        }
        if (before[classValue] > 0 && certain[classValue] == 0) {
            warnings.add("labels '" + labels.name() + "': " + className + " (value " + classValue + ") occurs only"
                    + " outside the region of interest, so none of its voxels stays annotated");
        }
        LabelVolume result = LabelVolume.wrap(labels.name(), out, labels.size(), labels.spacing());
        LabelVolume unknown = LabelVolume.wrap(labels.name(), mask, labels.size(), labels.spacing());
        AnnotationReport report = new AnnotationReport(labels.name(), OPERATION, classes, inputAnnotated, annotated,
                in.length, warnings);
        return new Annotation(result, report, new UnknownRegion(classValue, className, unknown));
    }
}
