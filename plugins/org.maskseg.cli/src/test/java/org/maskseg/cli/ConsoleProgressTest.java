package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.train.EpochStats;

/** The per-epoch console line. */
class ConsoleProgressTest {

    private static EpochStats stats(double... dice) {
        return new EpochStats(3, 10, -0.5, -0.25, dice, 0.5, 0.4, true, 1e-3, 5, 0, 2.0, 6.0, 3725);
    }

    @Test
    void namesSeveralScoresAndLeavesASingleOneBare() {
        assertEquals("epoch 3/10  train loss -0.5000  val loss -0.2500  pseudo-Dice [whole 0.891, core 0.776]  "
                + "EMA 0.4000 (best)  lr 1.00e-03  2.0 s  ETA 1:02:05",
                ConsoleProgress.formatEpoch(stats(0.8911, 0.7764), List.of("whole", "core")));
        assertEquals("epoch 3/10  train loss -0.5000  val loss -0.2500  pseudo-Dice [0.930]  EMA 0.4000 (best)  "
                + "lr 1.00e-03  2.0 s  ETA 1:02:05", ConsoleProgress.formatEpoch(stats(0.93), List.of("nucleus")));
        // names that do not fit the values (e.g. none announced) are left out rather than misattributed
        assertEquals("epoch 3/10  train loss -0.5000  val loss -0.2500  pseudo-Dice [0.100, 0.200]  EMA 0.4000 "
                + "(best)  lr 1.00e-03  2.0 s  ETA 1:02:05", ConsoleProgress.formatEpoch(stats(0.1, 0.2), List.of()));
    }

    @Test
    void halfPrecisionEpochsShowTheLossScaleAndScalerSkips() {
        EpochStats fp16 = new EpochStats(3, 10, -0.5, -0.25, new double[] {0.93}, 0.5, 0.4, false, 1e-3, 5, 0, 2.0, 6.0,
                60, 2, 16384);
        assertEquals("epoch 3/10  train loss -0.5000  val loss -0.2500  pseudo-Dice [0.930]  EMA 0.4000  lr 1.00e-03  "
                + "2.0 s  ETA 0:01:00  loss scale 16384 (2 step(s) skipped by the scaler)",
                ConsoleProgress.formatEpoch(fp16, List.of("nucleus")));
    }
}
