package org.maskseg.core.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class AnnotationReportTest {

    private static final LabelSpec SPEC = new LabelSpec(3, -1, List.of("bg", "cell", "vessel"));

    @Test
    void fractionsAgainstHandCounts() {
        LabelVolume in = Fixtures.rows(
                0, 0, 0, 1,
                0, 1, 1, 1,
                0, 0, -1, -1,
                0, 0, 0, 0);
        LabelVolume out = Fixtures.rows(
                0, -1, -1, 1,
                -1, -1, 1, -1,
                0, -1, -1, -1,
                -1, -1, 0, 0);
        AnnotationReport r = AnnotationReport.compare("test", SPEC, in, out);
        // background: 10 in the input, 4 kept; cell: 4 in the input, 2 kept; vessel absent
        assertEquals(10, r.classes().get(0).inputVoxels());
        assertEquals(4, r.classes().get(0).annotatedVoxels());
        assertEquals(0.4, r.classes().get(0).fraction(), 1e-12);
        assertEquals(0.5, r.classes().get(1).fraction(), 1e-12);
        assertTrue(Double.isNaN(r.classes().get(2).fraction()));
        assertEquals(14, r.inputAnnotated());
        assertEquals(6, r.annotated());
        assertEquals(16, r.voxels());
        assertEquals(6.0 / 14, r.fraction(), 1e-12);
        assertTrue(r.warnings().isEmpty());
    }

    @Test
    void classThatLostAllVoxelsIsWarnedAbout() {
        LabelVolume in = Fixtures.rows(0, 2, 1, 0);
        LabelVolume out = Fixtures.rows(0, -1, 1, -1);
        AnnotationReport r = AnnotationReport.compare("test", SPEC, in, out);
        assertEquals(1, r.warnings().size());
        assertTrue(r.warnings().get(0).contains("vessel (value 2)"), r.warnings().get(0));
        assertTrue(r.toString().contains("warning"), r.toString());
    }

    @Test
    void totalAddsCountsNotFractions() {
        AnnotationReport a = AnnotationReport.compare("op", SPEC, Fixtures.rows(0, 0, 0, 1), Fixtures.rows(0, -1, -1, 1));
        AnnotationReport b = AnnotationReport.compare("op", SPEC, Fixtures.rows(1, 1, 1, 0), Fixtures.rows(-1, -1, 1, 0));
        AnnotationReport t = AnnotationReport.total(List.of(a, b));
        // background: 1 of 3 and 1 of 1 -> 2 of 4; cell: 1 of 1 and 1 of 3 -> 2 of 4
        assertEquals(0.5, t.classes().get(0).fraction(), 1e-12);
        assertEquals(0.5, t.classes().get(1).fraction(), 1e-12);
        assertEquals(0.5, t.fraction(), 1e-12);
        assertEquals("all cases", t.name());
    }

    @Test
    void tableListsCasesAndTotal() {
        AnnotationReport a = AnnotationReport.compare("op", SPEC, Fixtures.rows(0, 0, 0, 1).withName("a.png"),
                Fixtures.rows(0, -1, -1, 1));
        AnnotationReport b = AnnotationReport.compare("op", SPEC, Fixtures.rows(1, 1, 1, 0).withName("b.png"),
                Fixtures.rows(-1, -1, 1, 0));
        String table = AnnotationReport.table(List.of(a, b));
        String[] lines = table.split("\n");
        assertEquals(5, lines.length, table);
        assertTrue(lines[0].matches("case\\s+bg %\\s+cell %\\s+vessel %\\s+overall %"), lines[0]);
        assertTrue(lines[1].matches("a\\.png\\s+33\\.33\\s+100\\.00\\s+-\\s+50\\.00"), lines[1]);
        assertTrue(lines[4].matches("all cases\\s+50\\.00\\s+50\\.00\\s+-\\s+50\\.00"), lines[4]);
    }

    @Test
    void jsonHasCountsAndNullForAbsentClasses() throws Exception {
        AnnotationReport r = AnnotationReport.compare("op", SPEC, Fixtures.rows(0, 0, 0, 1), Fixtures.rows(0, -1, -1, 1));
        JsonNode json = new ObjectMapper().readTree(r.toJson());
        assertEquals("op", json.get("operation").asText());
        assertEquals(0.5, json.get("fraction").asDouble(), 1e-12);
        assertEquals(3, json.get("classes").size());
        assertEquals(3, json.get("classes").get(0).get("inputVoxels").asLong());
        assertEquals(1.0 / 3, json.get("classes").get(0).get("fraction").asDouble(), 1e-12);
        assertTrue(json.get("classes").get(2).get("fraction").isNull());
    }
}
