package org.maskseg.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;

import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.Batch;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.tensor.Tensors;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Host transfer rate between the volumes' Java arrays and PyTorch tensors, compared with plain memory
 * copies of the same bytes measured in the same run:
 * <ul>
 * <li>{@code arraycopy}: {@code System.arraycopy} between two float arrays (Java heap to heap);</li>
 * <li>{@code direct}: bulk put of the float array into a preallocated direct ByteBuffer (heap to native),
 * the copy a transfer to the engine cannot avoid;</li>
 * <li>{@code tensors}: {@link Tensors} (allocate an engine tensor, copy into it, close it);</li>
 * <li>{@code djl-create}: DJL's own {@code NDManager.create(float[], Shape)} (allocate direct buffer,
 * copy, wrap), for comparison;</li>
 * <li>{@code copy into existing tensor}: the same copy into a tensor allocated once, which shows how much
 * of the transfer time is the engine's allocation of fresh memory (page faults on first touch);</li>
 * <li>back: {@link Tensors#toFloats} and {@link Tensors#copyTo} against DJL's {@code NDArray.toFloatArray()}.</li>
 * </ul>
 * Cases: a 2D training batch of 12 × 512² floats and a 3D image of 128³ floats; and the labels of the 2D
 * batch to INT64. Each measurement is the median of repeated runs after warm-up. The final lines are
 * {@code RESULT transfer_2d ratio=<tensors / direct>} and {@code RESULT transfer_3d ratio=...}.
 * Usage: {@code bench/run.sh TransferBench [seconds per measurement, default 1]}
 */
public final class TransferBench {

    private TransferBench() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        TorchRuntime.engine();
        try (NDManager manager = TorchRuntime.newManager(Device.cpu())) {
            System.out.printf(Locale.ROOT, "PyTorch %s, %d host cores, %.1f s per measurement%n",
                    TorchRuntime.engine().getVersion(), Runtime.getRuntime().availableProcessors(), seconds);
            float[] batchImages = ramp(12 * 512 * 512);
            int[] batchLabels = new int[12 * 512 * 512];
            for (int i = 0; i < batchLabels.length; i++) {
                batchLabels[i] = i % 3;
            }
            Batch batch = new Batch(batchImages, batchLabels, 12, 1, new int[] {512, 512});
            ImageVolume volume = ImageVolume.wrap("v", ramp(128 * 128 * 128), new long[] {128, 128, 128}, 1,
                    new double[] {1, 1, 1});

            double r2 = images(manager, "2d batch 12x1x512x512", batch.images(),
                    () -> Tensors.batchImages(manager, batch), new Shape(batch.imageShape()), seconds);
            double r3 = images(manager, "3d image 1x128x128x128", volume.data(),
                    () -> Tensors.fromImage(manager, volume), new Shape(Tensors.imageShape(volume)), seconds);
            double rl = labels(manager, batch, seconds);
            System.out.printf(Locale.ROOT, "RESULT transfer_2d ratio=%.3f%n", r2);
            System.out.printf(Locale.ROOT, "RESULT transfer_3d ratio=%.3f%n", r3);
            System.out.printf(Locale.ROOT, "RESULT transfer_labels_int64_2d ratio=%.3f%n", rl);
        }
    }

    private static float[] ramp(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (i % 1000) * 0.001f;
        }
        return a;
    }

    /** Returns the to-tensor rate as a fraction of the direct-buffer copy rate. */
    private static double images(NDManager manager, String name, float[] data,
            java.util.function.Supplier<NDArray> toTensor, Shape shape, double seconds) {
        long bytes = 4L * data.length;
        float[] target = new float[data.length];
        ByteBuffer direct = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        double arraycopy = rate(bytes, seconds, () -> System.arraycopy(data, 0, target, 0, data.length));
        double directCopy = rate(bytes, seconds, () -> direct.asFloatBuffer().put(data));
        double tensors = rate(bytes, seconds, () -> toTensor.get().close());
        double reused;
        double back;
        double backInto;
        double djlBack;
        try (NDArray t = toTensor.get()) {
            // the copy alone, into a tensor that already exists: what remains is the cost of fresh memory
            reused = rate(bytes, seconds, () -> t.toByteBuffer(true).asFloatBuffer().put(data));
            back = rate(bytes, seconds, () -> Tensors.toFloats(t));
            backInto = rate(bytes, seconds, () -> Tensors.copyTo(t, target));
            djlBack = rate(bytes, seconds, t::toFloatArray);
            if (!Arrays.equals(data, Tensors.toFloats(t))) {
                throw new IllegalStateException("round trip changed the data");
            }
        }
        // last: its garbage direct buffers make the JVM collect and would disturb the other measurements
        double djl = rate(bytes, seconds, () -> manager.create(data, shape).close());
        System.out.printf(Locale.ROOT, "%s (%.1f MB)%n", name, bytes / 1e6);
        row("arraycopy heap->heap", arraycopy, directCopy);
        row("direct buffer heap->native", directCopy, directCopy);
        row("Tensors to new tensor", tensors, directCopy);
        row("copy into existing tensor", reused, directCopy);
        row("DJL create(float[])", djl, directCopy);
        row("Tensors.toFloats back (new array)", back, directCopy);
        row("Tensors.copyTo back (same array)", backInto, directCopy);
        row("DJL toFloatArray back", djlBack, directCopy);
        System.out.printf(Locale.ROOT, "  to tensor: %.3f of direct copy, %.3f of arraycopy%n", tensors / directCopy,
                tensors / arraycopy);
        return tensors / directCopy;
    }

    private static double labels(NDManager manager, Batch batch, double seconds) {
        int[] data = batch.labels();
        long bytes = 4L * data.length;
        ByteBuffer direct = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        double directCopy = rate(bytes, seconds, () -> direct.asIntBuffer().put(data));
        double int64 = rate(bytes, seconds, () -> Tensors.batchLabels(manager, batch, DataType.INT64).close());
        double int32 = rate(bytes, seconds, () -> Tensors.batchLabels(manager, batch, DataType.INT32).close());
        double viaTorch = rate(bytes, seconds, () -> {
            try (NDArray t = Tensors.batchLabels(manager, batch, DataType.INT32);
                    NDArray l = t.toType(DataType.INT64, false)) {
                l.getShape();
            }
        });
        System.out.printf(Locale.ROOT, "2d batch labels 12x512x512 (%.1f MB of int32)%n", bytes / 1e6);
        row("direct buffer heap->native", directCopy, directCopy);
        row("Tensors INT64 (widened in Java)", int64, directCopy);
        row("Tensors INT32", int32, directCopy);
        row("INT32 then toType(INT64)", viaTorch, directCopy);
        return int64 / directCopy;
    }

    private static void row(String what, double rate, double reference) {
        System.out.printf(Locale.ROOT, "  %-34s %7.2f GB/s  (%.3f)%n", what, rate / 1e9, rate / reference);
    }

    /** Bytes per second, median over repeated runs after a warm-up of the same length. */
    private static double rate(long bytes, double seconds, Runnable op) {
        long budget = (long) (seconds * 1e9);
        System.gc();
        long start = System.nanoTime();
        while (System.nanoTime() - start < budget / 2) {
            op.run();
        }
        double[] times = new double[4096];
        int n = 0;
        start = System.nanoTime();
        while ((System.nanoTime() - start < budget || n < 5) && n < times.length) {
            long t0 = System.nanoTime();
            op.run();
            times[n++] = System.nanoTime() - t0;
        }
        Arrays.sort(times, 0, n);
        double median = times[n / 2];
        return bytes / (median / 1e9);
    }
}
