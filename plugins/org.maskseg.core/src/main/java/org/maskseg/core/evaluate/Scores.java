package org.maskseg.core.evaluate;

import java.util.ArrayList;
import java.util.List;

import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.RegionSet;
import org.maskseg.core.metrics.CaseMetrics;
import org.maskseg.core.metrics.DatasetMetrics;
import org.maskseg.core.metrics.RegionMetrics;
import org.maskseg.core.metrics.SegmentationMetrics;

/**
 * Scores of a set of cases, per class or, for a region-based model, per region: the same metrics as
 * {@link FolderEvaluation} (counted only where the reference is annotated, and for partial references each class
 * only where the reference knows it), for predictions held in memory. Scores of several sets (e.g. the folds of a
 * cross-validation) are pooled by scoring all their cases together.
 */
public final class Scores {

    private final DatasetMetrics classes;
    private final RegionMetrics regions;

    private Scores(DatasetMetrics classes, RegionMetrics regions) {
        this.classes = classes;
        this.regions = regions;
    }

    /** Scores per class. */
    public static Scores of(DatasetMetrics classes) {
        return new Scores(classes, null);
    }

    /** Scores per region. */
    public static Scores of(RegionMetrics regions) {
        return new Scores(null, regions);
    }

    /**
     * Scores predictions against their references.
     *
     * @param names       case names, one per pair
     * @param spec        the classes and the ignore value of the references
     * @param regions     the model's regions (scored per region), or an empty set (scored per class)
     * @param knowledge   the class knowledge of every reference, or null when all are fully annotated
     */
    public static Scores score(List<String> names, List<LabelVolume> references, List<LabelVolume> predictions,
            LabelSpec spec, RegionSet regions, List<ClassKnowledge> knowledge) {
        if (names.size() != references.size() || names.size() != predictions.size()
                || knowledge != null && knowledge.size() != names.size()) {
            throw new IllegalArgumentException("names, references, predictions and knowledge differ in number");
        }
        List<CaseMetrics> cases = new ArrayList<>();
        boolean byRegion = regions != null && !regions.isEmpty();
        for (int i = 0; i < names.size(); i++) {
            cases.add(byRegion
                    ? RegionMetrics.evaluate(names.get(i), references.get(i), predictions.get(i), spec.ignoreValue(),
                            regions)
                    : knowledge == null ? SegmentationMetrics.evaluate(names.get(i), references.get(i),
                            predictions.get(i), spec)
                            : SegmentationMetrics.evaluate(names.get(i), references.get(i), predictions.get(i), spec,
                                    knowledge.get(i)));
        }
        return byRegion ? of(new RegionMetrics(regions, spec.ignoreValue(), cases))
                : of(new DatasetMetrics(spec, cases));
    }

    /** All cases of several score sets of the same classes or regions, scored together. */
    public static Scores pooled(List<Scores> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to pool");
        }
        Scores first = parts.get(0);
        List<CaseMetrics> cases = new ArrayList<>();
        for (Scores s : parts) {
            if ((s.regions == null) != (first.regions == null) || !s.names().equals(first.names())) {
                throw new IllegalArgumentException("scores of different classes or regions cannot be pooled");
            }
            cases.addAll(s.cases());
        }
        return first.regions != null ? of(new RegionMetrics(first.regions.regions(), first.regions.ignoreValue(), cases))
                : of(new DatasetMetrics(first.classes.spec(), cases));
    }

    /**
     * The scores of the folds of a cross-validation and of all their cases pooled, as JSON:
     * {@code {"folds": {"<k>": <report>, ...}, "pooled": <report>}}, each report as {@link #toJson()} writes it.
     *
     * @param folds scores by fold number, in order
     */
    public static String foldsJson(java.util.SortedMap<Integer, Scores> folds) {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        try {
            com.fasterxml.jackson.databind.node.ObjectNode root = mapper.createObjectNode();
            com.fasterxml.jackson.databind.node.ObjectNode byFold = root.putObject("folds");
            for (java.util.Map.Entry<Integer, Scores> e : folds.entrySet()) {
                byFold.set(Integer.toString(e.getKey()), mapper.readTree(e.getValue().toJson()));
            }
            root.set("pooled", mapper.readTree(pooled(new ArrayList<>(folds.values())).toJson()));
            return mapper.writeValueAsString(root) + System.lineSeparator();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True for scores per region. */
    public boolean byRegion() {
        return regions != null;
    }

    /** The scored foreground classes (class 1 on) or regions, by name. */
    public List<String> names() {
        if (regions != null) {
            return regions.regions().names();
        }
        List<String> all = classes.spec().classNames();
        return all.subList(1, all.size());
    }

    /** Mean Dice over the cases of the i-th of {@link #names()}, skipping undefined cases; NaN if none. */
    public double dice(int i) {
        return regions != null ? regions.regionDice(i) : classes.classDice(i + 1);
    }

    /** Mean of {@link #dice} over the names, skipping undefined ones. */
    public double meanDice() {
        return regions != null ? regions.meanDice() : classes.meanDice();
    }

    public List<CaseMetrics> cases() {
        return regions != null ? regions.cases() : classes.cases();
    }

    /** The report as JSON, as {@code maskseg evaluate --json} writes it. */
    public String toJson() {
        return regions != null ? regions.toJson() : classes.toJson();
    }

    /** A table for terminals. */
    public String formatTable() {
        return regions != null ? regions.formatTable() : classes.formatTable();
    }
}
