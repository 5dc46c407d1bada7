package org.maskseg.releng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * The nodes inside a real OSGi framework, as KNIME runs them: the node bundle with its own manifest, the engine bundle
 * and its wrapped libraries (as {@link OsgiEngineTest}), KNIME Image Processing's ImgLib2 (the real 5.8.0 jar as bundle
 * {@code imglib2}) and stand-ins for the KNIME, KNIP, ImageJ and SciJava bundles the node manifest requires
 * ({@link KnimeBundles}). A probe bundle then executes the Annotator, the Masked Trainer and the Predictor through the
 * execution double on tables of KNIP image cells and of file paths, in 2D and 3D. A node calling an ImgLib2 or ImageJ
 * member that KNIP's versions lack fails here with {@code NoSuchMethodError}, which a test on the flat class path of
 * the build cannot show when the engine's dependencies bring another ImgLib2.
 */
class OsgiNodesTest {

    static final String PROBE = "org.maskseg.releng.nodeprobe";
    static final List<String> CASES = List.of("2d-cells", "2d-files", "3d-cells", "3d-files");

    private static OsgiFramework osgi;
    private static Map<String, Object> probe;
    private static Throwable failure;

    @BeforeAll
    static void runProbe() throws Exception {
        Path work = OsgiFramework.work().resolveSibling("osgi-work-nodes");
        Path bundles = work.resolveSibling("osgi-nodes-bundles");
        OsgiFramework.deleteTree(bundles);
        List<Path> platform = KnimeBundles.platform(bundles, Path.of(System.getProperty("maskseg.imglib2.jar")));
        List<Path> extra = List.of(KnimeBundles.nodes(bundles), probeBundle(bundles.resolve(PROBE + ".jar")));
        // KNIME (and KNIP's ImgLib2) are installed and resolved before the extension, as in a KNIME installation;
        // KNIME runs on Eclipse's launcher, which lets bundles load javax.* (Swing for the dialogs) from the JDK
        osgi = OsgiFramework.launch(work, platform, extra, Map.of("osgi.compatibility.bootdelegation", "true"));
        Path engineCache = Files.createDirectories(work.resolve("engine-cache"));
        Path nodesWork = Files.createDirectories(work.resolve("nodes"));
        System.setProperty("ENGINE_CACHE_DIR", engineCache.toString());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader unrelated = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            // like a KNIME worker thread: the context class loader sees neither DJL nor MaskSeg
            thread.setContextClassLoader(unrelated);
            Class<?> probeClass = osgi.bundle(PROBE).loadClass(PROBE + ".NodesProbe");
            @SuppressWarnings("unchecked")
            Callable<Map<String, Object>> call = (Callable<Map<String, Object>>) probeClass
                    .getConstructor(Path.class, Map.class).newInstance(nodesWork, factories());
            probe = call.call();
        } catch (Throwable e) {
            // kept for the tests, so that the report names the error (e.g. a NoSuchMethodError) and where it occurred
            failure = e;
        } finally {
            thread.setContextClassLoader(previous);
            System.clearProperty("ENGINE_CACHE_DIR");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (osgi != null) {
            osgi.close();
            Path work = OsgiFramework.work().resolveSibling("osgi-work-nodes");
            OsgiFramework.deleteTree(work.resolve("engine-cache"));
            OsgiFramework.deleteTree(work.resolve("bundles"));
        }
    }

    /** The node factories plugin.xml declares, loaded by the node bundle as KNIME's node repository does. */
    private static Map<String, Object> factories() throws Exception {
        String xml = Files.readString(Path.of(System.getProperty("maskseg.knime.bundle")).resolve("plugin.xml"));
        Map<String, Object> factories = new TreeMap<>();
        Matcher m = Pattern.compile("factory-class=\"([^\"]+)\"").matcher(xml);
        while (m.find()) {
            factories.put(m.group(1), osgi.bundle(KnimeBundles.NODES).loadClass(m.group(1))
                    .getConstructor().newInstance());
        }
        return factories;
    }

    private static Manifest probeManifest() {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", PROBE);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Require-Bundle", String.join(",", "org.knime.core", "org.knime.knip.base", "imagej-common",
                "imglib2", "org.maskseg.core", KnimeBundles.NODES, KnimeBundles.TESTING));
        return m;
    }

    private static Path probeBundle(Path out) throws Exception {
        Path classes = OsgiFramework.testClasses();
        KnimeBundles.writeJar(out, probeManifest(),
                Map.of(classes, n -> n.startsWith(PROBE.replace('.', '/') + "/")));
        return out;
    }

    private static Map<String, Object> probe() {
        if (failure != null) {
            throw new AssertionError("the nodes failed inside the framework: " + failure, failure);
        }
        return probe;
    }

    @Test
    void everyBundleResolvesWithTheRealNodeManifest() {
        for (Bundle b : osgi.bundles.values()) {
            boolean fragment = b.getHeaders().get("Fragment-Host") != null;
            assertEquals(fragment ? Bundle.RESOLVED : Bundle.ACTIVE, b.getState(), b.getSymbolicName());
        }
        // the node bundle is wired by Require-Bundle to exactly the bundles its manifest names
        BundleWiring nodes = osgi.bundle(KnimeBundles.NODES).adapt(BundleWiring.class);
        Map<String, String> required = new TreeMap<>();
        for (BundleWire w : nodes.getRequiredWires("osgi.wiring.bundle")) {
            required.put(w.getProvider().getSymbolicName(), w.getProvider().getBundle().getVersion().toString());
        }
        assertEquals(List.of("imagej-common", "imglib2", "org.knime.core", "org.knime.knip.base", "org.maskseg.core"),
                List.copyOf(required.keySet()));
        assertEquals("5.8.0", required.get("imglib2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2d-cells", "2d-files", "3d-cells", "3d-files"})
    void annotatorTrainerAndPredictorRunInTheFramework(String c) {
        Map<String, Object> p = probe();
        if (p.containsKey(c + ".error")) {
            throw new AssertionError(c + ": " + p.get(c + ".error"));
        }
        assertTrue(((List<?>) p.get(c + ".annotatedColumns")).contains("Annotated labels"), c);
        // scribbles keep part of both classes and mark the rest with the ignore value (highest class + 1)
        assertEquals(List.of(0, 1, 2), p.get(c + ".annotatedValues"), c);
        assertEquals(2, p.get(c + ".classes"), c);
        assertEquals(c.substring(0, 2), p.get(c + ".configuration"), c);
        assertEquals(1L, p.get(c + ".statsRows"), c);
        assertEquals(3, p.get(c + ".rows"), c);
        List<?> columns = (List<?>) p.get(c + ".predictedColumns");
        assertTrue(columns.containsAll(List.of("image", "labels", "Predicted labels", "Class probabilities",
                "Mean foreground Dice")), c + " " + columns);
        for (Object size : (List<?>) p.get(c + ".predictedSizes")) {
            assertEquals(p.get(c + ".expectedSize"), size, c);
        }
        for (Object v : (List<?>) p.get(c + ".predictedValues")) {
            assertTrue((Integer) v == 0 || (Integer) v == 1, c + " predicted " + v);
        }
        assertEquals(List.of(2, 2, 2), p.get(c + ".probabilityChannels"), c);
        for (Object d : (List<?>) p.get(c + ".meanDice")) {
            double dice = (Double) d;
            assertTrue(dice >= 0 && dice <= 1, c + " Dice " + dice);
        }
    }
}
