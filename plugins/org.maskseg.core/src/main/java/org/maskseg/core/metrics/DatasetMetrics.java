package org.maskseg.core.metrics;

import java.util.List;
import java.util.Locale;

import org.maskseg.core.labels.LabelSpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
    private final List<CaseMetrics> cases;

    public DatasetMetrics(LabelSpec spec, List<CaseMetrics> cases) {
        this.spec = spec;
        this.cases = List.copyOf(cases);
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
        return cases;
    }

    /** Mean Dice of class c over the cases, skipping NaN; NaN if no case defines it. */
    public double classDice(int c) {
        return NanMean.of(cases.stream().mapToDouble(m -> m.dice(c)).toArray());
    }

    /** Mean IoU of class c over the cases, skipping NaN. */
    public double classIou(int c) {
        return NanMean.of(cases.stream().mapToDouble(m -> m.iou(c)).toArray());
    }

    /** Number of cases in which class c is defined (its Dice is not NaN). */
    public int casesDefining(int c) {
        return NanMean.defined(cases.stream().mapToDouble(m -> m.dice(c)).toArray());
    }

    /** Mean of {@link #classDice} over the foreground classes, skipping NaN. */
    public double meanDice() {
        double[] d = new double[spec.numClasses() - 1];
        for (int c = 1; c < spec.numClasses(); c++) {
            d[c - 1] = classDice(c);
        }
        return NanMean.of(d);
    }

    /** Mean of {@link #classIou} over the foreground classes, skipping NaN. */
    public double meanIou() {
        double[] d = new double[spec.numClasses() - 1];
        for (int c = 1; c < spec.numClasses(); c++) {
            d[c - 1] = classIou(c);
        }
        return NanMean.of(d);
    }

    /**
     * The report as JSON: {@code note}, {@code ignore_label}, {@code classes} ({"c": {name, dice, iou,
     * cases}}), {@code mean_dice}, {@code mean_iou} and {@code cases} ([{name, annotated_fraction, dice,
     * iou, tp, fp, fn}], per-class maps keyed by class value). Undefined values (NaN) are written as null.
     */
    public String toJson() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
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
        ArrayNode list = root.putArray("cases");
        for (CaseMetrics m : cases) {
            ObjectNode n = list.addObject();
            n.put("name", m.name());
            n.put("annotated_fraction", m.annotatedFraction());
            ObjectNode dice = n.putObject("dice");
            ObjectNode iou = n.putObject("iou");
            ObjectNode tp = n.putObject("tp");
            ObjectNode fp = n.putObject("fp");
            ObjectNode fn = n.putObject("fn");
            for (int c = 0; c < spec.numClasses(); c++) {
                String key = Integer.toString(c);
                putNumber(dice, key, m.dice(c));
                putNumber(iou, key, m.iou(c));
                tp.put(key, m.tp()[c]);
                fp.put(key, m.fp()[c]);
                fn.put(key, m.fn()[c]);
            }
        }
        try {
            return mapper.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putNumber(ObjectNode node, String key, double v) {
        if (Double.isNaN(v)) {
            node.putNull(key);
        } else {
            node.put(key, v);
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
                    format(classIou(c)), casesDefining(c) + "/" + cases.size()));
        }
        sb.append(String.format(Locale.ROOT, row, "mean (foreground)", format(meanDice()), format(meanIou()), ""));
        return sb.toString();
    }

    private static String format(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }
}
