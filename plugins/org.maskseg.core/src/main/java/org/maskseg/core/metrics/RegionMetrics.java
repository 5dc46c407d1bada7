package org.maskseg.core.metrics;

import java.util.List;
import java.util.Locale;

import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.RegionSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Scores of a set of cases per region, for region-based models: reference and predicted label images are
 * turned into region memberships (a voxel is in region r where its class is in the region's set), and Dice
 * and IoU are computed per region over the voxels whose reference is not the ignore value. Each case's
 * {@link CaseMetrics} holds one entry per region (index r = region r). Per region, the mean over the cases
 * where the region is defined (NaN values skipped); {@link #meanDice()} averages the region means.
 */
public final class RegionMetrics {

    /** Explanation written into every JSON report. */
    public static final String JSON_NOTE = "Region scores: a voxel belongs to a region where its class is in the "
            + "region's classes, in reference and prediction alike. Counts use only voxels whose reference is not "
            + "the ignore label. dice = 2tp/(2tp+fp+fn), iou = tp/(tp+fp+fn); null means undefined (the region is "
            + "absent from reference and prediction in the annotated area). Region means skip null cases; "
            + "mean_dice and mean_iou average the region means, skipping null regions.";

    private final RegionSet regions;
    private final int ignoreValue;
    private final List<CaseMetrics> cases;

    /**
     * @param regions     the regions scored
     * @param ignoreValue the reference value left out (reported in the JSON)
     * @param cases       per case, one count per region
     */
    public RegionMetrics(RegionSet regions, int ignoreValue, List<CaseMetrics> cases) {
        this.regions = regions;
        this.ignoreValue = ignoreValue;
        this.cases = List.copyOf(cases);
        for (CaseMetrics m : cases) {
            if (m.numClasses() != regions.size()) {
                throw new IllegalArgumentException("case " + m.name() + " has " + m.numClasses() + " scores, not "
                        + regions.size() + " regions");
            }
        }
    }

    /**
     * Counts one case: per region tp/fp/fn over the annotated voxels of the reference.
     *
     * @param reference labels in the user's convention (classes and {@code ignoreValue})
     * @param prediction predicted classes (e.g. the export labels of a region-based model), same size
     * @throws org.maskseg.core.InvalidInputException if sizes differ or a value is not a class
     */
    public static CaseMetrics evaluate(String name, LabelVolume reference, LabelVolume prediction, int ignoreValue,
            RegionSet regions) {
        return PairCounts.count(name, reference, prediction, ignoreValue).toRegionMetrics(regions);
    }

    public RegionSet regions() {
        return regions;
    }

    public List<CaseMetrics> cases() {
        return cases;
    }

    /** Mean Dice of region r over the cases, skipping NaN. */
    public double regionDice(int r) {
        return NanMean.of(cases.stream().mapToDouble(m -> m.dice(r)).toArray());
    }

    /** Mean IoU of region r over the cases, skipping NaN. */
    public double regionIou(int r) {
        return NanMean.of(cases.stream().mapToDouble(m -> m.iou(r)).toArray());
    }

    /** Number of cases in which region r is defined. */
    public int casesDefining(int r) {
        return NanMean.defined(cases.stream().mapToDouble(m -> m.dice(r)).toArray());
    }

    /** Mean of {@link #regionDice} over the regions, skipping NaN. */
    public double meanDice() {
        double[] d = new double[regions.size()];
        for (int r = 0; r < d.length; r++) {
            d[r] = regionDice(r);
        }
        return NanMean.of(d);
    }

    /** Mean of {@link #regionIou} over the regions, skipping NaN. */
    public double meanIou() {
        double[] d = new double[regions.size()];
        for (int r = 0; r < d.length; r++) {
            d[r] = regionIou(r);
        }
        return NanMean.of(d);
    }

    /**
     * The report as JSON: {@code note}, {@code ignore_label}, {@code regions} ({"name": {classes, dice, iou,
     * cases}}), {@code mean_dice}, {@code mean_iou} and {@code cases} ([{name, annotated_fraction, dice, iou, tp,
     * fp, fn}], maps keyed by region name). Undefined values are written as null.
     */
    public String toJson() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("note", JSON_NOTE);
        root.put("ignore_label", ignoreValue);
        ObjectNode regionNodes = root.putObject("regions");
        for (int r = 0; r < regions.size(); r++) {
            ObjectNode n = regionNodes.putObject(regions.get(r).name());
            ArrayNode classes = n.putArray("classes");
            regions.get(r).classes().forEach(classes::add);
            n.put("export_label", regions.get(r).exportLabel());
            putNumber(n, "dice", regionDice(r));
            putNumber(n, "iou", regionIou(r));
            n.put("cases", casesDefining(r));
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
            for (int r = 0; r < regions.size(); r++) {
                String key = regions.get(r).name();
                putNumber(dice, key, m.dice(r));
                putNumber(iou, key, m.iou(r));
                tp.put(key, m.tp()[r]);
                fp.put(key, m.fp()[r]);
                fn.put(key, m.fn()[r]);
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

    /** A per-region table for terminals; undefined values are shown as "n/a". */
    public String formatTable() {
        int nameWidth = "mean (regions)".length();
        for (String n : regions.names()) {
            nameWidth = Math.max(nameWidth, n.length());
        }
        String row = "%-" + nameWidth + "s %-12s %8s %8s %7s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, row, "region", "classes", "dice", "iou", "cases"));
        for (int r = 0; r < regions.size(); r++) {
            String classes = regions.get(r).classes().toString().replace(" ", "");
            sb.append(String.format(Locale.ROOT, row, regions.get(r).name(), classes, format(regionDice(r)),
                    format(regionIou(r)), casesDefining(r) + "/" + cases.size()));
        }
        sb.append(String.format(Locale.ROOT, row, "mean (regions)", "", format(meanDice()), format(meanIou()), ""));
        return sb.toString();
    }

    private static String format(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }
}
