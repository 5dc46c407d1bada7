package org.maskseg.core.plan;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.CaseData;
import org.maskseg.core.io.DatasetCase;
import org.maskseg.core.io.DatasetFolder;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.LabelValues;

/**
 * Plans a dataset on disk with at most one case in memory: the classes from the labels (or as declared), the
 * fingerprint, then {@link Planner#plan}. Datasets far larger than the memory can be planned this way; training
 * plans the cases it holds anyway ({@code TrainingJob.plan}) the same way.
 */
public final class FolderPlanning {

    /**
     * What planning found and chose.
     *
     * @param labels      the classes and ignore value the plan was made for
     * @param fingerprint the dataset's fingerprint
     * @param plan        the plan
     */
    public record Result(LabelSpec labels, DatasetFingerprint fingerprint, Plan plan) {

        /** Classes that no label image annotates anywhere: usually an ignore value that was not declared. */
        public List<Integer> absentClasses() {
            List<Integer> absent = new ArrayList<>();
            long[] voxels = fingerprint.classVoxels();
            for (int c = 0; c < voxels.length; c++) {
                if (voxels[c] == 0) {
                    absent.add(c);
                }
            }
            return absent;
        }
    }

    private FolderPlanning() {
    }

    /**
     * Reads the folder twice, one case at a time: first the label values (to know the classes), then image and
     * labels together for the fingerprint.
     *
     * @param declared    the classes and ignore value declared for the data (e.g. by an nnU-Net dataset.json), every
     *                    label image is checked against them; or null to infer them from the label values
     * @param ignoreValue with {@code declared} null: the ignore value, or null for the highest class + 1
     * @param classNames  with {@code declared} null: class names, background first, or null for default names
     */
    public static Result plan(DatasetFolder folder, LabelSpec declared, Integer ignoreValue, List<String> classNames,
            PlannerOptions options) throws IOException {
        List<DatasetCase> cases = folder.cases();
        Map<Integer, Long> valueCounts = new TreeMap<>();
        for (DatasetCase c : cases) {
            LabelVolume l = c.readLabels();
            if (declared != null) {
                declared.validate(l);
            }
            LabelValues.add(valueCounts, l);
        }
        LabelSpec spec = declared != null ? declared : inferred(valueCounts, ignoreValue, classNames);
        DatasetFingerprint.Builder fingerprint = new DatasetFingerprint.Builder(spec);
        for (DatasetCase c : cases) {
            CaseData data = c.read();
            fingerprint.add(data.image(), data.labels());
        }
        DatasetFingerprint fp = fingerprint.build();
        return new Result(spec, fp, Planner.plan(fp, spec, options));
    }

    private static LabelSpec inferred(Map<Integer, Long> valueCounts, Integer ignoreValue, List<String> names) {
        LabelSpec inferred = LabelSpec.infer(valueCounts, ignoreValue, names == null ? null : names.size());
        if (names == null) {
            return inferred;
        }
        if (names.size() != inferred.numClasses()) {
            throw new InvalidInputException(names.size() + " class names given, but the labels have "
                    + inferred.numClasses() + " classes (values 0.." + (inferred.numClasses() - 1)
                    + "), background first");
        }
        return new LabelSpec(inferred.numClasses(), inferred.ignoreValue(), names);
    }
}
