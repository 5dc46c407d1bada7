package org.maskseg.core.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.augment.AugmentationPipeline;
import org.maskseg.core.augment.AugmentationScratch;
import org.maskseg.core.augment.PatchBuffer;
import org.maskseg.core.image.Batch;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.preprocess.TrainingCase;
import org.maskseg.core.sampling.PatchLocation;
import org.maskseg.core.sampling.PatchSampler;

/**
 * Produces training (or validation) batches on background threads.
 * <p>
 * Batch i is generated entirely from a random generator seeded with (seed, i): case choice, patch
 * location and every augmentation draw. Batches are delivered in the order 0, 1, 2, ... whatever the
 * number of threads and their timing, so a seed reproduces the same sequence with 1 or 8 workers.
 * <p>
 * Workers claim batch indices in order and write into a ring of {@code prefetch} (+1) slots; a worker
 * waits when it would get more than {@code prefetch} batches ahead of the consumer. With
 * {@link BatchSettings#recycleBuffers()} the slot arrays are reused, so the steady state allocates
 * nothing; a returned batch is then valid until the next call to {@link #next()}.
 * <p>
 * A failure in a worker (bad labels, out of memory) is re-thrown by {@link #next()} when the consumer
 * reaches the failed batch, naming the case. {@link #close()} stops and joins all workers.
 * <p>
 * One consumer thread calls {@link #next()}; an interrupt while it waits ends the wait with
 * {@link InterruptedException} and leaves the loader usable or closable.
 */
public final class BatchLoader implements BatchSource {

    private static final AtomicInteger LOADERS = new AtomicInteger();

    private final PatchSampler sampler;
    private final AugmentationPipeline pipeline;
    private final List<TrainingCase> cases;
    private final long seed;
    private final long cycle;
    private final int batchSize;
    private final int channels;
    private final int[] patchSize;
    private final int patchVoxels;
    private final boolean recycle;
    private final Slot[] slots;
    private final List<Thread> workers = new ArrayList<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition slotFreed = lock.newCondition();
    private final Condition batchReady = lock.newCondition();
    private long nextToProduce;
    private long consumed;
    private long released;
    private boolean holding;
    private boolean failed;
    private volatile boolean closed;

    /** One batch in preparation or waiting for the consumer. */
    private static final class Slot {
        long index = -1;
        boolean ready;
        RuntimeException error;
        float[] images;
        int[] labels;
    }

