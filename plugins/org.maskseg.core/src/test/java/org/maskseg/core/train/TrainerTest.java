package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.CancellationToken;
import org.maskseg.core.CancelledException;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.model.Checkpoint;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.preprocess.TrainingCase;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

class TrainerTest {

    @TempDir
    Path dir;

    private static TrainingSettings.Builder cpu() {
        return TrainingSettings.builder().device("cpu").seed(11).loaderThreads(1).threads(1);
    }

    /** Records every step's loss. */
    static final class Losses implements TrainingListener {
        final List<Double> steps = new ArrayList<>();
        final List<EpochStats> epochs = new ArrayList<>();

        @Override
        public void iterationFinished(int epoch, int iteration, int iterations, double loss) {
            steps.add(loss);
        }

        @Override
        public void epochFinished(EpochStats stats) {
            epochs.add(stats);
        }
    }

    @Test
    void overfitsATinyProblemAndWritesModelsAndCurves() throws IOException {
        List<TrainingCase> cases = TinyProblem.cases(3, 1);
        Path work = dir.resolve("work");
        Losses losses = new Losses();
        TrainingResult r = new Trainer(TinyProblem.plan(30, 10), cases,
                cpu().workFolder(work).checkpointEvery(100).build()).listener(losses).train();
        System.out.printf(java.util.Locale.ROOT, "tiny problem: %.1f ms per training step, %.1f s in total%n",
                r.msPerStep(), r.finalModel().metadata().trainingSeconds());
        assertEquals("completed", r.stopReason());
        assertEquals(30, r.history().size());
        assertEquals(30 * 10, losses.steps.size());
        assertEquals(1, r.split().validation().size());
        TrainingCase trained = cases.stream().filter(c -> c.name().equals(r.split().training().get(0))).findFirst()
                .orElseThrow();
        try (NDManager m = TorchRuntime.newManager(Device.cpu())) {
            double dice = TinyProblem.dice(r.finalModel(), trained, m);
            System.out.printf(java.util.Locale.ROOT, "tiny problem: Dice %.4f on a training image%n", dice);
            assertTrue(dice > 0.95, "Dice on a training image " + dice);
        }
        EpochStats last = r.history().get(29);
        assertTrue(last.trainLoss() < r.history().get(0).trainLoss());
        assertTrue(last.pseudoDice()[0] > 0.8, last.toString());
        // the moving average follows 0.9 old + 0.1 new over the recorded means
        double ema = r.history().get(0).meanPseudoDice();
        for (EpochStats s : r.history().subList(1, 30)) {
            ema = 0.9 * ema + 0.1 * s.meanPseudoDice();
        }
        assertEquals(ema, last.emaPseudoDice(), 1e-12);
        assertEquals(30, r.finalModel().metadata().epochsDone());
        assertEquals("last", r.finalModel().metadata().selection());
        assertEquals("best", r.bestModel().metadata().selection());

        assertTrue(Files.isRegularFile(work.resolve(Trainer.BEST_MODEL)));
        assertTrue(Files.isRegularFile(work.resolve(Trainer.CHECKPOINT)));
        assertEquals(31, Files.readAllLines(work.resolve(TrainingCurves.CSV)).size());
        assertTrue(Files.size(work.resolve(TrainingCurves.PNG)) > 1000);
        TrainedModel best = TrainedModel.load(work.resolve(Trainer.BEST_MODEL));
        int bestEpoch = best.metadata().bestEpoch();
        assertEquals(r.history().stream().mapToDouble(EpochStats::emaPseudoDice).max().orElseThrow(),
                r.history().get(bestEpoch - 1).emaPseudoDice());
        assertTrue(best.sameWeightsAs(r.bestModel()));
        try (Stream<Path> files = Files.list(work)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".maskseg-")));
        }
    }

    @Test
    void resumedRunContinuesExactlyLikeAnUninterruptedOne() {
        List<TrainingCase> cases = TinyProblem.cases(3, 2);
        Losses whole = new Losses();
        TrainingResult full = new Trainer(TinyProblem.plan(4, 3), cases,
                cpu().workFolder(dir.resolve("a")).build()).listener(whole).train();

        Losses first = new Losses();
        TrainingResult part = new Trainer(TinyProblem.plan(4, 3), cases,
                cpu().workFolder(dir.resolve("b")).epochLimit(2).build()).listener(first).train();
        assertEquals("epoch limit", part.stopReason());
        assertEquals(2, part.history().size());

        Losses second = new Losses();
        Path ckpt = dir.resolve("b").resolve(Trainer.CHECKPOINT);
        assertEquals(2, Checkpoint.load(ckpt).trainerState().get("epochsDone").asInt());
        TrainingResult resumed = new Trainer(TinyProblem.plan(4, 3), cases,
                cpu().workFolder(dir.resolve("b")).resumeFrom(ckpt).build()).listener(second).train();

        List<Double> joined = new ArrayList<>(first.steps);
        joined.addAll(second.steps);
        assertEquals(12, whole.steps.size());
        assertEquals(12, joined.size());
        // Same batches, weights and momentum give the same losses. With one libtorch thread they agree bit for
        // bit; a multi-threaded CPU build may sum in another order, hence the tolerance far below the
        // step-to-step changes a wrong batch or a lost momentum buffer would cause.
        for (int i = 0; i < 12; i++) {
            assertEquals(whole.steps.get(i), joined.get(i), 1e-4, "loss of step " + (i + 1));
        }
        for (var e : full.finalModel().weights().entrySet()) {
            assertArrayEquals(e.getValue().data(), resumed.finalModel().weights().get(e.getKey()).data(), 1e-4f,
                    e.getKey());
        }
        assertEquals(4, resumed.history().size());
        for (int e = 0; e < 4; e++) {
            assertArrayEquals(full.history().get(e).pseudoDice(), resumed.history().get(e).pseudoDice(), 1e-3);
            assertEquals(full.history().get(e).emaPseudoDice(), resumed.history().get(e).emaPseudoDice(), 1e-3);
        }
        assertEquals(full.finalModel().metadata().bestEpoch(), resumed.finalModel().metadata().bestEpoch());
    }

    @Test
    void cancellationFromAnotherThreadStopsCleanlyWithoutFiles() throws Exception {
        List<TrainingCase> cases = TinyProblem.cases(2, 3);
        Path work = dir.resolve("w");
        CancellationToken token = CancellationToken.create();
        CountDownLatch started = new CountDownLatch(3);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                new Trainer(TinyProblem.plan(1000, 50), cases,
                        cpu().workFolder(work).checkpointEvery(1).build()).cancellation(token)
                        .listener(new TrainingListener() {
                            @Override
                            public void iterationFinished(int epoch, int iteration, int iterations, double loss) {
                                started.countDown();
                            }
                        }).train();
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        t.start();
        started.await();
        token.cancel();
        t.join(120_000);
        assertFalse(t.isAlive(), "the worker thread ended");
        assertTrue(outcome.get() instanceof CancelledException, String.valueOf(outcome.get()));
        assertFalse(Files.exists(work.resolve(Trainer.CHECKPOINT)));
        assertFalse(Files.exists(work.resolve(Trainer.BEST_MODEL)));
        if (Files.isDirectory(work)) {
            try (Stream<Path> files = Files.list(work)) {
                assertEquals(List.of(), files.toList(), "no file, not even a temporary one");
            }
        }
        assertEquals(0, Thread.getAllStackTraces().keySet().stream()
                .filter(th -> th.getName().startsWith("maskseg-batches-") && th.isAlive()).count(),
                "batch threads are stopped");
    }

    @Test
    void timeLimitEndsTrainingWithAValidatedModel() {
        List<TrainingCase> cases = TinyProblem.cases(2, 4);
        TrainingResult r = new Trainer(TinyProblem.plan(1000, 50), cases,
                cpu().timeLimit(Duration.ofMillis(1)).build()).train();
        assertEquals("time limit", r.stopReason());
        assertEquals(1, r.history().size());
        assertEquals(1, r.history().get(0).iterations());
        assertEquals(1, r.finalModel().metadata().epochsDone());
        assertEquals("time limit", r.finalModel().metadata().stopReason());
    }

    @Test
    void casesMustFitThePlan() {
        List<TrainingCase> cases = TinyProblem.cases(2, 5);
        List<TrainingCase> twice = List.of(cases.get(0), cases.get(0));
        assertThrows(org.maskseg.core.InvalidInputException.class,
                () -> new Trainer(TinyProblem.plan(1, 1), twice, cpu().build()));
    }
}
