package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.CancellationToken;
import org.maskseg.core.CancelledException;
import org.maskseg.core.InvalidInputException;

class TrainingPartsTest {

    @Test
    void pseudoDiceCountsOnlyAnnotatedVoxelsAndDropsBackground() {
        // classes 0,1,2; ignore = 3
        PseudoDice d = new PseudoDice(3);
        d.add(new int[] {1, 1, 0, 2, 2, 1}, new int[] {1, 0, 1, 2, 3, 3});
        // class 1: tp 1 (i0), fp 1 (i1), fn 1 (i2) -> 2/(2+1+1) = 0.5; class 2: tp 1, fp 0, fn 0 -> 1
        d.add(new int[] {0, 0}, new int[] {0, 3});
        assertArrayEquals(new double[] {0.5, 1.0}, d.perClass(), 1e-12);

        PseudoDice none = new PseudoDice(3);
        none.add(new int[] {0, 1}, new int[] {0, 1});
        double[] v = none.perClass();
        assertEquals(1.0, v[0]);
        assertTrue(Double.isNaN(v[1]), "a class never seen nor predicted has no Dice");
        assertEquals(1.0, org.maskseg.core.metrics.NanMean.of(v));
        assertTrue(Double.isNaN(org.maskseg.core.metrics.NanMean.of(new double[] {Double.NaN})));
    }

    @Test
    void pseudoDiceScoresEachClassWhereItIsKnown() {
        // classes 0,1,2; ignore 3; 4 = "background or class 1", 5 = "background or class 2"
        PseudoDice d = new PseudoDice(3);
        d.add(new int[] {1, 1, 2, 1, 1, 2}, new int[] {1, 5, 5, 3, 4, 0});
        // class 1: tp at 0; fp at 1 (class 1 known there); nothing at 4 (unknown) -> 2/(2+1) = 2/3
        // class 2: nothing at 2 (unknown); fp at 5 -> 0
        assertArrayEquals(new double[] {2 / 3.0, 0.0}, d.perClass(), 1e-12);
    }

