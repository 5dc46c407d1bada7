package org.maskseg.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LossScalerTest {

    @Test
    void startsAtTwoToTheSixteenAndGrowsAfterTwoThousandCleanSteps() {
        LossScaler s = new LossScaler();
        assertEquals(65536.0, s.scale());
        for (int i = 0; i < 1999; i++) {
            assertTrue(s.update(true));
        }
        assertEquals(65536.0, s.scale());
        assertEquals(1999, s.cleanSteps());
        assertTrue(s.update(true));
        assertEquals(131072.0, s.scale());
        assertEquals(0, s.cleanSteps());
    }

    @Test
    void overflowHalvesSkipsAndRestartsTheCount() {
        LossScaler s = new LossScaler(1024, 3);
        assertTrue(s.update(true));
        assertTrue(s.update(true));
        assertFalse(s.update(false));
        assertEquals(512.0, s.scale());
        assertEquals(0, s.cleanSteps());
        // three clean steps after the overflow, not counting the two before it
        assertTrue(s.update(true));
        assertTrue(s.update(true));
        assertEquals(512.0, s.scale());
        assertTrue(s.update(true));
        assertEquals(1024.0, s.scale());
        assertFalse(s.update(false));
        assertFalse(s.update(false));
        assertEquals(256.0, s.scale());
    }

    @Test
    void stateRoundTrips() {
        LossScaler a = new LossScaler(8, 5);
        a.update(true);
        a.update(true);
        LossScaler b = new LossScaler(8, 5);
        b.restore(a.state());
        assertEquals(a.state(), b.state());
        for (int i = 0; i < 3; i++) {
            b.update(true);
        }
        assertEquals(16.0, b.scale());
        assertThrows(IllegalArgumentException.class, () -> b.restore(new LossScaler.State(0, 0)));
        assertThrows(IllegalArgumentException.class, () -> new LossScaler(1, 0));
    }
}
