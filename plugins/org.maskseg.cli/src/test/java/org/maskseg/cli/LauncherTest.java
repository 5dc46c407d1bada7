package org.maskseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.maskseg.cli.CommandLineRun.nuclei;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code maskseg} launcher script, run as a user runs it (with the test class path instead of the jar). */
@Tag("slow")
class LauncherTest {

    @TempDir
    Path dir;

    record Outcome(int code, String out, String err) {
    }

    /** Runs {@code ./maskseg args} in a C locale (ASCII file names), as a cron job or a bare container does. */
    private static Outcome maskseg(String... args) throws IOException, InterruptedException {
        Path launcher = nuclei().getParent().getParent().resolve("maskseg");
        List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
        env.put("LC_ALL", "C");
        env.put("MASKSEG_CLASSPATH", System.getProperty("java.class.path"));
        env.put("MASKSEG_JAVA_OPTS", "-Xmx1g");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        int code = p.waitFor();
        return new Outcome(code, new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void nonAsciiFileNamesWorkUnderTheCLocale() throws Exception {
        Path images = Files.createDirectories(dir.resolve("bilder-é"));
        Path labels = Files.createDirectories(dir.resolve("masken-é"));
        try (Stream<Path> files = Files.list(nuclei().resolve("images"))) {
            int i = 0;
            for (Path f : files.sorted().limit(2).toList()) {
                String name = "zelle-" + (i++) + "-µm-ké.png";
                Files.copy(f, images.resolve(name));
                Files.copy(nuclei().resolve("labels").resolve(f.getFileName()), labels.resolve(name));
            }
        }
        Outcome o = maskseg("plan", "--images", images.toString(), "--labels", labels.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("planned 2 case(s)"), o.err());
    }

    @Test
    void aFailedPredictionPrintsOneLineAndNoLibraryLogs() throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        try (Stream<Path> files = Files.list(nuclei().resolve("images"))) {
            Files.copy(files.sorted().findFirst().orElseThrow(), images.resolve("a.png"));
        }
        Path model = PredictEvaluateCommandTest.writeModel(dir.resolve("model.zip"), 1);
        Outcome o = maskseg("predict", "--model", model.toString(), "--images", images.toString(), "--out",
                dir.resolve("out").toString(), "--device", "gpu:7");
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().startsWith("maskseg: device 'gpu:7'"), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.out().isEmpty(), o.out());
        assertTrue(!Files.exists(dir.resolve("out")));
        Outcome verbose = maskseg("predict", "--model", model.toString(), "--images", images.toString(), "--out",
                dir.resolve("out").toString(), "--device", "gpu:7", "--verbose");
        assertEquals(1, verbose.code(), verbose.err());
        assertTrue(verbose.err().strip().lines().count() > 1, "--verbose shows the library log: " + verbose.err());
    }
}