    @Test
    void trainerRefusesPartialCodesWithoutThePartialLoss() {
        org.maskseg.core.plan.Plan plan = TinyProblem.plan(1, 1).toBuilder()
                .targets(Targets.classes(new LabelSpec(3, 3, List.of("background", "a", "b"))))
                .build();
        List<org.maskseg.core.preprocess.TrainingCase> cases = TinyProblem.cases(2, 4);
        cases.get(1).labels().data()[7] = 3 + 2; // "background or class 2"
        org.maskseg.core.labels.LabelSpec spec = org.maskseg.core.labels.LabelSpec.withDefaultIgnore(3);
        TrainingSettings settings = TrainingSettings.builder().device("cpu").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(plan, cases, settings));
        assertTrue(e.getMessage().contains("training.partialLabels"), e.getMessage());
        new Trainer(plan.toBuilder().targets(plan.targets().withPartialLabels(true)).build(), cases, settings);
    }

    @Test
    void movingAverageStartsWithTheFirstValue() {
        double ema = PseudoDice.ema(Double.NaN, 0.5);
        assertEquals(0.5, ema);
        ema = PseudoDice.ema(ema, 1.0);
        assertEquals(0.55, ema, 1e-12);
        assertEquals(0.55, PseudoDice.ema(ema, Double.NaN), 1e-12);
    }

    @Test
    void polyLearningRate() {
        assertEquals(0.01, org.maskseg.core.optim.PolyLearningRate.at(0.01, 0, 10), 1e-15);
        assertEquals(0.01 * Math.pow(0.5, 0.9), org.maskseg.core.optim.PolyLearningRate.at(0.01, 5, 10), 1e-15);
        assertEquals(0.01 * Math.pow(0.1, 0.9), org.maskseg.core.optim.PolyLearningRate.at(0.01, 9, 10), 1e-15);
    }

    @Test
    void epochSeedsDifferForEpochsAndPhases() {
        HashSet<Long> seen = new HashSet<>();
        for (int e = 1; e <= 100; e++) {
            assertTrue(seen.add(Trainer.epochSeed(7, e, false)));
            assertTrue(seen.add(Trainer.epochSeed(7, e, true)));
        }
        assertEquals(Trainer.epochSeed(7, 3, false), Trainer.epochSeed(7, 3, false));
        assertNotEquals(Trainer.epochSeed(7, 3, false), Trainer.epochSeed(8, 3, false));
    }

    @Test
    void validationSplitIsByCaseReproducibleAndOrderIndependent() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            names.add("case" + i);
        }
        ValidationSplit a = ValidationSplit.of(names, 0.2, 5);
        Collections.reverse(names);
        ValidationSplit b = ValidationSplit.of(names, 0.2, 5);
        assertEquals(a, b);
        assertEquals(2, a.validation().size());
        assertEquals(8, a.training().size());
        assertTrue(a.heldOut());
        assertNotEquals(a, ValidationSplit.of(names, 0.2, 6));

        assertEquals(1, ValidationSplit.of(List.of("a", "b"), 0.0, 1).validation().size());
        assertEquals(1, ValidationSplit.of(List.of("a", "b"), 0.9, 1).training().size());
        ValidationSplit one = ValidationSplit.of(List.of("only"), 0.2, 1);
        assertEquals(List.of("only"), one.training());
        assertEquals(List.of("only"), one.validation());
        assertFalse(one.heldOut());
    }

    @Test
    void settingsRefuseNonsenseWithTheSettingNamed() {
        assertEquals("epochs must be at least 1, got 0",
                assertThrows(InvalidInputException.class, () -> TrainingSettings.builder().epochs(0).build())
                        .getMessage());
        assertTrue(assertThrows(InvalidInputException.class,
                () -> TrainingSettings.builder().validationFraction(1).build()).getMessage()
                .startsWith("validation fraction"));
        assertTrue(assertThrows(InvalidInputException.class,
                () -> TrainingSettings.builder().precision("fp8").build()).getMessage()
                .contains("expected auto, fp32 or fp16"));
        assertTrue(assertThrows(InvalidInputException.class,
                () -> TrainingSettings.builder().precision("bf16").build()).getMessage().contains("bfloat16"));
        assertEquals("fp16", TrainingSettings.builder().precision("FP16").build().compute().precision());
        assertEquals("auto", TrainingSettings.builder().build().compute().precision());
        assertTrue(assertThrows(InvalidInputException.class,
                () -> TrainingSettings.builder().patchSize(64).build()).getMessage().contains("2 or 3 values"));
        TrainingSettings s = TrainingSettings.builder().epochs(3).seed(9).patchSize(64, 32).build();
        assertEquals(s.seed(), s.toBuilder().build().seed());
        assertArrayEquals(new int[] {64, 32}, s.toBuilder().build().data().patchSize());
    }

    @Test
    void curvesAreWrittenAsCsvAndPng(@TempDir Path dir) throws IOException {
        List<EpochStats> h = List.of(
                new EpochStats(1, 2, 0.9, 0.8, new double[] {0.5, Double.NaN}, 0.5, 0.5, true, 0.01, 10, 0, 3, 3, 3),
                new EpochStats(2, 2, 0.7, 0.6, new double[] {0.7, 0.2}, 0.45, 0.495, false, 0.005, 10, 2, 3, 6, 0, 3,
                        32768));
        TrainingCurves.write(dir, List.of("background", "nucleus", "border cell"), h);
        List<String> lines = Files.readAllLines(dir.resolve(TrainingCurves.CSV));
        assertEquals(List.of(
                "epoch,train_loss,val_loss,pseudo_dice_nucleus,pseudo_dice_border_cell,ema_pseudo_dice,lr,skipped_steps,seconds,"
                        + "scaler_skips,loss_scale",
                "1,0.900000,0.800000,0.500000,NaN,0.500000,0.0100000,0,3.000,0,NaN",
                "2,0.700000,0.600000,0.700000,0.200000,0.495000,0.00500000,2,6.000,3,32768.0"), lines);
        byte[] png = Files.readAllBytes(dir.resolve(TrainingCurves.PNG));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files remain");
        }
    }

    @Test
    void cancellationWakesABlockedWait() throws Exception {
        CancellationToken token = CancellationToken.create();
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                token.await(() -> {
                    waiting.countDown();
                    new CountDownLatch(1).await(); // never released
                    return null;
                });
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        t.start();
        waiting.await();
        token.cancel();
        t.join(120_000);
        assertFalse(t.isAlive(), "the worker thread ended");
        assertTrue(outcome.get() instanceof CancelledException, String.valueOf(outcome.get()));
        assertFalse(t.isInterrupted());
    }

    @Test
    void externalConditionCancelsAndCompletedWaitsReturnNormally() throws Exception {
        boolean[] stop = {false};
        CancellationToken token = CancellationToken.of(() -> stop[0]);
        assertEquals("x", token.await(() -> "x"));
        assertFalse(Thread.currentThread().isInterrupted());
        stop[0] = true;
        assertThrows(CancelledException.class, token::throwIfCancelled);
    }
}
