package org.maskseg.core.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskseg.core.InvalidInputException;

/**
 * How the engine picks the bundled libtorch: the classifier DJL computes from the JVM's os.name and os.arch
 * must equal the one in the native jar's pytorch.properties. The values below are those the JVMs of each
 * platform report; only the running platform's are checked against DJL itself (here and in releng/osgi-test).
 */
class NativeLibraryResolutionTest {

    @Test
    void classifierForEachPlatformAsItsJvmReportsIt() {
        assertEquals("win-x86_64", TorchRuntime.nativeClassifier("Windows 11", "amd64"));
        assertEquals("win-x86_64", TorchRuntime.nativeClassifier("Windows 10", "amd64"));
        assertEquals("win-aarch64", TorchRuntime.nativeClassifier("Windows 11", "aarch64"));
        assertEquals("osx-aarch64", TorchRuntime.nativeClassifier("Mac OS X", "aarch64"));
        assertEquals("osx-x86_64", TorchRuntime.nativeClassifier("Mac OS X", "x86_64"));
        assertEquals("linux-x86_64", TorchRuntime.nativeClassifier("Linux", "amd64"));
        assertEquals("linux-aarch64", TorchRuntime.nativeClassifier("Linux", "aarch64"));
        assertNull(TorchRuntime.nativeClassifier("FreeBSD", "amd64"));
    }

    @Test
    void theRunningMachineHasItsBundledLibrary() {
        // the default build's class path carries the native jar of the platform the build runs on
        assertTrue(TorchRuntime.bundledClassifiers(getClass().getClassLoader()).contains(TorchRuntime.nativeClassifier()),
                "no bundled libtorch for " + TorchRuntime.nativeClassifier());
        assertEquals(TorchRuntime.nativeClassifier(), ai.djl.util.Platform.fromSystem("pytorch").getClassifier());
    }

    @Test
    void onlyTheMatchingClassifierIsAccepted(@TempDir Path dir) throws IOException {
        String here = TorchRuntime.nativeClassifier();
        List<String> others = new ArrayList<>(List.of("win-x86_64", "osx-aarch64", "linux-x86_64", "linux-aarch64"));
        others.remove(here);
        try (URLClassLoader foreign = loader(dir.resolve("foreign"), others)) {
            assertEquals(others, TorchRuntime.bundledClassifiers(foreign));
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> TorchRuntime.checkBundledLibrary(foreign));
            assertTrue(e.getMessage().contains(here) && e.getMessage().contains("PYTORCH_LIBRARY_PATH"), e.getMessage());
            assertTrue(e.getMessage().contains(String.join(", ", others)), e.getMessage());
        }
        List<String> all = new ArrayList<>(others);
        all.add(here);
        try (URLClassLoader mixed = loader(dir.resolve("mixed"), all)) {
            assertDoesNotThrow(() -> TorchRuntime.checkBundledLibrary(mixed));
        }
        try (URLClassLoader none = loader(dir.resolve("none"), List.of())) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> TorchRuntime.checkBundledLibrary(none));
            assertTrue(e.getMessage().contains("carries none"), e.getMessage());
        }
    }

    /** One folder per classifier, each with a native/lib/pytorch.properties as DJL's native jars have it. */
    private static URLClassLoader loader(Path root, List<String> classifiers) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (String c : classifiers) {
            Path f = root.resolve(c).resolve(TorchRuntime.NATIVE_PROPERTIES);
            Files.createDirectories(f.getParent());
            Files.writeString(f, "version=2.7.1-20250812\nflavor=cpu\nclassifier=" + c + "\nlibraries=x\n");
            urls.add(root.resolve(c).toUri().toURL());
        }
        return new URLClassLoader(urls.toArray(URL[]::new), null);
    }
}
