package org.maskseg.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** The nuclei sample images of the repository, found from the working folder upwards. */
final class SampleData {

    private SampleData() {
    }

    /** {@code sample-data/nuclei} with {@code images/} and {@code labels/}. */
    static Path nuclei() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("sample-data"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalArgumentException("no sample-data folder found above " + Path.of("").toAbsolutePath()
                    + "; give --data DIR");
        }
        return p.resolve("sample-data/nuclei");
    }
}
