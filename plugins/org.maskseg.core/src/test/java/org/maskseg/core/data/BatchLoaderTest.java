package org.maskseg.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.Targets;
import org.maskseg.core.InvalidInputException;
import org.maskseg.core.augment.AugmentationPipeline;
import org.maskseg.core.augment.AugmentationScratch;
import org.maskseg.core.augment.AugmentationSettings;
import org.maskseg.core.augment.PatchBuffer;
import org.maskseg.core.augment.SpatialTransform;
import org.maskseg.core.image.Batch;
import org.maskseg.core.preprocess.TrainingCase;
import org.maskseg.core.sampling.PatchLocation;
import org.maskseg.core.sampling.PatchSampler;

class BatchLoaderTest {

    private static final List<TrainingCase> NUCLEI = TestCases.nuclei(6, true);

    private static BatchSettings nucleiSettings(int threads) {
        return new BatchSettings(new int[] {64, 48}, 3, 2, 0.33, AugmentationSettings.defaults(new int[] {64, 48}),
                threads, 4, true);
    }

    /** Copies of the first n batches (the loader recycles its arrays). */
    private static List<Batch> take(BatchLoader loader, int n) throws InterruptedException {
        List<Batch> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Batch b = loader.next();
            r.add(new Batch(b.images().clone(), b.labels().clone(), b.batchSize(), b.channels(), b.patchSize()));
        }
        return r;
    }

    private static void assertSameBatches(List<Batch> a, List<Batch> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).images(), b.get(i).images(), 0f, "batch " + i);
            assertArrayEquals(a.get(i).labels(), b.get(i).labels(), "batch " + i);
        }
    }

    private static List<Thread> liveWorkers() {
        List<Thread> r = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("maskseg-batches-") && t.isAlive()) {
                r.add(t);
            }
        }
        return r;
    }

    @AfterEach
    void noThreadsLeft() {
        assertEquals(List.of(), liveWorkers());
    }

    @Test
    void sameSeedGivesTheSameBatchesWithOneAndFourThreads() throws InterruptedException {
        List<Batch> one, four, other;
        try (BatchLoader l = BatchLoader.training(NUCLEI, nucleiSettings(1), 123)) {
            one = take(l, 10);
        }
        try (BatchLoader l = BatchLoader.training(NUCLEI, nucleiSettings(4).withRecycleBuffers(false), 123)) {
            four = take(l, 10);
        }
        assertSameBatches(one, four);
        try (BatchLoader l = BatchLoader.training(NUCLEI, nucleiSettings(2), 124)) {
            other = take(l, 1);
        }
        assertFalse(java.util.Arrays.equals(one.get(0).images(), other.get(0).images()));
        Batch b = one.get(0);
        assertArrayEquals(new long[] {3, 1, 48, 64}, b.imageShape());
        assertArrayEquals(new long[] {3, 48, 64}, b.labelShape());
    }

    @Test
    void threeDimensionalBatchesAreDeterministicAcrossThreadCounts() throws InterruptedException {
        List<TrainingCase> cases = List.of(TestCases.volume("a", 24, 1), TestCases.volume("b", 20, 2));
        BatchSettings s = new BatchSettings(new int[] {12, 10, 8}, 2, 3, 0.33,
                AugmentationSettings.defaults(new int[] {12, 10, 8}), 1, 2, true);
        List<Batch> one, four;
        try (BatchLoader l = BatchLoader.training(cases, s, 5)) {
            one = take(l, 8);
        }
        try (BatchLoader l = BatchLoader.training(cases, s.withThreads(4).withPrefetch(3), 5)) {
            four = take(l, 8);
        }
        assertSameBatches(one, four);
        for (Batch b : one) {
            assertEquals(2 * 2 * 12 * 10 * 8, b.images().length);
            for (int v : b.labels()) {
                assertTrue(v >= 0 && v <= 3);
            }
        }
    }

    @Test
    void batchesAreReproducibleFromTheirIndexAlone() throws InterruptedException {
        // Batch i depends only on (seed, i): regenerate batch 3 by hand from the documented seed mix.
        BatchSettings s = nucleiSettings(2);
        List<Batch> batches;
        try (BatchLoader l = BatchLoader.training(NUCLEI, s, 77)) {
            batches = take(l, 4);
        }
        java.util.SplittableRandom rng = new java.util.SplittableRandom(BatchLoader.batchSeed(77, 3));
        PatchSampler sampler = new PatchSampler(NUCLEI, s.patchSize(), 2, 0.33);
        AugmentationPipeline pipeline = new AugmentationPipeline(s.augmentation());
        float[] images = new float[3 * 64 * 48];
        int[] labels = new int[3 * 64 * 48];
        for (int i = 0; i < 3; i++) {
            int c = rng.nextInt(NUCLEI.size());
            PatchLocation loc = sampler.sample(c, PatchSampler.isForcedForeground(i, 3, 0.33), rng);
            pipeline.produce(NUCLEI.get(c), loc, new PatchBuffer(images, i * 64 * 48, labels, i * 64 * 48, 1,
                    new int[] {64, 48}), rng, new AugmentationScratch());
        }
        assertArrayEquals(images, batches.get(3).images(), 0f);
        assertArrayEquals(labels, batches.get(3).labels());
    }

    @Test
    void validationBatchesArePlainCropsRepeatingEachRound() throws InterruptedException {
        BatchSettings s = nucleiSettings(2);
        List<Batch> batches;
        try (BatchLoader l = BatchLoader.validation(NUCLEI, s, 9, 3)) {
            batches = take(l, 7);
        }
        assertSameBatches(batches.subList(0, 3), batches.subList(3, 6));
        assertSameBatches(batches.subList(0, 1), batches.subList(6, 7));
        // Every validation patch equals an unaugmented crop at the location the sampler draws.
        java.util.SplittableRandom rng = new java.util.SplittableRandom(BatchLoader.batchSeed(9, 1));
        PatchSampler sampler = new PatchSampler(NUCLEI, s.patchSize(), 2, 0.33);
        int vox = 64 * 48;
        for (int i = 0; i < 3; i++) {
            int c = rng.nextInt(NUCLEI.size());
            PatchLocation loc = sampler.sample(c, PatchSampler.isForcedForeground(i, 3, 0.33), rng);
            PatchBuffer crop = PatchBuffer.allocate(1, new int[] {64, 48});
            SpatialTransform.extract(NUCLEI.get(c), loc, null, crop);
            assertArrayEquals(crop.imageCopy(), java.util.Arrays.copyOfRange(batches.get(1).images(), i * vox,
                    (i + 1) * vox), 0f);
            if (loc.forced()) {
                int[] l = crop.labelCopy();
                assertTrue(java.util.Arrays.stream(l).anyMatch(v -> v == 1));
            }
        }
    }

    @Test
    void workerFailureIsRethrownWithTheCaseName() throws InterruptedException {
        int[] labels = new int[32 * 32];
        labels[100] = 9;
        TrainingCase bad = TestCases.indexed("broken-case", new long[] {32, 32}, labels);
        try (BatchLoader l = BatchLoader.training(List.of(bad), nucleiSettings(2), 1)) {
            InvalidInputException e = assertThrows(InvalidInputException.class, l::next);
            assertTrue(e.getMessage().contains("'broken-case'") && e.getMessage().contains("batch 0"),
                    e.getMessage());
            // The failure stays: asking again reports it again instead of hanging.
            assertThrows(InvalidInputException.class, l::next);
        }
    }

    @Test
    void closeStopsBlockedWorkersAndWakesAWaitingConsumer() throws Exception {
        // Workers fill the prefetch queue and block; close must end them.
        BatchLoader full = BatchLoader.training(NUCLEI, nucleiSettings(3).withPrefetch(2), 3);
        full.next();
        assertEquals(1, full.delivered());
        full.close();
        assertEquals(List.of(), liveWorkers());
        assertThrows(IllegalStateException.class, full::next);

        // A consumer blocked in next() (large 3D batches, one worker) is woken by close.
        List<TrainingCase> big = List.of(TestCases.volume("big", 40, 1));
        BatchSettings slow = new BatchSettings(new int[] {40, 40, 40}, 6, 3, 0.33,
                AugmentationSettings.defaults(new int[] {40, 40, 40}), 1, 1, true);
        BatchLoader loader = BatchLoader.training(big, slow, 1);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                for (int i = 0; i < 1000; i++) {
                    loader.next();
                }
            } catch (Throwable t) {
                seen.set(t);
            }
        });
        consumer.start();
        loader.close();
        // a consumer that close failed to wake would still be waiting: that is a failure, not a hang
        consumer.join(60_000);
        assertFalse(consumer.isAlive(), "close woke the consumer waiting in next()");
        assertTrue(seen.get() instanceof IllegalStateException, String.valueOf(seen.get()));
    }

    @Test
    void rejectsInconsistentInput() {
        BatchSettings s = nucleiSettings(1);
        TrainingCase twoChannels = TestCases.volume("vol", 8, 1);
        assertThrows(InvalidInputException.class, () -> BatchLoader.training(List.of(), s, 1));
        assertThrows(InvalidInputException.class, () -> s.withThreads(0));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> BatchLoader.training(List.of(NUCLEI.get(0), twoChannels), s, 1));
        assertTrue(e.getMessage().contains("'vol'"), e.getMessage());
    }

    @Test
    void opensFromAPlanLikeTheTrainerDoes() throws InterruptedException {
        org.maskseg.core.plan.Plan plan = org.maskseg.core.plan.Plan.builder()
                .patchSize(64, 48)
                .batchSize(3)
                .targets(Targets.classes(new LabelSpec(2, 2, null)))
                .training(t -> t.validationIterations(2))
                .build();
        List<Batch> viaPlan, direct, validation;
        // The trainer's factory type accepts the loader directly.
        org.maskseg.core.train.BatchSourceFactory factory = BatchLoader::open;
        try (BatchSource l = factory.open(NUCLEI, plan, 31, true, 2)) {
            viaPlan = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Batch b = l.next();
                viaPlan.add(new Batch(b.images().clone(), b.labels().clone(), b.batchSize(), b.channels(),
                        b.patchSize()));
            }
        }
        try (BatchLoader l = BatchLoader.training(NUCLEI, BatchSettings.fromPlan(plan).withThreads(1), 31)) {
            direct = take(l, 3);
        }
        assertSameBatches(direct, viaPlan);
        try (BatchLoader l = BatchLoader.open(NUCLEI, plan, 31, false, 0)) {
            validation = take(l, 3);
        }
        assertSameBatches(validation.subList(0, 1), validation.subList(2, 3));
        // The voxel index is shared between loaders on the same labels.
        assertTrue(org.maskseg.core.sampling.ClassLocations.cached(NUCLEI.get(0), 2)
                == org.maskseg.core.sampling.ClassLocations.cached(NUCLEI.get(0), 2));
    }

    @Test
    void anInterruptedWaitLosesNoBatch() throws InterruptedException {
        List<Batch> expected;
        try (BatchLoader l = BatchLoader.training(NUCLEI, nucleiSettings(1), 55)) {
            expected = take(l, 2);
        }
        try (BatchLoader l = BatchLoader.training(NUCLEI, nucleiSettings(2), 55)) {
            List<Batch> got = new ArrayList<>(take(l, 1));
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, l::next);
            got.addAll(take(l, 1));
            assertSameBatches(expected, got);
        }
    }
}
