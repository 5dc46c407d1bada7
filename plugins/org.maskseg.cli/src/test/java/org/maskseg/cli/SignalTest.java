package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what a batch scheduler or server sends) and SIGINT (Ctrl-C) at many moments of a training and a
 * prediction, each in a JVM of its own: the process always ends with the cancellation line and the signal's exit
 * code, never with a JVM crash (no hs_err file), and leaves no model and no temporary file behind.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@Tag("slow")
class SignalTest {

    @TempDir
    Path dir;

    private static final String[] TRAIN_OPTIONS = {"--epochs", "40", "--iterations", "4", "--validation-iterations",
        "2", "--patch", "128,128", "--batch-size", "2", "--device", "cpu", "--threads", "1", "--seed", "3",
        "--checkpoint-every", "1"};

    private static Path sampleData() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("sample-data"))) {
            p = p.getParent();
        }
        return p.resolve("sample-data/nuclei");
    }

    private Path[] dataset() throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path labels = Files.createDirectories(dir.resolve("labels"));
        try (Stream<Path> files = Files.list(sampleData().resolve("images"))) {
            for (Path f : files.sorted().limit(4).toList()) {
                Files.copy(f, images.resolve(f.getFileName()));
                Files.copy(sampleData().resolve("labels").resolve(f.getFileName()), labels.resolve(f.getFileName()));
            }
        }
        return new Path[] {images, labels};
    }

    private record Outcome(int code, String out, String err) {
    }

    /** Starts a JVM in {@code cwd}, waits for {@code ready} on stdout, then {@code delayMillis}, then the signal. */
    private static Outcome runAndSignal(Path cwd, List<String> command, String ready, long delayMillis, String signal)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx2g");
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        StringBuilder out = new StringBuilder();
        boolean signalled = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                if (!signalled && line.contains(ready)) {
                    Thread.sleep(delayMillis);
                    new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
                    signalled = true;
                }
            }
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the process ended");
        return new Outcome(p.exitValue(), out.toString(), err.get());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void assertNoCrashAndNoLeftovers(Path cwd, Path... folders) throws IOException {
        try (Stream<Path> s = Files.list(cwd)) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().startsWith("hs_err")), "no JVM crash log");
        }
        for (Path folder : folders) {
            if (Files.isDirectory(folder)) {
                try (Stream<Path> s = Files.walk(folder)) {
                    List<Path> parts = s.filter(f -> f.getFileName().toString().endsWith(".part")).toList();
                    assertEquals(List.of(), parts, "no temporary files");
                }
            }
        }
    }

    @Test
    void trainingEndsCleanlyWhateverTheMomentOfTheSignal() throws Exception {
        Path[] data = dataset();
        // moments after the first step started: inside forward and backward passes, batch loading, validation,
        // checkpoint and curve writing
        long[] delays = {0, 150, 400, 700, 1100, 1600, 2300, 3100};
        for (int i = 0; i < delays.length; i++) {
            String signal = i % 2 == 0 ? "TERM" : "INT";
            Path cwd = Files.createDirectories(dir.resolve("train" + i));
            Path model = cwd.resolve("model.zip");
            List<String> cmd = new ArrayList<>(List.of(MaskSegCommand.class.getName(), "train", "--images",
                    data[0].toString(), "--labels", data[1].toString(), "--out", model.toString()));
            cmd.addAll(List.of(TRAIN_OPTIONS));
            Outcome o = runAndSignal(cwd, cmd, "training on", delays[i], signal);
            String what = signal + " after " + delays[i] + " ms: exit " + o.code() + "\n" + o.out() + o.err();
            assertEquals(signal.equals("TERM") ? 143 : 130, o.code(), what);
            String[] errLines = o.err().strip().split("\n");
            assertTrue(errLines[errLines.length - 1].startsWith("maskseg: ")
                    && errLines[errLines.length - 1].contains("cancelled"), what);
            assertFalse(o.err().contains("Exception"), what);
            assertFalse(Files.exists(model), what);
            assertNoCrashAndNoLeftovers(cwd, cwd);
        }
    }

    @Test
    void predictionEndsCleanlyWhateverTheMomentOfTheSignal() throws Exception {
        Path[] data = dataset();
        Path model = dir.resolve("model.zip");
        assertEquals(0, MaskSegCommand.execute(new String[] {"train", "--images", data[0].toString(), "--labels",
            data[1].toString(), "--out", model.toString(), "--epochs", "1", "--iterations", "1",
            "--validation-iterations", "1", "--patch", "64,64", "--batch-size", "2", "--device", "cpu", "--threads",
            "1"}));
        long[] delays = {0, 100, 300, 600};
        for (int i = 0; i < delays.length; i++) {
            String signal = i % 2 == 0 ? "TERM" : "INT";
            Path cwd = Files.createDirectories(dir.resolve("predict" + i));
            Path out = cwd.resolve("predicted");
            Outcome o = runAndSignal(cwd, List.of(MaskSegCommand.class.getName(), "predict", "--model",
                    model.toString(), "--images", data[0].toString(), "--out", out.toString(), "--tta", "--device",
                    "cpu", "--threads", "1"), "segmenting", delays[i], signal);
            String what = signal + " after " + delays[i] + " ms: exit " + o.code() + "\n" + o.out() + o.err();
            // a prediction may finish before the signal arrives; otherwise it ends with the cancellation line
            if (o.code() != 0) {
                assertEquals(signal.equals("TERM") ? 143 : 130, o.code(), what);
                assertTrue(o.err().strip().contains("cancelled"), what);
            }
            assertFalse(o.err().contains("Exception"), what);
            assertNoCrashAndNoLeftovers(cwd, cwd);
        }
    }

    @Test
    void theJvmWaitsForAStepLongerThanAnyGracePeriod() throws Exception {
        Path marker = dir.resolve("marker");
        Outcome o = runAndSignal(dir, List.of(LongStepAfterSignal.class.getName(), marker.toString(), "35000"),
                "step started", 200, "TERM");
        assertTrue(Files.exists(marker), "the step finished before the JVM ended: " + o);
        assertEquals(143, o.code(), o.toString());
        assertEquals("maskseg: cancelled", o.err().strip());
    }
}
