package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.optim.PolyLearningRate;

class BudgetTest {

    @Test
    void parsesTimesAndSteps() {
        assertEquals(Duration.ofMinutes(20), Budget.parse("20m").time());
        assertEquals(Duration.ofMinutes(20), Budget.parse(" 20min ").time());
        assertEquals(Duration.ofHours(2), Budget.parse("2h").time());
        assertEquals(Duration.ofMinutes(90), Budget.parse("1h30m").time());
        assertEquals(Duration.ofMinutes(90), Budget.parse("1.5h").time());
        assertEquals(Duration.ofSeconds(45), Budget.parse("45s").time());
        assertEquals(5000, Budget.parse("5000steps").steps());
        assertEquals(5000, Budget.parse("5000 steps").steps());
        assertEquals("1h30m", Budget.parse("90m").toString());
        assertEquals("5000 steps", Budget.parse("5000 steps").toString());
    }

    @Test
    void refusesZeroNegativeAndUnparseableBudgetsClearly() {
        for (String bad : new String[] {"0m", "0s", "0steps", "-5m", "-5 steps", "abc", "", "20", "10x", "m", "0.1s"}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Budget.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("budget '" + bad + "': ") && e.getMessage().contains("20m"),
                    e.getMessage());
        }
    }

    @Test
    void aBudgetExcludesTheFixedScheduleSettings() {
        TrainingSettings.builder().budget(Budget.parse("20m")).build();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TrainingSettings.builder().budget(Budget.parse("20m")).epochs(10).build());
        assertTrue(e.getMessage().contains("cannot be combined with epochs"), e.getMessage());
        assertThrows(InvalidInputException.class,
                () -> TrainingSettings.builder().budget(Budget.parse("20m")).timeLimit(Duration.ofMinutes(5)).build());
    }

    /** What a run did under a schedule with given step and overhead times (seconds per epoch number). */
    private record Run(List<Double> rates, List<Double> progress, long steps, int epochs, double elapsed) {
    }

    private interface Cost {
        double at(int epoch);
    }

    private static Run simulate(BudgetSchedule s, Cost stepSeconds, Cost overheadSeconds) {
        List<Double> rates = new ArrayList<>();
        List<Double> progress = new ArrayList<>();
        double elapsed = 0;
        long steps = 0;
        int epoch = 1;
        for (; s.trains(epoch); epoch++) {
            int n = s.iterations(epoch);
            int done = 0;
            for (int it = 1; it <= n; it++) {
                rates.add(s.learningRate(epoch, it));
                progress.add(s.progress(it));
                elapsed += stepSeconds.at(epoch);
                done++;
                if (elapsed >= s.stepDeadlineSeconds() && it < n) {
                    break; // as the trainer cuts an epoch that would overrun
                }
            }
            steps += done;
            elapsed += overheadSeconds.at(epoch);
            s.epochDone(epoch, done, done * stepSeconds.at(epoch), overheadSeconds.at(epoch), elapsed);
        }
        return new Run(rates, progress, steps, epoch - 1, elapsed);
    }

    private static void assertNonIncreasing(List<Double> values) {
        for (int i = 1; i < values.size(); i++) {
            assertTrue(values.get(i) <= values.get(i - 1) + 1e-15, "value " + i + " rose: " + values.get(i - 1)
                    + " -> " + values.get(i));
        }
    }

    @Test
    void aTimeBudgetDecaysTheLearningRateToItsEndAtTheDeadline() {
        // 600 s, 0.5 s per step, 1 s of validation and saving per epoch; the plan's 250 steps per epoch
        BudgetSchedule s = new BudgetSchedule(Budget.parse("10m"), 0.01, 250, 50);
        Run r = simulate(s, e -> 0.5, e -> 1.0);
        // warm-up of 5 steps, then 0.98 * 600 / 0.5 / 30 = 39 steps per epoch
        assertEquals(39, s.epochLength());
        assertNonIncreasing(r.rates());
        assertNonIncreasing(r.progress().stream().map(p -> -p).toList());
        assertEquals(0.01, r.rates().get(0), 0);
        // the last step is the end of the decay: progress (T - 1) / T
        double lastProgress = r.progress().get(r.progress().size() - 1);
        assertEquals((r.steps() - 1) / (double) r.steps(), lastProgress, 1e-12);
        assertEquals(0.01 * Math.pow(1.0 / r.steps(), PolyLearningRate.EXPONENT), r.rates().get(r.rates().size() - 1),
                1e-12);
        // all of it, validation and saving included, ends within the budget and uses most of it
        assertTrue(r.elapsed() <= 600 && r.elapsed() > 0.9 * 600, "elapsed " + r.elapsed());
        assertTrue(r.epochs() >= 25 && r.epochs() <= 32, "epochs " + r.epochs());
        assertEquals(Math.min(50, Math.max(2, 39 / 5)), s.validationIterations());
    }

    @Test
    void timeKeptForTheFinalValidationIsNotTrained() {
        // as above, with 60 s kept for the final validation: (0.98 × 600 − 60) / 0.5 / 30 = 35.2 steps per epoch
        BudgetSchedule s = new BudgetSchedule(Budget.parse("10m"), 0.01, 250, 50);
        s.reserveAtEnd(60);
        assertEquals(588 - 60, s.validationDeadlineSeconds(), 1e-9);
        Run r = simulate(s, e -> 0.5, e -> 1.0);
        assertEquals(35, s.epochLength());
        // training, validation and saving end before the kept time, and use most of what is left
        assertTrue(r.elapsed() <= 528 && r.elapsed() > 0.9 * 528, "elapsed " + r.elapsed());
        assertEquals((r.steps() - 1) / (double) r.steps(), r.progress().get(r.progress().size() - 1), 1e-12);
        assertNonIncreasing(r.rates());
        // a new estimate replaces the old one; one that is not a number keeps nothing
        s.reserveAtEnd(30);
        assertEquals(588 - 30, s.validationDeadlineSeconds(), 1e-9);
        s.reserveAtEnd(Double.NaN);
        assertEquals(588, s.validationDeadlineSeconds(), 1e-9);
    }

    @Test
    void theTrainerKeepsTimeOfATimeBudgetForTheFinalValidation() {
        for (boolean reserve : new boolean[] {true, false}) {
            List<String> messages = new ArrayList<>();
            TrainingResult r = new Trainer(TinyProblem.plan(1000, 250), TinyProblem.cases(5, 2),
                    TrainingSettings.builder().device("cpu").seed(4).loaderThreads(1).threads(1)
                            .budget(Budget.parse("3s")).build()).listener(new TrainingListener() {
                                @Override
                                public void message(String text) {
                                    messages.add(text);
                                }
                            }).reserveForFinalValidation(reserve).train();
            // the 32² cases are one window each
            int held = r.split().validation().size();
            List<String> kept = messages.stream().filter(m -> m.startsWith("keeping about")).toList();
            assertEquals(reserve ? 1 : 0, kept.size(), messages.toString());
            if (reserve) {
                assertTrue(kept.get(0).matches("keeping about \\d+ s at the end of the budget for the final validation "
                        + "\\(" + held + " windows on " + held + " case\\(s\\)\\)"), kept.get(0));
            }
        }
    }

    @Test
    void aMachineThatSlowsDownIsFollowedWithoutRaisingTheLearningRateOrOverrunning() {
        BudgetSchedule s = new BudgetSchedule(Budget.parse("10m"), 0.01, 250, 50);
        // from epoch 10 on every step takes three times as long (another job took the cores)
        Run r = simulate(s, e -> e < 10 ? 0.5 : 1.5, e -> 1.0);
        assertNonIncreasing(r.rates());
        assertTrue(r.elapsed() <= 600 * 1.05, "elapsed " + r.elapsed());
        assertEquals(1.0, r.progress().get(r.progress().size() - 1) + 1.0 / r.steps(), 0.05);
        // fewer steps than a steady machine would have done
        assertTrue(r.steps() < 1000, "steps " + r.steps());
    }

    @Test
    void epochsAreLongEnoughThatTheirOverheadStaysSmall() {
        // fast steps (0.1 s) and a costly validation (3 s): 30 epochs would spend half the budget validating
        BudgetSchedule s = new BudgetSchedule(Budget.parse("10m"), 0.01, 1000, 50);
        Run r = simulate(s, e -> 0.1, e -> 3.0);
        assertEquals(270, s.epochLength()); // 9 x 3 s / 0.1 s
        double overhead = r.epochs() * 3.0;
        assertTrue(overhead <= 0.11 * r.elapsed(), "overhead " + overhead + " of " + r.elapsed());
        assertNonIncreasing(r.rates());
        assertTrue(r.elapsed() <= 600, "elapsed " + r.elapsed());
    }

    @Test
    void aStepBudgetKnowsItsLengthFromTheStart() {
        BudgetSchedule s = new BudgetSchedule(Budget.parse("3000 steps"), 0.01, 250, 50);
        Run r = simulate(s, e -> 0.5, e -> 1.0);
        assertEquals(3000, r.steps());
        assertEquals(30, r.epochs());
        assertEquals(100, s.epochLength());
        assertNonIncreasing(r.rates());
        assertEquals(0.01, r.rates().get(0), 0);
        assertEquals(0.01 * Math.pow(1.0 / 3000, PolyLearningRate.EXPONENT), r.rates().get(2999), 1e-12);
    }

    @Test
    void aResumedStepBudgetContinuesTheDecayExactly() {
        BudgetSchedule whole = new BudgetSchedule(Budget.parse("3000 steps"), 0.01, 250, 50);
        Run all = simulate(whole, e -> 0.5, e -> 1.0);
        // an earlier session did 10 epochs of 100 steps in 510 s
        BudgetSchedule rest = new BudgetSchedule(Budget.parse("3000 steps"), 0.01, 250, 50, 10, 1000, 510, 100);
        Run second = simulate(rest, e -> 0.5, e -> 1.0);
        assertEquals(2000, second.steps());
        assertEquals(all.rates().subList(1000, 3000), second.rates());
        assertEquals(30, rest.plannedEpochs());
    }

    @Test
    void aResumedTimeBudgetDoesNotStartTheDecayAgain() {
        // half of a 10-minute budget was used: the rate starts where half the decay is, not at its beginning
        BudgetSchedule rest = new BudgetSchedule(Budget.parse("10m"), 0.01, 250, 50, 15, 585, 300, 39);
        assertEquals(0.01 * Math.pow(0.5, PolyLearningRate.EXPONENT), rest.learningRate(16, 1), 1e-12);
        assertEquals(300, rest.endSeconds(), 1e-9); // the session's own clock ends after the other half
        Run r = simulate(rest, e -> 0.5, e -> 1.0);
        assertNonIncreasing(r.rates());
        assertTrue(r.elapsed() <= 300, "elapsed " + r.elapsed());
        assertTrue(r.rates().get(r.rates().size() - 1) < 0.001, "annealed at the end");
    }

    @Test
    void aSmallStepBudgetStillEndsOnItsLastStep() {
        BudgetSchedule s = new BudgetSchedule(Budget.parse("12 steps"), 0.01, 250, 50);
        Run r = simulate(s, e -> 0.5, e -> 1.0);
        assertEquals(12, r.steps());
        assertEquals(5, s.epochLength()); // the minimum epoch
        assertEquals(3, r.epochs()); // 5 + 5 + 2
    }

    @Test
    void theTrainerTrainsExactlyAStepBudgetAndAnnealsToItsEnd() {
        List<Double> rates = new ArrayList<>();
        TrainingListener record = new TrainingListener() {
            @Override
            public void epochStarted(int epoch, int epochs, double learningRate) {
                rates.add(learningRate);
            }
        };
        TrainingResult r = new Trainer(TinyProblem.plan(1000, 250), TinyProblem.cases(3, 2),
                TrainingSettings.builder().device("cpu").seed(4).loaderThreads(1).threads(1)
                        .budget(Budget.parse("24 steps")).build()).listener(record).train();
        assertEquals("budget", r.stopReason());
        assertEquals(24, r.history().stream().mapToInt(EpochStats::iterations).sum());
        assertEquals(List.of(5, 5, 5, 5, 4), r.history().stream().map(EpochStats::iterations).toList());
        assertEquals(5, r.finalModel().metadata().epochsDone());
        assertEquals(5, r.finalModel().metadata().epochsPlanned());
        // nnU-Net's initial rate of the tiny plan, then the decay over the 24 steps
        assertEquals(0.04, rates.get(0), 0);
        assertEquals(0.04 * Math.pow(1 - 20 / 24.0, PolyLearningRate.EXPONENT), rates.get(4), 1e-12);
        assertNonIncreasing(rates);
    }
}
