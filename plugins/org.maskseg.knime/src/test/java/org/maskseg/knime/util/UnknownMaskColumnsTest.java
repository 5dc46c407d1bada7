package org.maskseg.knime.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class UnknownMaskColumnsTest {

    @Test
    void namesRoundTripAlsoWhenMadeUnique() {
        assertEquals("Unknown mask (mito)", UnknownMaskColumns.name("mito"));
        assertEquals("mito", UnknownMaskColumns.className(UnknownMaskColumns.name("mito")));
        assertEquals("2", UnknownMaskColumns.className("Unknown mask (2) (#1)"));
        assertEquals("outer (ring)", UnknownMaskColumns.className("Unknown mask (outer (ring))"));
        assertNull(UnknownMaskColumns.className("Unknown mask"));
        assertNull(UnknownMaskColumns.className("unknown mask (mito)"));
        assertNull(UnknownMaskColumns.className("labels"));
    }
}
