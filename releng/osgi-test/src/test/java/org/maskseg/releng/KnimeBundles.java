package org.maskseg.releng;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The bundles of KNIME Analytics Platform and KNIME Image Processing that the node bundle's manifest requires, as
 * stand-ins: the classes of the compile-only API surface ({@code releng/knime-api}) and of the execution double
 * ({@code releng/knime-testing}), split into bundles with the real symbolic names, the real exported packages (of
 * those the surface has) and the real re-export of {@code org.knime.core.util} by {@code org.knime.core}; ImgLib2 is
 * the real 5.8.0 jar, wrapped with KNIP's symbolic name {@code imglib2}. The node bundle itself is its class folder
 * with its own {@code META-INF/MANIFEST.MF}, unchanged.
 * <p>
 * Real manifests read: {@code org.knime.core/META-INF/MANIFEST.MF} of knime/knime-core at tag
 * {@code analytics-platform/5.3.0} (exports {@code org.knime.core.data…}, {@code org.knime.core.node…},
 * {@code org.knime.core.util}; {@code Require-Bundle: org.knime.core.util;bundle-version="[6.3.0,7.0.0)";visibility:=reexport}),
 * {@code org.knime.core.util/META-INF/MANIFEST.MF} of knime/knime-shared (exports {@code org.knime.core.node} with
 * {@code InvalidSettingsException}, and {@code org.knime.core.node.config.base}), and
 * {@code org.knime.knip.base/META-INF/MANIFEST.MF} of knime-ip/knip (exports {@code org.knime.knip.base.data.img};
 * requires {@code imglib2}, {@code imagej-common}, {@code scijava-common} and {@code org.knime.core}).
 */
final class KnimeBundles {

    static final String NODES = "org.maskseg.knime";
    static final String TESTING = "org.maskseg.knime.testing";

    private KnimeBundles() {
    }

    /** Class folder of a module of this checkout, from the system property the pom sets. */
    static Path classes(String property) throws IOException {
        Path p = Path.of(System.getProperty(property)).toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) {
            throw new IOException(p + " does not exist; build the module first (the reactor build with -am does)");
        }
        return p;
    }

    /** Writes every stand-in and the wrapped ImgLib2 into {@code dir}; returns them in install order. */
    static List<Path> platform(Path dir, Path imglib2Jar) throws IOException {
        Path api = classes("maskseg.knime.api.classes");
        Path testing = classes("maskseg.knime.testing.classes");
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();

        // ImgLib2 as KNIME Image Processing 1.8.3 ships it: bundle imglib2, version 5.8.0
        Path imglib2 = dir.resolve("imglib2.jar");
        BundleWrapper.write(imglib2Jar, BundleWrapper.manifest(imglib2Jar, String.join("\n",
                "Bundle-SymbolicName: imglib2",
                "Bundle-Version: 5.8.0",
                "Export-Package: net.imglib2.*;version=5.8.0",
                "Import-Package: *;resolution:=optional",
                "-noextraheaders: true")), imglib2);
        out.add(imglib2);

        Predicate<String> shared = n -> n.startsWith("org/knime/core/node/InvalidSettingsException")
                || n.startsWith("org/knime/core/node/config/base/");
        out.add(bundle(dir, "scijava-common", "2.87.1", Map.of(api, n -> n.startsWith("org/scijava/")), null));
        out.add(bundle(dir, "imagej-common", "0.28.2", Map.of(api, n -> n.startsWith("net/imagej/")),
                "imglib2,scijava-common"));
        out.add(bundle(dir, "org.knime.core.util", "6.3.0", Map.of(api, shared), null));
        Map<Path, Predicate<String>> core = new LinkedHashMap<>();
        core.put(api, n -> n.startsWith("org/knime/core/") && !shared.test(n));
        // the execution double's entry points live in KNIME's packages (package-private access): same bundle
        core.put(testing, n -> n.startsWith("org/knime/core/"));
        out.add(bundle(dir, "org.knime.core", "5.3.0", core,
                "org.knime.core.util;bundle-version=\"[6.3.0,7.0.0)\";visibility:=reexport"));
        out.add(bundle(dir, "org.knime.knip.base", "1.8.3", Map.of(api, n -> n.startsWith("org/knime/knip/")),
                "imglib2,org.knime.core,imagej-common,scijava-common"));
        out.add(bundle(dir, TESTING, "0.1.0", Map.of(testing, n -> n.startsWith("org/maskseg/knime/testing/")),
                "org.knime.core,org.knime.knip.base,imagej-common,imglib2"));
        return out;
    }

    /** Writes the node bundle into {@code dir}: its classes and resources with its own manifest, unchanged. */
    static Path nodes(Path dir) throws IOException {
        Path nodes = classes("maskseg.knime.classes");
        Path nodeManifest = classes("maskseg.knime.bundle").resolve("META-INF/MANIFEST.MF");
        // the node bundle: its classes and resources with its own manifest, unchanged
        Path nodeJar = dir.resolve(NODES + ".jar");
        Manifest m;
        try (var in = Files.newInputStream(nodeManifest)) {
            m = new Manifest(in);
        }
        writeJar(nodeJar, m, Map.of(nodes, n -> !n.startsWith("META-INF/")));
        return nodeJar;
    }

    /**
     * A bundle of the classes the filters select, exporting every package it holds.
     *
     * @param requires the {@code Require-Bundle} header, or null
     */
    static Path bundle(Path dir, String symbolicName, String version, Map<Path, Predicate<String>> content,
            String requires) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", version);
        TreeSet<String> packages = new TreeSet<>();
        for (Map.Entry<Path, Predicate<String>> e : content.entrySet()) {
            for (String n : entries(e.getKey())) {
                if (e.getValue().test(n) && n.endsWith(".class")) {
                    packages.add(n.substring(0, n.lastIndexOf('/')).replace('/', '.'));
                }
            }
        }
        if (packages.isEmpty()) {
            throw new IOException("stand-in bundle " + symbolicName + " would be empty");
        }
        a.putValue("Export-Package", String.join(",", packages));
        if (requires != null) {
            a.putValue("Require-Bundle", requires);
        }
        Path out = dir.resolve(symbolicName + ".jar");
        writeJar(out, m, content);
        return out;
    }

    static void writeJar(Path out, Manifest manifest, Map<Path, Predicate<String>> content) throws IOException {
        try (OutputStream os = Files.newOutputStream(out); JarOutputStream jar = new JarOutputStream(os, manifest)) {
            TreeSet<String> written = new TreeSet<>();
            for (Map.Entry<Path, Predicate<String>> e : content.entrySet()) {
                for (String n : entries(e.getKey())) {
                    if (e.getValue().test(n) && written.add(n)) {
                        jar.putNextEntry(new JarEntry(n));
                        Files.copy(e.getKey().resolve(n), jar);
                        jar.closeEntry();
                    }
                }
            }
        }
    }

    /** Relative paths ('/'-separated) of the files below {@code root}. */
    private static List<String> entries(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }
}
