package org.maskseg.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the test data that ships with the repository. */
public final class TestData {

    private TestData() {
    }

    /** The repository root (tests run with the module folder as working directory). */
    public static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("sample-data"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("sample-data not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** 40 fluorescence nuclei images (256 x 256, 8-bit PNG) in {@code images/} and dense labels in {@code labels/}. */
    public static Path nuclei() {
        return repositoryRoot().resolve("sample-data/nuclei");
    }
}
