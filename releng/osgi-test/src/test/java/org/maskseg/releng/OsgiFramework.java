package org.maskseg.releng;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;

/**
 * An Equinox framework holding the engine bundle and its dependencies as the release installs them: jars
 * without OSGi metadata wrapped with the instructions of the release target platform, the engine bundle as
 * this checkout's build produces it (its class folder with the manifest bnd generated), and SLF4J, which KNIME provides.
 */
final class OsgiFramework implements AutoCloseable {

    static final String PROBE_BUNDLE = "org.maskseg.releng.probe";

    /**
     * System property naming a built p2 repository (e.g. update-site/target/repository): its bundles are
     * run instead of wrapping the jars here, which checks a release build's output itself.
     */
    static final String SITE_PROPERTY = "maskseg.osgi.site";

    /** Bundles that KNIME's platform provides and the release therefore does not ship. */
    static final List<String> PLATFORM_JARS = List.of("slf4j-api-1.7.36.jar", "slf4j-simple-1.7.36.jar");

    final Framework framework;
    final Map<String, Bundle> bundles = new LinkedHashMap<>();

    private OsgiFramework(Framework framework) {
        this.framework = framework;
    }

    static Path repository() {
        return Path.of(System.getProperty("maskseg.repository")).toAbsolutePath().normalize();
    }

    static Path work() {
        return Path.of(System.getProperty("maskseg.osgi.work")).toAbsolutePath();
    }

    /** Wraps (or takes from a built update site) and installs everything, then starts every non-fragment. */
    static OsgiFramework launch() throws Exception {
        return launch(work(), List.of(), List.of(), Map.of());
    }

    /**
     * As {@link #launch()}, in the given work folder, with further framework properties, and further bundles: the
     * platform's, installed and resolved first (as KNIME and KNIME Image Processing are before an extension is
     * installed), and a test's, installed after the engine's.
     */
    static OsgiFramework launch(Path work, List<Path> platformBundles, List<Path> extraBundles,
            Map<String, String> properties) throws Exception {
        Path copied = Path.of(System.getProperty("maskseg.osgi.bundles"));
        deleteTree(work);
        Path wrapped = Files.createDirectories(work.resolve("bundles"));

        Map<String, String> config = new HashMap<>(properties);
        config.put(Constants.FRAMEWORK_STORAGE, work.resolve("storage").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        // bundles see only the JDK and each other, never the test class path
        config.put(Constants.FRAMEWORK_BUNDLE_PARENT, Constants.FRAMEWORK_BUNDLE_PARENT_BOOT);
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"))
                .newFramework(config);
        framework.start();
        OsgiFramework osgi = new OsgiFramework(framework);
        BundleContext context = framework.getBundleContext();
        // like p2 in KNIME, install the platform fragments (libtorch) of the running platform only
        Map<String, Object> platform = Map.of("osgi.os", context.getProperty("osgi.os"),
                "osgi.arch", context.getProperty("osgi.arch"));

        List<Path> files = new ArrayList<>();
        String site = System.getProperty(SITE_PROPERTY, "");
        if (!site.isBlank()) {
            for (Path jar : siteBundles(Path.of(site))) {
                try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
                    String filter = j.getManifest().getMainAttributes().getValue(PLATFORM_FILTER);
                    if (forPlatform(filter == null ? null : PLATFORM_FILTER + ": " + filter, platform)) {
                        files.add(jar);
                    }
                }
            }
        } else {
            ReleaseTarget target = ReleaseTarget.read(repository().resolve("releng/tycho/target-platform/maskseg-target.target"));
            for (ReleaseTarget.Artifact a : target.artifacts) {
                Path jar = copied.resolve(a.fileName());
                if (!forPlatform(a.instructions(), platform)) {
                    continue;
                }
                if (!Files.isRegularFile(jar)) {
                    throw new IOException(a.coordinates() + " is in the release target but not in " + copied
                            + "; add it to the copy list in releng/osgi-test/pom.xml");
                }
                if (a.instructions() == null) {
                    files.add(jar);
                } else {
                    Path out = wrapped.resolve(a.fileName());
                    BundleWrapper.write(jar, BundleWrapper.manifest(jar, a.instructions()), out);
                    files.add(out);
                }
            }
            Path core = Path.of(System.getProperty("maskseg.core.bundle")).toAbsolutePath().normalize();
            if (!Files.isRegularFile(core.resolve("META-INF/MANIFEST.MF"))) {
                throw new IOException(core + " holds no bundle manifest; build plugins/org.maskseg.core first");
            }
            files.add(core);
        }
        for (String platformJar : PLATFORM_JARS) {
            files.add(copied.resolve(platformJar));
        }
        files.add(probeBundle(wrapped.resolve(PROBE_BUNDLE + ".jar")));
        files.addAll(extraBundles);

        List<Bundle> platformInstalled = new ArrayList<>();
        for (Path file : platformBundles) {
            Bundle b = context.installBundle("reference:" + file.toUri());
            osgi.bundles.put(b.getSymbolicName(), b);
            platformInstalled.add(b);
        }
        if (!platformInstalled.isEmpty()
                && !framework.adapt(FrameworkWiring.class).resolveBundles(platformInstalled)) {
            osgi.close();
            throw new AssertionError("the platform's bundles do not resolve: " + platformInstalled.stream()
                    .filter(b -> b.getState() == Bundle.INSTALLED).map(Bundle::getSymbolicName).toList());
        }
        for (Path file : files) {
            // reference: keeps Equinox from copying the 450 MB native jar into its storage
            Bundle b = context.installBundle("reference:" + file.toUri());
            osgi.bundles.put(b.getSymbolicName(), b);
        }
        // all at once, as Equinox resolves the installed bundles when KNIME starts (failures are reported by start)
        framework.adapt(FrameworkWiring.class).resolveBundles(null);
        for (Bundle b : osgi.bundles.values()) {
            if ((b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) == 0) {
                try {
                    b.start();
                } catch (BundleException e) {
                    osgi.close();
                    throw new AssertionError("bundle " + b.getSymbolicName() + " does not start: " + e.getMessage(), e);
                }
            }
        }
        return osgi;
    }

