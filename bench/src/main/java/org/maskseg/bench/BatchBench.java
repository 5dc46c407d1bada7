package org.maskseg.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.maskseg.core.augment.AugmentationPipeline;
import org.maskseg.core.augment.AugmentationScratch;
import org.maskseg.core.augment.AugmentationSettings;
import org.maskseg.core.augment.ContrastTransform;
import org.maskseg.core.augment.GammaTransform;
import org.maskseg.core.augment.GaussianBlurTransform;
import org.maskseg.core.augment.GaussianNoiseTransform;
import org.maskseg.core.augment.LowResolutionTransform;
import org.maskseg.core.augment.MirrorTransform;
import org.maskseg.core.augment.MultiplicativeBrightnessTransform;
import org.maskseg.core.augment.PatchBuffer;
import org.maskseg.core.augment.PatchTransform;
import org.maskseg.core.augment.SpatialTransform;
import org.maskseg.core.data.BatchLoader;
import org.maskseg.core.data.BatchSettings;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.preprocess.TrainingCase;
import org.maskseg.core.sampling.PatchLocation;

/**
 * Training batch production speed: patches per CPU second of the worker threads (and per wall-clock
 * second), for nnU-Net-sized batches (2D
 * 512² batch 12, 3D 128³ batch 2) with the full default augmentation, with one and two worker threads.
 * The reference in the same run is the same loader without augmentation (plain crops); the ratio says
 * how much the augmentation costs. A per-transform breakdown (each transform forced on) shows where the
 * time goes.
 * <p>
 * Arguments: optional scale factor for the number of batches (default 1).
 */
public final class BatchBench {

    private BatchBench() {
    }

    public static void main(String[] args) throws Exception {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        System.out.printf(Locale.ROOT, "cores available: %d%n", Runtime.getRuntime().availableProcessors());

        List<TrainingCase> cases2d = List.of(synthetic("2d-a", new long[] {640, 600}, 1),
                synthetic("2d-b", new long[] {700, 560}, 2), synthetic("2d-c", new long[] {520, 680}, 3));
        List<TrainingCase> cases3d = List.of(synthetic("3d-a", new long[] {160, 150, 140}, 4),
                synthetic("3d-b", new long[] {140, 170, 150}, 5));

        breakdown("2d", cases2d.get(0), new int[] {512, 512}, (int) Math.max(3, 40 * scale));
        breakdown("3d", cases3d.get(0), new int[] {128, 128, 128}, (int) Math.max(2, 10 * scale));

        double r2d = run("2d", cases2d, new int[] {512, 512}, 12, (int) Math.max(3, 12 * scale));
        double r3d = run("3d", cases3d, new int[] {128, 128, 128}, 2, (int) Math.max(3, 12 * scale));
        System.out.printf(Locale.ROOT, "RESULT batch_2d patches_per_s_per_core=%.2f%n", r2d);
        System.out.printf(Locale.ROOT, "RESULT batch_3d patches_per_s_per_core=%.2f%n", r3d);
    }

    /** Measures loaders with full augmentation and with plain crops; returns the 1-thread augmented rate. */
    private static double run(String name, List<TrainingCase> cases, int[] patch, int batch, int batches)
            throws InterruptedException {
        double single = 0;
        for (int threads : new int[] {1, 2}) {
            BatchSettings full = new BatchSettings(patch, batch, 3, 0.33, AugmentationSettings.defaults(patch), threads,
                    4, true);
            Rate aug = patchesPerSecond(cases, full, batches);
            Rate crop = patchesPerSecond(cases, full.withAugmentation(AugmentationSettings.none()), batches);
            System.out.printf(Locale.ROOT,
                    "%s batch %d x %s, %d thread(s): augmented %.2f patches/s wall, %.2f per CPU second; "
                            + "plain crop %.2f patches/s wall, %.2f per CPU second; augmentation costs %.2fx the "
                            + "crop's CPU time%n",
                    name, batch, java.util.Arrays.toString(patch), threads, aug.wall(), aug.perCpu(), crop.wall(),
                    crop.perCpu(), crop.perCpu() / aug.perCpu());
            if (threads == 1) {
                single = aug.perCpu();
            }
        }
        return single;
    }

    /** Wall-clock rate and rate per CPU second of the worker threads (robust on a busy machine). */
    private record Rate(double wall, double perCpu) {
    }

