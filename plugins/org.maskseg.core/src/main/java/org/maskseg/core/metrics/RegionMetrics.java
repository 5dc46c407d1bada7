package org.maskseg.core.metrics;

import static org.maskseg.core.metrics.ScoreColumns.format;
import static org.maskseg.core.metrics.ScoreColumns.putNumber;

import java.util.List;
import java.util.Locale;

import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.Json;
import org.maskseg.core.labels.RegionSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    private final ScoreColumns scores;

    /**
     * @param regions     the regions scored
     * @param ignoreValue the reference value left out (reported in the JSON)
     * @param cases       per case, one count per region
     */
    public RegionMetrics(RegionSet regions, int ignoreValue, List<CaseMetrics> cases) {
        this.regions = regions;
        this.ignoreValue = ignoreValue;
        this.scores = new ScoreColumns(cases);
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

    /** The reference value left out. */
    public int ignoreValue() {
        return ignoreValue;
    }

    public List<CaseMetrics> cases() {
        return scores.cases();
    }

    /** Mean Dice of region r over the cases, skipping NaN. */
    public double regionDice(int r) {
        return scores.dice(r);
    }

    /** Mean IoU of region r over the cases, skipping NaN. */
    public double regionIou(int r) {
        return scores.iou(r);
    }

    /** Number of cases in which region r is defined. */
    public int casesDefining(int r) {
        return scores.defined(r);
    }

    /** Mean of {@link #regionDice} over the regions, skipping NaN. */
    public double meanDice() {
        return scores.meanDice(0, regions.size());
    }

    /** Mean of {@link #regionIou} over the regions, skipping NaN. */
    public double meanIou() {
        return scores.meanIou(0, regions.size());
    }

    /**
     * The report as JSON: {@code note}, {@code ignore_label}, {@code regions} ({"name": {classes, dice, iou,
     * cases}}), {@code mean_dice}, {@code mean_iou} and {@code cases} ([{name, annotated_fraction, dice, iou, tp,
     * fp, fn}], maps keyed by region name). Undefined values are written as null.
     */
    public String toJson() {
        ObjectMapper mapper = Json.MAPPER;
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
        scores.writeCases(root.putArray("cases"), regions.size(), r -> regions.get(r).name());
        try {
            return mapper.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
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
                    format(regionIou(r)), casesDefining(r) + "/" + scores.cases().size()));
        }
        sb.append(String.format(Locale.ROOT, row, "mean (regions)", "", format(meanDice()), format(meanIou()), ""));
        return sb.toString();
    }
}