    static final String PLATFORM_FILTER = "Eclipse-PlatformFilter";

    /**
     * Whether a bundle with these manifest headers (or bnd instructions) belongs on the given platform: true
     * without an Eclipse-PlatformFilter, else whether the filter matches osgi.os and osgi.arch.
     */
    static boolean forPlatform(String headers, Map<String, ?> platform) throws InvalidSyntaxException {
        if (headers == null) {
            return true;
        }
        for (String line : headers.lines().toList()) {
            if (line.startsWith(PLATFORM_FILTER + ":")) {
                return FrameworkUtil.createFilter(line.substring(PLATFORM_FILTER.length() + 1).trim()).matches(platform);
            }
        }
        return true;
    }

    /** Every bundle of a p2 repository except the node bundle, which cannot resolve without KNIME. */
    private static List<Path> siteBundles(Path site) throws IOException {
        Path plugins = site.resolve("plugins");
        if (!Files.isDirectory(plugins)) {
            throw new IOException(site + " is not a p2 repository with a plugins folder");
        }
        try (Stream<Path> jars = Files.list(plugins)) {
            return jars.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .filter(p -> !p.getFileName().toString().startsWith("org.maskseg.knime_")).sorted().toList();
        }
    }

    Bundle bundle(String symbolicName) {
        Bundle b = bundles.get(symbolicName);
        if (b == null) {
            throw new AssertionError("no bundle " + symbolicName + " installed; have " + bundles.keySet());
        }
        return b;
    }

    /** The folder the test classes (and the probes) were compiled to. */
    static Path testClasses() throws IOException {
        try {
            return Path.of(OsgiFramework.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    /** Packs the probe classes (compiled with the tests) into a bundle importing what they use. */
    private static Path probeBundle(Path out) throws Exception {
        Path classes;
        try {
            classes = Path.of(OsgiFramework.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        try (Builder builder = new Builder()) {
            builder.setClasspath(new java.io.File[] {classes.toFile()});
            builder.setProperty(Constants.BUNDLE_SYMBOLICNAME, PROBE_BUNDLE);
            builder.setProperty(Constants.BUNDLE_VERSION, "1.0.0");
            builder.setProperty("Private-Package", "org.maskseg.releng.probe");
            builder.setProperty(Constants.IMPORT_PACKAGE, "*");
            builder.setProperty("-noextraheaders", "true");
            Jar jar = builder.build();
            if (!builder.getErrors().isEmpty()) {
                throw new IOException("probe bundle: " + builder.getErrors());
            }
            Manifest m = jar.getManifest();
            if (m.getMainAttributes().getValue(Constants.IMPORT_PACKAGE) == null) {
                throw new IOException("probe bundle imports nothing; were the probe classes compiled?");
            }
            jar.write(out.toFile());
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        framework.stop();
        framework.waitForStop(30_000);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
