package org.maskseg.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.RegionSet;

class RegionMetricsTest {

    private static final RegionSet REGIONS = RegionSet.parse("whole=1,2,3;core=2,3;enhancing=3",
            new LabelSpec(4, 255, null));

    private static LabelVolume labels(int... v) {
        return LabelVolume.wrap("c", v, new long[] {v.length, 1}, new double[] {1, 1});
    }

    @Test
    void scoresRegionMembershipsAndSkipsIgnoredReference() {
        LabelVolume ref = labels(0, 1, 2, 3, 3, 255, 255, 1);
        LabelVolume pred = labels(1, 1, 3, 3, 2, 3, 0, 0);
        CaseMetrics m = RegionMetrics.evaluate("c", ref, pred, 255, REGIONS);
        // whole: ref {1,2,3,4,7}, pred {0,1,2,3,4} (6 ignored) -> tp 4, fp 1, fn 1
        assertEquals(8.0 / 10, m.dice(0), 1e-12);
        assertEquals(4.0 / 6, m.iou(0), 1e-12);
        // core: ref {2,3,4}, pred {2,3,4} -> 1
        assertEquals(1.0, m.dice(1), 1e-12);
        // enhancing: ref {3,4}, pred {2,3} -> tp 1, fp 1, fn 1
        assertEquals(0.5, m.dice(2), 1e-12);
        assertEquals(6, m.annotatedVoxels());

        CaseMetrics empty = RegionMetrics.evaluate("d", labels(0, 1), labels(0, 1), 255, REGIONS);
        RegionMetrics all = new RegionMetrics(REGIONS, 255, List.of(m, empty));
        assertTrue(Double.isNaN(empty.dice(1)));
        assertEquals((0.8 + 1.0) / 2, all.regionDice(0), 1e-12);
        assertEquals(1.0, all.regionDice(1), 1e-12);
        assertEquals(1, all.casesDefining(2));
        assertEquals((0.9 + 1.0 + 0.5) / 3, all.meanDice(), 1e-12);
        String json = all.toJson();
        assertTrue(json.contains("\"enhancing\"") && json.contains("\"export_label\" : 3"), json);
        assertTrue(all.formatTable().contains("mean (regions)"));
    }

    @Test
    void refusesValuesBeyondTheRegionsClasses() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> RegionMetrics.evaluate("c", labels(0, 4), labels(0, 1), 255, REGIONS));
        assertTrue(e.getMessage().contains("value 4"), e.getMessage());
    }
}
