package org.maskseg.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.maskseg.core.engine.ProcessMemory;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.train.TrainingJob;
import org.maskseg.core.train.TrainingRequest;
import org.maskseg.core.train.TrainingListener;
import org.maskseg.core.train.TrainingSettings;

/**
 * Memory over a long training: the complete training job (reading, planning, preprocessing, batch loading with
 * augmentation on worker threads, training steps, validation, curves and checkpoints every epoch) on the
 * nuclei sample images, with the memory of the process sampled every 100 steps. Run it with a fixed Java heap
 * (e.g. {@code BENCH_JAVA_OPTS="-Xms1g -Xmx1g"}) so that only memory outside the heap can grow.
 * <p>
 * Options (all optional): {@code --steps 1500 --per-epoch 50 --patch 128 --batch 2 --threads 2 --data DIR}
 * ({@code DIR} holds {@code images/} and {@code labels/}; default the repository's sample-data/nuclei).
 * <p>
 * Prints {@code SOAK step=… rss_mb=… outside_heap_mb=… heap_used_mb=…} lines and ends with
 * {@code RESULT soak outside_heap_mb_at_500=… at_1000=… at_1500=… growth_500_to_end_mb=…}: memory outside the
 * heap levels off when that growth stays small compared with the memory itself.
 */
public final class SoakBench {

    private SoakBench() {
    }

    public static void main(String[] args) throws IOException {
        int steps = 1500, perEpoch = 50, patch = 128, batch = 2, threads = 2;
        Path data = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(v);
                case "--per-epoch" -> perEpoch = Integer.parseInt(v);
                case "--patch" -> patch = Integer.parseInt(v);
                case "--batch" -> batch = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--data" -> data = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (data == null) {
            data = SampleData.nuclei();
        }
        Path work = Files.createTempDirectory("maskseg-soak");
        int epochs = (steps + perEpoch - 1) / perEpoch;
        TrainingSettings settings = TrainingSettings.builder().device("cpu").threads(threads).seed(1).epochs(epochs)
                .iterationsPerEpoch(perEpoch).validationIterations(5).batchSize(batch).patchSize(new int[] {patch,
                    patch}).workFolder(work).checkpointEvery(1).build();
        List<long[]> samples = new ArrayList<>(); // step, outside heap kB
        int total = steps;
        int every = perEpoch;
        TrainingListener listener = new TrainingListener() {
            private int done;

            @Override
            public void iterationFinished(int epoch, int iteration, int iterations, double loss) {
                done++;
                if (done % 100 == 0 || done == total) {
                    try {
                        long outside = ProcessMemory.outsideHeapKb();
                        long rss = ProcessMemory.residentKb();
                        Runtime rt = Runtime.getRuntime();
                        System.out.printf(Locale.ROOT, "SOAK step=%d rss_mb=%d outside_heap_mb=%d heap_used_mb=%d "
                                + "loss=%.4f%n", done, rss / 1024, outside / 1024,
                                (rt.totalMemory() - rt.freeMemory()) >> 20, loss);
                        samples.add(new long[] {done, outside});
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };
        System.out.printf(Locale.ROOT, "soak: %d steps (%d epochs of %d), patch %d², batch %d, %d thread(s), "
                + "max heap %d MB, data %s%n", steps, epochs, every, patch, batch, threads,
                Runtime.getRuntime().maxMemory() >> 20, data);
        // the soak watches the training steps; the final validation would only add a prediction pass
        TrainingJob.run(TrainingRequest.folders(data.resolve("images"), data.resolve("labels")).settings(settings)
                .planner(PlannerOptions.defaults()).finalValidation(false).build(), listener, null);
        StringBuilder result = new StringBuilder("RESULT soak");
        long at500 = -1;
        long last = -1;
        for (long[] s : samples) {
            if (s[0] == 500 || s[0] == 1000 || s[0] == 1500) {
                result.append(String.format(Locale.ROOT, " outside_heap_mb_at_%d=%d", s[0], s[1] / 1024));
            }
            if (s[0] == 500) {
                at500 = s[1];
            }
            last = s[1];
        }
        if (at500 >= 0) {
            result.append(" growth_500_to_end_mb=").append((last - at500) / 1024);
        }
        System.out.println(result);
    }
}