    private static Rate patchesPerSecond(List<TrainingCase> cases, BatchSettings settings, int batches)
            throws InterruptedException {
        try (BatchLoader loader = BatchLoader.training(cases, settings, 2024)) {
            for (int i = 0; i < 2; i++) {
                loader.next(); // warm-up: class index and JIT
            }
            long cpu0 = workerCpuNanos();
            long t0 = System.nanoTime();
            for (int i = 0; i < batches; i++) {
                loader.next();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            double cpu = (workerCpuNanos() - cpu0) / 1e9;
            // The workers run ahead by up to the prefetch depth; the difference is small against the run.
            return new Rate(batches * settings.batchSize() / s, batches * settings.batchSize() / cpu);
        }
    }

    private static long workerCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("maskseg-batches-")) {
                sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
            }
        }
        return sum;
    }

    /** Milliseconds per patch for each transform forced on (probability 1), plus the plain crop. */
    private static void breakdown(String name, TrainingCase c, int[] patch, int reps) {
        PatchLocation loc = new PatchLocation(0, centredStart(c, patch), -1, -1);
        PatchBuffer out = PatchBuffer.allocate(c.image().channels(), patch);
        AugmentationScratch scratch = new AugmentationScratch();
        SplittableRandom rng = new SplittableRandom(1);
        double maxRot = Math.toRadians(patch.length == 2 ? 180 : 30);
        SpatialTransform spatial = new SpatialTransform(1, maxRot, 1, 0.7, 1.4);
        double crop = time(reps, () -> SpatialTransform.extract(c, loc, null, out));
        double rotated = time(reps, () -> SpatialTransform.extract(c, loc, spatial.drawMatrix(patch.length, rng), out));
        System.out.printf(Locale.ROOT, "%s %s: CPU ms per patch: plain crop %.2f, rotate+scale %.2f%n", name,
                java.util.Arrays.toString(patch), crop, rotated);
        List<Object[]> transforms = new ArrayList<>();
        transforms.add(new Object[] {"noise", new GaussianNoiseTransform(1, 0.1)});
        transforms.add(new Object[] {"blur", new GaussianBlurTransform(1, 1, 0.5, 1)});
        transforms.add(new Object[] {"brightness", new MultiplicativeBrightnessTransform(1, 0.75, 1.25)});
        transforms.add(new Object[] {"contrast", new ContrastTransform(1, 0.75, 1.25)});
        transforms.add(new Object[] {"low resolution", new LowResolutionTransform(1, 1, 0.5, 1)});
        transforms.add(new Object[] {"gamma", new GammaTransform(1, 0.7, 1.5, false)});
        transforms.add(new Object[] {"mirror", new MirrorTransform(1, new boolean[] {true, true, true})});
        StringBuilder sb = new StringBuilder(name + " transforms, CPU ms per patch:");
        for (Object[] t : transforms) {
            PatchTransform tr = (PatchTransform) t[1];
            double ms = time(reps, () -> tr.apply(out, rng, scratch));
            sb.append(String.format(Locale.ROOT, " %s %.2f;", t[0], ms));
        }
        AugmentationPipeline pipeline = new AugmentationPipeline(AugmentationSettings.defaults(patch));
        double full = time(reps, () -> pipeline.produce(c, loc, out, rng, scratch));
        sb.append(String.format(Locale.ROOT, " default pipeline incl. extraction %.2f", full));
        System.out.println(sb);
    }

    private static int[] centredStart(TrainingCase c, int[] patch) {
        long[] size = c.labels().size();
        int[] s = new int[patch.length];
        for (int d = 0; d < patch.length; d++) {
            s[d] = (int) (size[d] - patch[d]) / 2;
        }
        return s;
    }

    /** CPU milliseconds of this thread per run, after a warm-up. */
    private static double time(int reps, Runnable r) {
        for (int i = 0; i < Math.max(2, reps / 2); i++) {
            r.run();
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < reps; i++) {
            r.run();
        }
        return (mx.getCurrentThreadCpuTime() - t0) / 1e6 / reps;
    }

    /**
     * A synthetic normalised case: smooth background, random blobs of classes 1 and 2, and an ignore band
     * (value 3) over the outer tenth of the first axis, as in a partly annotated image.
     */
    static TrainingCase synthetic(String name, long[] size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 1;
        for (long s : size) {
            n *= (int) s;
        }
        float[] image = new float[n];
        int[] labels = new int[n];
        int blobs = 40;
        double[][] centres = new double[blobs][size.length];
        for (double[] b : centres) {
            for (int d = 0; d < size.length; d++) {
                b[d] = rng.nextDouble() * size[d];
            }
        }
        int nx = (int) size[0], ny = (int) size[1], nz = size.length == 3 ? (int) size[2] : 1;
        double r2 = Math.pow(Math.min(nx, ny) / 25.0, 2);
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int i = (z * ny + y) * nx + x;
                    int label = 0;
                    for (int b = 0; b < blobs; b++) {
                        double dx = x - centres[b][0], dy = y - centres[b][1];
                        double dz = size.length == 3 ? z - centres[b][2] : 0;
                        if (dx * dx + dy * dy + dz * dz < r2) {
                            label = 1 + b % 2;
                            break;
                        }
                    }
                    if (x < nx / 10) {
                        label = 3;
                    }
                    labels[i] = label;
                    image[i] = (float) (0.3 * Math.sin(0.05 * x) * Math.cos(0.04 * y) + (label == 1 ? 1.5 : 0)
                            + (label == 2 ? -1 : 0) + 0.2 * rng.nextGaussian());
                }
            }
        }
        double[] spacing = new double[size.length];
        java.util.Arrays.fill(spacing, 1);
        return new TrainingCase(name, ImageVolume.wrap(name, image, size, 1, spacing),
                LabelVolume.wrap(name, labels, size, spacing));
    }
}
