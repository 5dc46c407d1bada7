package org.maskseg.core.nnunet;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nnU-Net v2 results folders written by PyTorch from Python ({@code make_nnunet_model.py}), for tests that compare
 * the import with PyTorch's own numbers. Tests using them are skipped, with the reason printed, when {@code
 * /usr/bin/python3} has no PyTorch (Debian: {@code apt-get install python3-torch}).
 */
public final class TorchModels {

    static final Path PYTHON = Path.of("/usr/bin/python3");

    private static Boolean available;

    private TorchModels() {
    }

    /** Skips the calling test unless Python with PyTorch is installed. */
    public static synchronized void assumeTorch() {
        if (available == null) {
            String reason = null;
            if (!Files.isExecutable(PYTHON)) {
                reason = PYTHON + " does not exist";
            } else {
                try {
                    Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch").redirectErrorStream(true)
                            .start();
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                        reason = PYTHON + " cannot import torch: " + out.strip();
                    }
                } catch (IOException e) {
                    reason = PYTHON + " cannot be run: " + e.getMessage();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    reason = "interrupted";
                }
            }
            if (reason != null) {
                System.out.println("Skipping the comparison with PyTorch: " + reason
                        + " (install it with apt-get install python3-torch)");
            }
            available = reason == null;
        }
        assumeTrue(available, "PyTorch for " + PYTHON + " is not installed");
    }

    /**
     * Writes a results folder with one fold into {@code dir}.
     *
     * @param config "2d" or "3d"
     * @param layout "new" (architecture entry in plans.json) or "old" (UNet_class_name keys)
     */
    public static Path write(Path dir, String config, String layout) throws IOException, InterruptedException {
        return write(dir, config, layout, 2, 1);
    }

    /**
     * Writes a results folder with {@code folds} folds of a model with {@code channels} input channels (1 or 2);
     * logits.bin then holds the mean of the folds' logits.
     */
    public static Path write(Path dir, String config, String layout, int channels, int folds)
            throws IOException, InterruptedException {
        assumeTorch();
        copyScript(dir, "make_nnunet_model.py");
        Path script = dir.resolve("make_nnunet_model.py");
        Path out = dir.resolve("results-" + config + "-" + layout + "-" + channels + "-" + folds);
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), out.toString(), config, layout,
                String.valueOf(channels), String.valueOf(folds)).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("make_nnunet_model.py failed:\n" + log);
        }
        return out;
    }

    /**
     * Loads an exported results folder with PyTorch as nnU-Net's predictor would ({@code check_exported_model.py}):
     * runs {@code results/input.bin} of the given shape through fold {@code fold} and writes {@code
     * results/torch_logits_<fold>.bin}.
     *
     * @return the script's line of facts (JSON)
     */
    public static String checkExport(Path dir, Path results, String fold, long[] inputShape)
            throws IOException, InterruptedException {
        copyScript(dir, "make_nnunet_model.py");
        return run(dir, "check_exported_model.py", results.toString(), fold, java.util.Arrays.toString(inputShape));
    }

    /**
     * Runs {@code postprocessing_pickle.py} (nnU-Net postprocessing files written and read by Python's pickle).
     *
     * @return the script's last line of output
     */
    public static String postprocessingPickle(Path dir, String... args) throws IOException, InterruptedException {
        return run(dir, "postprocessing_pickle.py", args);
    }

    /**
     * Runs {@code nnunet_inference_reference.py}: nnU-Net's inference of the image in {@code input} (float32, C
     * order, the given shape) with the given folds of a results folder, written to {@code <out>_labels.bin} and
     * {@code <out>_probabilities.bin}.
     *
     * @return the script's line of facts (JSON)
     */
    public static String nnUNetInference(Path dir, Path results, String folds, Path input, long[] shape, Path out)
            throws IOException, InterruptedException {
        copyScript(dir, "make_nnunet_model.py");
        return run(dir, "nnunet_inference_reference.py", results.toString(), folds, input.toString(),
                java.util.Arrays.toString(shape), out.toString());
    }

    /** Runs one of the test scripts with Debian's Python and returns the last line it printed. */
    private static String run(Path dir, String name, String... args) throws IOException, InterruptedException {
        assumeTorch();
        copyScript(dir, name);
        List<String> command = new java.util.ArrayList<>(List.of(PYTHON.toString(), dir.resolve(name).toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(name + " failed:\n" + log);
        }
        String[] lines = log.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static void copyScript(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path script = dir.resolve(name);
        if (!Files.exists(script)) {
            try (InputStream in = TorchModels.class.getResourceAsStream(name)) {
                Files.copy(in, script);
            }
        }
    }

    /** An int32 little-endian file written by a script. */
    public static int[] ints(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[b.remaining() / 4];
        b.asIntBuffer().get(v);
        return v;
    }

    /** A float32 little-endian file written by the script. */
    public static float[] floats(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }
}
