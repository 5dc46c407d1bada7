package org.maskseg.releng;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.jar.Manifest;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;

import aQute.bnd.osgi.Analyzer;
import aQute.bnd.osgi.Jar;

/**
 * Turns a plain jar into an OSGi bundle with bnd, the way the release target platform does for its Maven
 * locations. Entries are copied still compressed, so wrapping the 450 MB libtorch jar takes about a second.
 */
final class BundleWrapper {

    private BundleWrapper() {
    }

    /** The manifest bnd computes for a jar with the given instructions; any bnd error or warning fails. */
    static Manifest manifest(Path jarFile, String instructions) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(instructions));
        try (Jar jar = new Jar(jarFile.toFile()); Analyzer analyzer = new Analyzer(jar)) {
            analyzer.setProperties(properties);
            Manifest manifest = analyzer.calcManifest();
            // a fragment's host is another jar, which bnd cannot see while wrapping this one
            List<String> warnings = analyzer.getWarnings().stream()
                    .filter(w -> !w.contains("for this fragment/require bundle cannot be found on the classpath")).toList();
            if (!analyzer.getErrors().isEmpty() || !warnings.isEmpty()) {
                throw new IOException("bnd could not wrap " + jarFile.getFileName() + ": errors " + analyzer.getErrors()
                        + ", warnings " + warnings);
            }
            return manifest;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("bnd could not wrap " + jarFile.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code out}: the jar's entries with the given manifest (signatures dropped, they would no longer match). */
    static void write(Path jarFile, Manifest manifest, Path out) throws IOException {
        Files.createDirectories(out.getParent());
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (ZipFile in = ZipFile.builder().setPath(jarFile).get();
                ZipArchiveOutputStream zip = new ZipArchiveOutputStream(tmp)) {
            zip.putArchiveEntry(new ZipArchiveEntry("META-INF/"));
            zip.closeArchiveEntry();
            zip.putArchiveEntry(new ZipArchiveEntry("META-INF/MANIFEST.MF"));
            manifest.write(zip);
            zip.closeArchiveEntry();
            for (Enumeration<ZipArchiveEntry> e = in.getEntries(); e.hasMoreElements();) {
                ZipArchiveEntry entry = e.nextElement();
                if (replaced(entry.getName())) {
                    continue;
                }
                try (InputStream raw = in.getRawInputStream(entry)) {
                    zip.addRawArchiveEntry(entry, raw);
                }
            }
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean replaced(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.equals("META-INF/") || upper.equals("META-INF/MANIFEST.MF")) {
            return true;
        }
        return upper.startsWith("META-INF/") && upper.indexOf('/', 9) < 0
                && (upper.endsWith(".SF") || upper.endsWith(".RSA") || upper.endsWith(".DSA") || upper.endsWith(".EC"));
    }
}
