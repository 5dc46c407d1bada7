package org.maskseg.core.labels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.PlanJson;

class RegionSetTest {

    private static final LabelSpec TUMOUR = new LabelSpec(4, 4,
            List.of("background", "edema", "necrosis", "enhancing"));

    @Test
    void parsesNestedRegionsWithDefaultExportLabels() {
        RegionSet s = RegionSet.parse("whole=1,2,3;core=2,3;enhancing=3", TUMOUR);
        assertEquals(List.of("whole", "core", "enhancing"), s.names());
        assertEquals(List.of(1, 2, 3), s.get(0).classes());
        assertEquals(List.of(2, 3), s.get(1).classes());
        // lowest class not in a later region: 1 for whole, 2 for core, 3 for enhancing
        assertEquals(1, s.get(0).exportLabel());
        assertEquals(2, s.get(1).exportLabel());
        assertEquals(3, s.get(2).exportLabel());
        assertEquals("whole=1,2,3:1;core=2,3:2;enhancing=3:3", s.format());
        assertEquals(s, RegionSet.parse(s.format(), TUMOUR));
    }

    @Test
    void acceptsClassNamesSpacesAndExplicitExportLabels() {
        RegionSet s = RegionSet.parse(" whole = edema, Necrosis ,enhancing : 2 ; core=necrosis,3;", TUMOUR);
        assertEquals(List.of(1, 2, 3), s.get(0).classes());
        assertEquals(2, s.get(0).exportLabel());
        assertEquals(List.of(2, 3), s.get(1).classes());
        assertEquals(2, s.get(1).exportLabel());
        assertEquals(3, RegionSet.parse("a=1,3:enhancing", TUMOUR).get(0).exportLabel());
    }

    @Test
    void regionWhoseClassesAllReappearLaterExportsItsLowestClass() {
        RegionSet s = RegionSet.parse("inner=2;outer=1,2", TUMOUR);
        assertEquals(2, s.get(0).exportLabel());
        assertEquals(1, s.get(1).exportLabel());
        RegionSet t = RegionSet.parse("a=2,3;b=1,2,3", TUMOUR);
        assertEquals(2, t.get(0).exportLabel());
    }

    @Test
    void blankTextMeansNoRegions() {
        assertTrue(RegionSet.parse(null, TUMOUR).isEmpty());
        assertTrue(RegionSet.parse("  ", TUMOUR).isEmpty());
        assertTrue(RegionSet.of(List.of(), 4).isEmpty());
    }

    @Test
    void refusesBadDefinitionsWithClearMessages() {
        assertMessage("whole=1,5", "class 5 is not a foreground class (1..3)");
        assertMessage("whole=1,tumour", "'tumour' is neither a class number (1..3) nor a class name");
        assertMessage("whole=", "region 'whole' has no classes");
        assertMessage("whole= , ;core=2", "region 'whole' has no classes");
        assertMessage("whole=0,1", "background (class 0) cannot be part of a region");
        assertMessage("whole=background", "background (class 0) cannot be part of a region");
        assertMessage("a=1;A=2", "two regions are named 'A'");
        assertMessage("whole", "must be written name=class,class");
        assertMessage("=1,2", "no region name");
        assertMessage("a=1,2:", "no export label");
        assertMessage("a=1,2:7", "export label 7 is not a foreground class");
        assertMessage(";;", "names no region");
    }

