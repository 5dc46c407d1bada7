package org.maskseg.core.doctor;

import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.Batch;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.optim.TrainingStep;
import org.maskseg.core.plan.Plan;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.cuda.CudaUtils;

/**
 * What MaskSeg computes with, as lines of text for a console or a log: Java, DJL and libtorch versions, whether the
 * loaded libtorch is a CPU or a CUDA build, CUDA and cuDNN, the visible GPUs with their memory, the thread settings,
 * and the time of one training step of a tiny network. The command line prints it ({@code maskseg doctor}); the
 * Trainer node logs it when it starts.
 */
public final class Doctor {

    private Doctor() {
    }

    /** The set-up lines; starts the engine (with the given installation) if it is not running. */
    public static List<String> environment(TorchRuntime.Installation installation) {
        List<String> out = new ArrayList<>();
        Runtime rt = Runtime.getRuntime();
        out.add(String.format(Locale.ROOT, "Java: %s (%s), %s %s, %d processor(s), max heap %d MB",
                System.getProperty("java.version"), System.getProperty("java.vendor"), System.getProperty("os.name"),
                System.getProperty("os.arch"), rt.availableProcessors(), rt.maxMemory() >> 20));
        Engine engine = TorchRuntime.start(installation);
        boolean cuda = engine.hasCapability(StandardCapabilities.CUDA);
        String library = System.getProperty("PYTORCH_LIBRARY_PATH", System.getenv("PYTORCH_LIBRARY_PATH"));
        out.add("DJL: " + Engine.getDjlVersion() + ", PyTorch engine with libtorch " + engine.getVersion() + " ("
                + (cuda ? "cuda" : "cpu") + " build), "
                + (library == null ? "bundled with MaskSeg" : "from " + library)
                + (System.getProperty("PYTORCH_FLAVOR", System.getenv("PYTORCH_FLAVOR")) == null ? ""
                        : ", PYTORCH_FLAVOR " + System.getProperty("PYTORCH_FLAVOR", System.getenv("PYTORCH_FLAVOR"))));
        int gpus = engine.getGpuCount();
        String runtime = CudaUtils.hasCuda() ? "CUDA runtime " + CudaUtils.getCudaVersionString() : "no CUDA runtime";
        out.add("CUDA: " + (cuda ? "libtorch built with CUDA" : "libtorch built without CUDA") + ", " + runtime
                + " found, cuDNN " + (engine.hasCapability(StandardCapabilities.CUDNN) ? "available" : "not available")
                + ", " + gpus + " GPU(s) usable");
        if (!cuda && CudaUtils.hasCuda()) {
            out.add("note: this machine has a CUDA GPU but the loaded libtorch is a CPU build; see \"Using a GPU\" in "
                    + "the README");
        }
        for (int i = 0; i < gpus; i++) {
            Device d = Device.gpu(i);
            String memory;
            try {
                MemoryUsage m = CudaUtils.getGpuMemory(d);
                memory = String.format(Locale.ROOT, "%d MB of %d MB in use", m.getUsed() >> 20, m.getMax() >> 20);
            } catch (RuntimeException e) {
                memory = "memory not reported (" + e.getMessage() + ")";
            }
            String capability;
            try {
                capability = "compute capability " + CudaUtils.getComputeCapability(i);
            } catch (RuntimeException e) {
                capability = "compute capability unknown";
            }
            out.add("GPU " + d + ": " + capability + ", " + memory);
        }
        out.add(String.format(Locale.ROOT, "threads: %d intra-op, %d inter-op (OMP_NUM_THREADS %s, "
                + "ai.djl.pytorch.num_threads %s)", JniUtils.getNumThreads(), JniUtils.getNumInteropThreads(),
                String.valueOf(System.getenv("OMP_NUM_THREADS")),
                String.valueOf(System.getProperty("ai.djl.pytorch.num_threads"))));
        return out;
    }

    /**
     * One line with the time of one training step of a tiny 2D U-Net (3 stages of 8/16/32 features, batch 2,
     * 64×64) on the device, after one untimed warm-up step.
     */
    public static String stepTiming(Device device, Precision precision) {
        Plan plan = Plan.builder()
                .configuration("2d")
                .patchSize(64, 64)
                .network(n -> n.numStages(3)
                        .features(8, 16, 32)
                        .strides(new int[][] {{1, 1}, {2, 2}, {2, 2}})
                        .kernelSizes(new int[][] {{3, 3}, {3, 3}, {3, 3}}))
                .build();
        int n = 2;
        int vox = 64 * 64;
        Random r = new Random(1);
        float[] img = new float[n * vox];
        int[] lab = new int[n * vox];
        for (int i = 0; i < img.length; i++) {
            lab[i] = r.nextInt(3);
            img[i] = (float) r.nextGaussian() + lab[i];
        }
        Batch batch = new Batch(img, lab, n, 1, plan.patchSize());
        try (NDManager root = TorchRuntime.newManager(device);
                PlainConvUNet net = PlainConvUNet.fromPlan(root, plan, 1);
                TrainingStep step = TrainingStep.forPlan(net, plan, precision)) {
            step.run(batch, 0.01);
            long t0 = System.nanoTime();
            TrainingStep.Result res = step.run(batch, 0.01);
            double ms = (System.nanoTime() - t0) / 1e6;
            return String.format(Locale.ROOT, "one training step of a tiny 2D U-Net (batch 2, 64x64, 3 stages) on %s "
                    + "in %s: %.1f ms, loss %.3f", device, precision.label(), ms, res.loss());
        }
    }
}
