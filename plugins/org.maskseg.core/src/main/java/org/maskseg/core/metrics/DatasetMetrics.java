package org.maskseg.core.metrics;

import static org.maskseg.core.metrics.ScoreColumns.format;
import static org.maskseg.core.metrics.ScoreColumns.putNumber;

import java.util.List;
import java.util.Locale;

import org.maskseg.core.io.Json;
import org.maskseg.core.labels.LabelSpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Scores of a set of cases: per class, the mean Dice and IoU over the cases where the class is defined
 * (NaN values, i.e. class absent from reference and prediction, are skipped), and {@link #meanDice()}, the
 * mean of the per-class means over the foreground classes 1..K-1, as nnU-Net's "foreground mean".
 */
public final class DatasetMetrics {

    /** Explanation written into every JSON report, so that a reader knows what null and the means are. */
    public static final String JSON_NOTE = "Counts use only voxels whose reference is not the ignore label. "
            + "dice = 2tp/(2tp+fp+fn), iou = tp/(tp+fp+fn); null means undefined (tp+fp+fn = 0: the class is "
            + "absent from reference and prediction in the annotated region). Class means skip null cases; "
            + "mean_dice and mean_iou average the class means of the foreground classes (all but class 0), "
            + "skipping null classes.";

    private final LabelSpec spec;
    private final ScoreColumns scores;

    public DatasetMetrics(LabelSpec spec, List<CaseMetrics> cases) {
        this.spec = spec;
        this.scores = new ScoreColumns(cases);
        for (CaseMetrics m : cases) {
            if (m.numClasses() != spec.numClasses()) {
                throw new IllegalArgumentException("case " + m.name() + " has " + m.numClasses() + " classes, not "
                        + spec.numClasses());
            }
        }
    }

    public LabelSpec spec() {
        return spec;
    }

    public List<CaseMetrics> cases() {
        return scores.cases();
    }

    /** Mean Dice of class c over the cases, skipping NaN; NaN if no case defines it. */
    public double classDice(int c) {
        return scores.dice(c);
    }

    /** Mean IoU of class c over the cases, skipping NaN. */
    public double classIou(int c) {
        return scores.iou(c);
    }

    /** Number of cases in which class c is defined (its Dice is not NaN). */
    public int casesDefining(int c) {
        return scores.defined(c);
    }

    /** Mean of {@link #classDice} over the foreground classes, skipping NaN. */
    public double meanDice() {
        return scores.meanDice(1, spec.numClasses());
    }

    /** Mean of {@link #classIou} over the foreground classes, skipping NaN. */
    public double meanIou() {
        return scores.meanIou(1, spec.numClasses());
    }

    /**
     * The report as JSON: {@code note}, {@code ignore_label}, {@code classes} ({"c": {name, dice, iou,
     * cases}}), {@code mean_dice}, {@code mean_iou} and {@code cases} ([{name, annotated_fraction, dice,
     * iou, tp, fp, fn}], per-class maps keyed by class value). Undefined values (NaN) are written as null.
     */
    public String toJson() {
        ObjectMapper mapper = Json.MAPPER;
        ObjectNode root = mapper.createObjectNode();
        root.put("note", JSON_NOTE);
        root.put("ignore_label", spec.ignoreValue());
        ObjectNode classes = root.putObject("classes");
        for (int c = 0; c < spec.numClasses(); c++) {
            ObjectNode n = classes.putObject(Integer.toString(c));
            n.put("name", spec.classNames().get(c));
            putNumber(n, "dice", classDice(c));
            putNumber(n, "iou", classIou(c));
            n.put("cases", casesDefining(c));
        }
        putNumber(root, "mean_dice", meanDice());
        putNumber(root, "mean_iou", meanIou());
        scores.writeCases(root.putArray("cases"), spec.numClasses(), Integer::toString);
        try {
            return mapper.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A per-class table for terminals; undefined values are shown as "n/a". */
    public String formatTable() {
        StringBuilder sb = new StringBuilder();
        int nameWidth = "mean (foreground)".length();
        for (String n : spec.classNames()) {
            nameWidth = Math.max(nameWidth, n.length() + 4);
        }
        String row = "%-" + nameWidth + "s %8s %8s %7s%n";
        sb.append(String.format(Locale.ROOT, row, "class", "dice", "iou", "cases"));
        for (int c = 0; c < spec.numClasses(); c++) {
            sb.append(String.format(Locale.ROOT, row, c + " " + spec.classNames().get(c), format(classDice(c)),
                    format(classIou(c)), casesDefining(c) + "/" + scores.cases().size()));
        }
        sb.append(String.format(Locale.ROOT, row, "mean (foreground)", format(meanDice()), format(meanIou()), ""));
        return sb.toString();
    }
}
