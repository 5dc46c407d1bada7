package org.maskseg.core.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.maskseg.core.CancellationToken;
import org.maskseg.core.CancelledException;
import org.maskseg.core.engine.ProcessMemory;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.preprocess.TrainingCase;

/**
 * Cancelling a run must release its network, optimiser, batches and step graphs: repeated cancelled runs keep
 * the process's resident memory flat.
 */
class CancelledTrainingMemoryTest {

    private static final Path STATUS = Path.of("/proc/self/status");

    @Test
    void repeatedlyCancelledRunsKeepNativeMemoryFlat() throws Exception {
        assumeTrue(Files.isReadable(STATUS), "resident memory is read from /proc (Linux)");
        List<TrainingCase> cases = TinyProblem.cases(3, 8);
        // wider and larger batches than the tiny plan, so that leaking what one run holds (weights, momentum,
        // a step's activations and gradients) would show over five runs
        Plan plan = TinyProblem.plan(1000, 50).toBuilder()
                .network(n -> n.features(32, 64, 128))
                .batchSize(16)
                .build();
        // All runs train on one worker thread: glibc gives each new thread its own malloc arena and keeps the
        // memory freed there, so fresh threads would grow the resident set until the arena limit without any
        // leak (measured: about +60 MB per run for seven runs, then flat).
        ExecutorService trainer = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < 2; i++) {
                cancelledRun(trainer, plan, cases);
            }
            long before = ProcessMemory.outsideHeapKb();
            for (int i = 0; i < 5; i++) {
                cancelledRun(trainer, plan, cases);
            }
            long after = ProcessMemory.outsideHeapKb();
            System.out.printf(Locale.ROOT, "memory outside the Java heap over 5 cancelled runs: %d MB -> %d MB%n",
                    before / 1024, after / 1024);
            assertTrue(after - before < 150 * 1024, "native memory grew from " + before / 1024 + " MB to "
                    + after / 1024 + " MB over 5 cancelled runs");
        } finally {
            trainer.shutdownNow();
        }
    }

    /** Trains on the worker and cancels from this thread after three steps. */
    private static void cancelledRun(ExecutorService worker, Plan plan, List<TrainingCase> cases)
            throws InterruptedException {
        CancellationToken token = CancellationToken.create();
        CountDownLatch steps = new CountDownLatch(3);
        Future<TrainingResult> run = worker.submit(() -> {
            try {
                return new Trainer(plan, cases, TrainingSettings.builder().device("cpu").seed(1)
                        .loaderThreads(1).threads(1).build()).cancellation(token).listener(new TrainingListener() {
                            @Override
                            public void iterationFinished(int epoch, int iteration, int iterations, double loss) {
                                steps.countDown();
                            }
                        }).train();
            } finally {
                // a run that fails before three steps must not leave this thread waiting
                while (steps.getCount() > 0) {
                    steps.countDown();
                }
            }
        });
        steps.await();
        token.cancel();
        try {
            run.get();
            throw new AssertionError("the run was not cancelled");
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof CancelledException, String.valueOf(e.getCause()));
        }
    }

}
