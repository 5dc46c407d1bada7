package org.maskseg.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class SegmentationMetricsTest {

    private static final LabelSpec SPEC = new LabelSpec(3, 255, null);

    private static LabelVolume labels(int... data) {
        return LabelVolume.wrap("l", data, new long[] {4, 3}, new double[] {1, 1});
    }

    /** Hand-counted example: 3 ignored voxels, one of them predicted as class 0, two as class 2. */
    private static CaseMetrics handCase() {
        LabelVolume ref = labels(
                0, 0, 1, 1,
                255, 255, 1, 2,
                0, 1, 255, 2);
        LabelVolume pred = labels(
                0, 1, 1, 1,
                2, 2, 1, 1,
                0, 1, 0, 2);
        return SegmentationMetrics.evaluate("hand", ref, pred, SPEC);
    }

    @Test
    void countsOnlyAnnotatedVoxels() {
        CaseMetrics m = handCase();
        assertArrayEquals(new long[] {2, 4, 1}, m.tp());
        assertArrayEquals(new long[] {0, 2, 0}, m.fp());
        assertArrayEquals(new long[] {1, 0, 1}, m.fn());
        assertEquals(0.75, m.annotatedFraction(), 1e-12);
        assertEquals(0.8, m.dice(0), 1e-12);
        assertEquals(2 / 3.0, m.iou(0), 1e-12);
        assertEquals(0.8, m.dice(1), 1e-12);
        assertEquals(4 / 6.0, m.iou(1), 1e-12);
        assertEquals(2 / 3.0, m.dice(2), 1e-12);
        assertEquals(0.5, m.iou(2), 1e-12);
        assertEquals((0.8 + 2 / 3.0) / 2, m.meanForegroundDice(), 1e-12);
    }

    @Test
    void partialReferenceScoresEachClassWhereItIsKnown() {
        LabelVolume ref = labels(
                0, 0, 1, 1,
                255, 0, 1, 0,
                0, 0, 0, 0);
        LabelVolume pred = labels(
                0, 2, 1, 1,
                2, 1, 1, 2,
                1, 0, 2, 0);
        // only class 1 annotated in this case, and class 1 is unknown at voxel (0, 2) as well: nothing is known
        // there, so it counts as not annotated
        int[] unknown1 = new int[12];
        unknown1[8] = 1;
        ClassKnowledge knowledge = ClassKnowledge.annotated(Set.of(1)).withUnknownMask(1, labels(unknown1));
        CaseMetrics m = SegmentationMetrics.evaluate("partial", ref, pred, SPEC, knowledge);
        // class 1: tp at (2,0), (3,0), (2,1); fp at (1,1) where the reference is background and class 1 known;
        // the prediction 1 at (0,2) is not counted. Class 2 is unknown everywhere: no counts.
        assertArrayEquals(new long[] {0, 3, 0}, m.tp());
        assertArrayEquals(new long[] {0, 1, 0}, m.fp());
        assertArrayEquals(new long[] {0, 0, 0}, m.fn());
        assertEquals(10 / 12.0, m.annotatedFraction(), 1e-12);
        assertEquals(6 / 7.0, m.dice(1), 1e-12);
        assertTrue(Double.isNaN(m.dice(2)));
        // the same reference read as fully annotated punishes every class-2 prediction
        assertEquals(0, SegmentationMetrics.evaluate("plain", ref, pred, SPEC).dice(2), 0);
        assertEquals(SegmentationMetrics.evaluate("plain", ref, pred, SPEC),
                SegmentationMetrics.evaluate("plain", ref, pred, SPEC, ClassKnowledge.complete()));

        LabelVolume labelledUnknown = labels(0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> SegmentationMetrics
                .evaluate("c7", labelledUnknown, pred, SPEC, ClassKnowledge.annotated(Set.of(1))));
        assertTrue(e.getMessage().contains("'c7'") && e.getMessage().contains("(2, 0)"), e.getMessage());
    }

    @Test
    void absentClassIsNaNButAFalsePositiveClassScoresZero() {
        CaseMetrics absent = SegmentationMetrics.evaluate("absent", labels(0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0),
                labels(0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0), SPEC);
        assertEquals(1, absent.dice(0), 0);
        assertTrue(Double.isNaN(absent.dice(1)));
        assertTrue(Double.isNaN(absent.iou(2)));
        assertTrue(Double.isNaN(absent.meanForegroundDice()));

        CaseMetrics spurious = SegmentationMetrics.evaluate("spurious", labels(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                labels(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), SPEC);
        assertEquals(0, spurious.dice(1), 0);
        assertEquals(0, spurious.iou(1), 0);
        assertTrue(Double.isNaN(spurious.dice(2)));
        assertEquals(0, spurious.meanForegroundDice(), 0);
    }

    @Test
    void datasetMeansSkipNaN() throws Exception {
        CaseMetrics hand = handCase();
        CaseMetrics absent = SegmentationMetrics.evaluate("absent", labels(new int[12]), labels(new int[12]), SPEC);
        DatasetMetrics d = new DatasetMetrics(SPEC, List.of(hand, absent));
        assertEquals((0.8 + 1) / 2, d.classDice(0), 1e-12);
        assertEquals(0.8, d.classDice(1), 1e-12);
        assertEquals(2 / 3.0, d.classDice(2), 1e-12);
        assertEquals(1, d.casesDefining(1));
        assertEquals((0.8 + 2 / 3.0) / 2, d.meanDice(), 1e-12);
        assertEquals((4 / 6.0 + 0.5) / 2, d.meanIou(), 1e-12);

        JsonNode json = new ObjectMapper().readTree(d.toJson());
        assertEquals(0.8, json.at("/classes/1/dice").asDouble(), 1e-12);
        assertEquals(0.5, json.at("/classes/2/iou").asDouble(), 1e-12);
        assertEquals(d.meanDice(), json.at("/mean_dice").asDouble(), 1e-12);
        assertEquals("hand", json.at("/cases/0/name").asText());
        assertEquals(2, json.at("/cases/0/tp/0").asInt());
        assertTrue(json.at("/cases/1/dice/1").isNull());
        assertEquals(1.0, json.at("/cases/1/dice/0").asDouble(), 0);
        assertEquals(255, json.at("/ignore_label").asInt());
        String table = d.formatTable();
        assertTrue(table.contains("0.8000"), table);
        assertTrue(table.contains("1/2"), table);
    }

    @Test
    void datasetWithoutAnyForegroundHasUndefinedMean() throws Exception {
        CaseMetrics absent = SegmentationMetrics.evaluate("absent", labels(new int[12]), labels(new int[12]), SPEC);
        DatasetMetrics d = new DatasetMetrics(SPEC, List.of(absent));
        assertTrue(Double.isNaN(d.meanDice()));
        JsonNode json = new ObjectMapper().readTree(d.toJson());
        assertTrue(json.at("/mean_dice").isNull());
        assertTrue(json.at("/classes/1/dice").isNull());
        assertTrue(d.formatTable().contains("n/a"));
    }

    @Test
    void badInputsAreRefused() {
        LabelVolume ok = labels(new int[12]);
        LabelVolume other = LabelVolume.wrap("p", new int[6], new long[] {3, 2}, new double[] {1, 1});
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> SegmentationMetrics.evaluate("c1", ok, other, SPEC));
        assertTrue(e.getMessage().contains("c1") && e.getMessage().contains("size"), e.getMessage());
        int[] bad = new int[12];
        bad[5] = 3;
        e = assertThrows(InvalidInputException.class, () -> SegmentationMetrics.evaluate("c2", ok, labels(bad), SPEC));
        assertTrue(e.getMessage().contains("prediction has value 3 at voxel (1, 1)"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> SegmentationMetrics.evaluate("c3", labels(bad), ok, SPEC));
        assertTrue(e.getMessage().contains("reference has value 3"), e.getMessage());
        // the ignore value in a prediction is not a class either
        int[] ignored = new int[12];
        ignored[0] = 255;
        assertThrows(InvalidInputException.class, () -> SegmentationMetrics.evaluate("c4", ok, labels(ignored), SPEC));
    }

    @Test
    void nanMean() {
        assertEquals(2, NanMean.of(1, Double.NaN, 3), 0);
        assertTrue(Double.isNaN(NanMean.of(Double.NaN)));
        assertTrue(Double.isNaN(NanMean.of()));
        assertEquals(2, NanMean.defined(1, Double.NaN, 3));
    }

    @Test
    void pairCountsGiveTheSameMetricsOnceTheClassCountIsKnown() {
        LabelVolume ref = labels(0, 0, 1, 1, 255, 255, 1, 2, 0, 1, 255, 2);
        LabelVolume pred = labels(0, 1, 1, 1, 2, 2, 1, 1, 0, 1, 0, 2);
        PairCounts counts = PairCounts.count("hand", ref, pred, 255);
        assertEquals(2, counts.maxValue());
        assertEquals(handCase(), counts.toMetrics(3));
        // a fourth class absent everywhere is NaN, the others are unchanged
        CaseMetrics four = counts.toMetrics(4);
        assertTrue(Double.isNaN(four.dice(3)));
        assertEquals(0.8, four.dice(1), 1e-12);
        assertThrows(InvalidInputException.class, () -> counts.toMetrics(2));
        // a value far outside any class range (e.g. an undeclared ignore value 65535) is refused with a hint
        LabelVolume ref16 = labels(0, 0, 1, 1, 65535, 65535, 1, 2, 0, 1, 65535, 2);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> PairCounts.count("c", ref16, pred, -1));
        assertTrue(e.getMessage().contains("65535") && e.getMessage().contains("ignore label"), e.getMessage());
        assertEquals(handCase(), PairCounts.count("hand", ref16, pred, 65535).toMetrics(3));
    }
}
