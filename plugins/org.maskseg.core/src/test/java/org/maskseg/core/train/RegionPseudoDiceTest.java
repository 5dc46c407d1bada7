package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.RegionSet;

class RegionPseudoDiceTest {

    @Test
    void countsPerRegionWhereTheRegionIsKnown() {
        // K = 3, ignore 3, code 4 = background or class 1, code 5 = background or class 2
        RegionSet regions = RegionSet.parse("whole=1,2;core=2", new LabelSpec(3, 3, null));
        PseudoDice d = PseudoDice.forRegions(regions);
        int whole = 1;
        int core = 2;
        int[] reference = {0, 1, 2, 2, 3, 4, 4, 5};
        int[] predicted = {whole, whole, whole | core, 0, whole | core, whole, core, whole | core};
        d.add(predicted, reference);
        // whole: v0 fp, v1 tp, v2 tp, v3 fn, v4 ignored, v5-v7 unknown -> 2·2/(4+1+1) = 2/3
        // core: v0 tn, v1 tn, v2 tp, v3 fn, v4 ignored, v5 tn, v6 fp (known outside), v7 unknown -> 2/(2+1+1)
        assertArrayEquals(new double[] {2.0 / 3, 0.5}, d.perClass(), 1e-12);

        PseudoDice empty = PseudoDice.forRegions(regions);
        empty.add(new int[] {0, 0}, new int[] {0, 3});
        assertTrue(Double.isNaN(empty.perClass()[0]) && Double.isNaN(empty.perClass()[1]));
    }
}