    private static void assertMessage(String text, String expected) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> RegionSet.parse(text, TUMOUR));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void validatesStoredRegions() {
        List<String> p = RegionSet.problems(List.of(new Region("a", List.of(1, 1), 1), new Region(" ", List.of(), 0),
                new Region("c", List.of(0, 9), 9)), 4);
        assertTrue(p.contains("region 'a' lists class 1 twice"), p.toString());
        assertTrue(p.contains("region 2 has no name"), p.toString());
        assertTrue(p.contains("region 2 has no classes"), p.toString());
        assertTrue(p.contains("region 2 has export label 0, which is not a foreground class (1..3)"), p.toString());
        assertTrue(p.stream().anyMatch(m -> m.startsWith("region 'c' contains background")), p.toString());
        assertTrue(p.contains("region 'c' contains class 9, which is not a foreground class (1..3)"), p.toString());
        assertTrue(p.contains("region 'c' has export label 9, which is not a foreground class (1..3)"), p.toString());
        assertEquals(7, p.size(), p.toString());
    }

    /**
     * K = 3 (classes 0, 1, 2; ignore 3). Partial codes 3 + m: 4 = "background or class 1" (m = 1), 5 =
     * "background or class 2" (m = 2). Regions whole = {1, 2}, core = {2}.
     */
    @Test
    void tablesByHand() {
        RegionSet s = RegionSet.parse("whole=1,2;core=2", new LabelSpec(3, 3, null));
        assertEquals(6, s.tableRows());
        float[] target = {
            0, 0, // 0 background
            1, 0, // 1
            1, 1, // 2
            0, 0, // 3 ignore
            0, 0, // 4 background or class 1
            0, 0, // 5 background or class 2
        };
        float[] known = {
            1, 1, // classes are always known
            1, 1,
            1, 1,
            0, 0, // ignore: nothing known
            0, 1, // class 1 unknown: whole unknown, core known (outside)
            0, 0, // class 2 unknown: both regions contain it
        };
        assertArrayEquals(target, s.targetTable());
        assertArrayEquals(known, s.knownTable());
        assertArrayEquals(new int[] {0, 1, 3}, s.classMemberships());
    }

    @Test
    void tablesWithoutPartialCodesCoverClassesAndIgnore() {
        // 18 classes: 17 foreground classes are more than partial codes support
        RegionSet s = RegionSet.parse("a=1,17;b=17", LabelSpec.withDefaultIgnore(18));
        assertEquals(19, s.tableRows());
        float[] k = s.knownTable();
        float[] t = s.targetTable();
        assertEquals(1f, t[17 * 2]);
        assertEquals(1f, t[17 * 2 + 1]);
        assertEquals(0f, t[16 * 2 + 1]);
        assertEquals(0f, k[18 * 2]);
        assertEquals(1f, k[16 * 2 + 1]);
    }

    @Test
    void exportOverwritesInRegionOrder() {
        RegionSet s = RegionSet.parse("whole=1,2,3;core=2,3;enhancing=3", TUMOUR);
        assertEquals(0, s.exportLabel(0));
        assertEquals(1, s.exportLabel(0b001));
        assertEquals(2, s.exportLabel(0b011));
        assertEquals(3, s.exportLabel(0b111));
        assertEquals(3, s.exportLabel(0b100));
        assertEquals(2, s.exportLabel(0b010));
    }

    @Test
    void planStoresRegionsAndOldPlansStillLoad() {
        Plan p = Plan.builder()
                .targets(Targets.classes(new LabelSpec(4, 4, List.of("background", "edema", "necrosis", "enhancing"))))
                .build();
        String classic = PlanJson.toJson(p);
        assertTrue(!classic.contains("regions"), "plans without regions are written as before");
        assertTrue(!PlanJson.fromJson(classic, "test").targets().regionBased());
        assertEquals(4, PlanJson.fromJson(classic, "test").targets().outputChannels());

        p = p.toBuilder()
                .targets(Targets.of(p.targets().spec(), RegionSet.parse("whole=1,2,3;core=2,3;enhancing=3", TUMOUR),
                        false))
                .build();
        Plan back = PlanJson.fromJson(PlanJson.toJson(p), "test");
        assertEquals(p.targets().regions(), back.targets().regions());
        assertEquals(3, back.targets().outputChannels());
        assertTrue(back.targets().regionBased());

        String bad = PlanJson.toJson(p).replace("\"exportLabel\" : 3", "\"exportLabel\" : 0");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> PlanJson.fromJson(bad, "x"));
        assertTrue(e.getMessage().contains("regions: region 'enhancing' has export label 0"), e.getMessage());
        String unknownField = PlanJson.toJson(p).replace("\"exportLabel\" : 3", "\"exportLabel\" : 3, \"color\" : 1");
        assertThrows(InvalidInputException.class, () -> PlanJson.fromJson(unknownField, "x"));
    }

    @Test
    void checkWithoutLabelsRefusesWhatNoLabelsCouldFix() {
        RegionSet.check(null, null);
        RegionSet.check("  ", null);
        RegionSet.check("whole=1,2,9;core=tumour", null); // numbers and names resolved once the labels are known
        RegionSet.check("whole=1,Core;core=core:2", List.of("background", "core"));
        String[][] refused = {
            {"whole", "regions: 'whole' must be written name=class,class,...[:label], e.g. whole=1,2,3;core=2,3;"
                    + "enhancing=3"},
            {"whole=1;Whole=2", "two regions are named 'Whole'; give every region its own name"},
            {"whole=0,1", "region 'whole': background (class 0) cannot be part of a region; a region is a set of "
                    + "foreground classes"},
            {"whole=1:-1", "region 'whole': export label -1 is not a foreground class (1, 2, ...)"},
            {"whole=1,edema", "region 'whole': class 'edema' is neither a class number nor a class name [core]"},
            {"whole=background", "region 'whole': background (class 0, 'background') cannot be part of a region; "
                    + "a region is a set of foreground classes"},
            {";", "regions: ';' names no region"},
        };
        for (String[] r : refused) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> RegionSet.check(r[0], List.of("background", "core")), r[0]);
            assertEquals(r[1], e.getMessage());
        }
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= RegionSet.MAX_REGIONS; i++) {
            many.append("r").append(i).append("=1;");
        }
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> RegionSet.check(many.toString(), null));
        assertEquals((RegionSet.MAX_REGIONS + 1) + " regions are defined; at most " + RegionSet.MAX_REGIONS
                + " are supported", e.getMessage());
    }
}
