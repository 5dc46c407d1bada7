package org.maskseg.core.nnunet;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Path script = dir.resolve("make_nnunet_model.py");
        Files.createDirectories(dir);
        if (!Files.exists(script)) {
            try (InputStream in = TorchModels.class.getResourceAsStream("make_nnunet_model.py")) {
                Files.copy(in, script);
            }
        }
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
        assumeTorch();
        Files.createDirectories(dir);
        for (String name : new String[] {"make_nnunet_model.py", "check_exported_model.py"}) {
            Path script = dir.resolve(name);
            if (!Files.exists(script)) {
                try (InputStream in = TorchModels.class.getResourceAsStream(name)) {
                    Files.copy(in, script);
                }
            }
        }
        Process p = new ProcessBuilder(PYTHON.toString(), dir.resolve("check_exported_model.py").toString(),
                results.toString(), fold, java.util.Arrays.toString(inputShape)).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("check_exported_model.py failed:\n" + log);
        }
        String[] lines = log.strip().split("\n");
        return lines[lines.length - 1];
    }

    /** A float32 little-endian file written by the script. */
    public static float[] floats(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }
}