    private BatchLoader(List<TrainingCase> cases, BatchSettings settings, AugmentationPipeline pipeline, long seed,
            long cycle) {
        this.sampler = new PatchSampler(cases, settings.patchSize(), settings.numClasses(),
                settings.foregroundOversampling());
        this.cases = sampler.cases();
        this.pipeline = pipeline;
        this.seed = seed;
        this.cycle = cycle;
        this.batchSize = settings.batchSize();
        this.channels = sampler.channels();
        this.patchSize = settings.patchSize();
        long vox = 1;
        for (int p : patchSize) {
            vox *= p;
        }
        if (vox * channels * batchSize > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("a batch of " + batchSize + " patches of " + java.util.Arrays.toString(patchSize)
                    + " with " + channels + " channels is too large for one array; lower the batch or patch size");
        }
        this.patchVoxels = (int) vox;
        this.recycle = settings.recycleBuffers();
        this.slots = new Slot[settings.prefetch() + (recycle ? 1 : 0)];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot();
        }
        int id = LOADERS.incrementAndGet();
        for (int w = 0; w < settings.threads(); w++) {
            Thread t = new Thread(this::work, "maskseg-batches-" + id + "-" + w);
            t.setDaemon(true);
            workers.add(t);
        }
    }

    /**
     * Training batches with the augmentation of {@code settings}.
     *
     * @param cases training cases with canonical labels
     * @param seed  fixes the whole batch sequence
     */
    public static BatchLoader training(List<TrainingCase> cases, BatchSettings settings, long seed) {
        BatchLoader l = new BatchLoader(cases, settings, new AugmentationPipeline(settings.augmentation()), seed, 0);
        l.start();
        return l;
    }

    /**
     * Validation batches: sampled like training batches (same oversampling) but without augmentation, and
     * repeating after {@code batchesPerRound} batches, so every validation round sees exactly the same
     * patches and its loss is comparable from epoch to epoch.
     */
    public static BatchLoader validation(List<TrainingCase> cases, BatchSettings settings, long seed,
            int batchesPerRound) {
        if (batchesPerRound < 1) {
            throw new InvalidInputException("validation batches per round must be at least 1, got " + batchesPerRound);
        }
        BatchLoader l = new BatchLoader(cases, settings, AugmentationPipeline.none(), seed, batchesPerRound);
        l.start();
        return l;
    }

    /**
     * A loader configured from a plan, as the trainer opens one per epoch (signature of
     * {@code org.maskseg.core.train.BatchSourceFactory}, so {@code BatchLoader::open} can be passed
     * directly): training batches with nnU-Net's default augmentation, or validation batches without
     * augmentation that repeat after {@code plan.training.validationIterations} batches.
     *
     * @param threads worker threads, 0 for {@link BatchSettings#defaultThreads()}
     */
    public static BatchLoader open(List<TrainingCase> cases, Plan plan, long seed, boolean training, int threads) {
        BatchSettings settings = BatchSettings.fromPlan(plan);
        if (threads > 0) {
            settings = settings.withThreads(threads);
        }
        return training ? training(cases, settings, seed)
                : validation(cases, settings, seed, Math.max(1, plan.training.validationIterations));
    }

    private void start() {
        workers.forEach(Thread::start);
    }

    /** The sampler (cases and voxel index) behind this loader. */
    public PatchSampler sampler() {
        return sampler;
    }

    /** The random seed of batch {@code index}: a fixed mix of the loader seed and the index. */
    static long batchSeed(long seed, long index) {
        return mix(seed ^ mix(index + 0x9E3779B97F4A7C15L));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public Batch next() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (closed) {
                throw new IllegalStateException("the batch loader is closed");
            }
            if (holding) {
                holding = false;
                released++;
                slotFreed.signalAll();
            }
            Slot slot = slots[(int) (consumed % slots.length)];
            while (slot.index != consumed || !slot.ready) {
                if (closed) {
                    throw new IllegalStateException("the batch loader is closed");
                }
                batchReady.await();
            }
            if (slot.error != null) {
                throw slot.error;
            }
            consumed++;
            if (recycle) {
                holding = true;
            } else {
                released++;
                slotFreed.signalAll();
            }
            return new Batch(slot.images, slot.labels, batchSize, channels, patchSize.clone());
        } finally {
            lock.unlock();
        }
    }

    /** Number of batches delivered so far. */
    public long delivered() {
        lock.lock();
        try {
            return consumed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            slotFreed.signalAll();
            batchReady.signalAll();
        } finally {
            lock.unlock();
        }
        workers.forEach(Thread::interrupt);
        // Workers only compute on Java arrays and stop at their next check; the wait is bounded all the same,
        // so that a worker stuck in a bug can never hang the training that closes the loader.
        boolean interrupted = false;
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        for (Thread t : workers) {
            long left;
            while (t.isAlive() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    t.join(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long {@link #close()} waits for the workers to stop. */
    private static final long CLOSE_WAIT_NANOS = 30_000_000_000L;

    /** Thrown inside a worker to abandon a batch when the loader closes. */
    private static final class Closing extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Closing() {
            super(null, null, false, false);
        }
    }

    private void work() {
        AugmentationScratch scratch = new AugmentationScratch();
        try {
            while (true) {
                long index;
                Slot slot;
                lock.lockInterruptibly();
                try {
                    while (!closed && !failed && nextToProduce >= released + slots.length) {
                        slotFreed.await();
                    }
                    if (closed || failed) {
                        return;
                    }
                    index = nextToProduce++;
                    slot = slots[(int) (index % slots.length)];
                    slot.index = index;
                    slot.ready = false;
                    slot.error = null;
                } finally {
                    lock.unlock();
                }
                RuntimeException error = null;
                try {
                    fill(slot, index, scratch);
                } catch (Closing e) {
                    return;
                } catch (RuntimeException e) {
                    error = e;
                } catch (Error e) {
                    error = new BatchProductionException("producing batch " + index + " failed: " + e, e);
                }
                lock.lock();
                try {
                    slot.error = error;
                    slot.ready = true;
                    failed |= error != null;
                    batchReady.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            // close() interrupts waiting workers; nothing to clean up.
        }
    }

    private void fill(Slot slot, long index, AugmentationScratch scratch) {
        if (!recycle || slot.images == null) {
            slot.images = new float[batchSize * channels * patchVoxels];
            slot.labels = new int[batchSize * patchVoxels];
        }
        SplittableRandom rng = new SplittableRandom(batchSeed(seed, cycle > 0 ? index % cycle : index));
        for (int i = 0; i < batchSize; i++) {
            if (closed) {
                throw new Closing();
            }
            PatchLocation location;
            try {
                location = sampler.next(i, batchSize, rng);
            } catch (InvalidInputException e) {
                // the sampler names the case it could not sample
                throw new InvalidInputException("batch " + index + ": " + e.getMessage(), e);
            }
            TrainingCase c = cases.get(location.caseIndex());
            try {
                PatchBuffer patch = new PatchBuffer(slot.images, i * channels * patchVoxels, slot.labels,
                        i * patchVoxels, channels, patchSize);
                pipeline.produce(c, location, patch, rng, scratch);
            } catch (InvalidInputException e) {
                throw new InvalidInputException("batch " + index + ", case '" + c.name() + "': "
                        + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new BatchProductionException("producing batch " + index + " from case '" + c.name()
                        + "' failed: " + e, e);
            } catch (OutOfMemoryError e) {
                throw new BatchProductionException("out of memory while producing batch " + index
                        + " from case '" + c.name() + "'; lower the batch size, the patch size, the worker threads "
                        + "or the prefetch depth, or give Java more memory (-Xmx)", e);
            }
        }
    }
}
