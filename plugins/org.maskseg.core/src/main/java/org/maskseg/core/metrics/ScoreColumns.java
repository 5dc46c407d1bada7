package org.maskseg.core.metrics;

import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The per-case scores of a dataset seen column by column: score i is a class for {@link DatasetMetrics} and a
 * region for {@link RegionMetrics}. Means over cases skip undefined (NaN) values, as nnU-Net averages.
 */
final class ScoreColumns {

    private final List<CaseMetrics> cases;

    ScoreColumns(List<CaseMetrics> cases) {
        this.cases = List.copyOf(cases);
    }

    List<CaseMetrics> cases() {
        return cases;
    }

    /** Mean Dice of score i over the cases where it is defined. */
    double dice(int i) {
        return NanMean.of(cases.stream().mapToDouble(m -> m.dice(i)).toArray());
    }

    /** Mean IoU of score i over the cases where it is defined. */
    double iou(int i) {
        return NanMean.of(cases.stream().mapToDouble(m -> m.iou(i)).toArray());
    }

    /** Number of cases in which score i is defined. */
    int defined(int i) {
        return NanMean.defined(cases.stream().mapToDouble(m -> m.dice(i)).toArray());
    }

    /** Mean of {@link #dice} over scores from (inclusive) to to (exclusive), skipping NaN. */
    double meanDice(int from, int to) {
        double[] d = new double[to - from];
        for (int i = from; i < to; i++) {
            d[i - from] = dice(i);
        }
        return NanMean.of(d);
    }

    /** Mean of {@link #iou} over scores from (inclusive) to to (exclusive), skipping NaN. */
    double meanIou(int from, int to) {
        double[] d = new double[to - from];
        for (int i = from; i < to; i++) {
            d[i - from] = iou(i);
        }
        return NanMean.of(d);
    }

    /** Appends one object per case (name, annotated_fraction, dice, iou, tp, fp, fn maps keyed by key(i)). */
    void writeCases(ArrayNode list, int scores, IntFunction<String> key) {
        for (CaseMetrics m : cases) {
            ObjectNode n = list.addObject();
            n.put("name", m.name());
            n.put("annotated_fraction", m.annotatedFraction());
            ObjectNode dice = n.putObject("dice");
            ObjectNode iou = n.putObject("iou");
            ObjectNode tp = n.putObject("tp");
            ObjectNode fp = n.putObject("fp");
            ObjectNode fn = n.putObject("fn");
            for (int i = 0; i < scores; i++) {
                String k = key.apply(i);
                putNumber(dice, k, m.dice(i));
                putNumber(iou, k, m.iou(i));
                tp.put(k, m.tp()[i]);
                fp.put(k, m.fp()[i]);
                fn.put(k, m.fn()[i]);
            }
        }
    }

    /** A number, or null when undefined. */
    static void putNumber(ObjectNode node, String key, double v) {
        if (Double.isNaN(v)) {
            node.putNull(key);
        } else {
            node.put(key, v);
        }
    }

    /** Four decimals, or "n/a" when undefined. */
    static String format(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }
}
