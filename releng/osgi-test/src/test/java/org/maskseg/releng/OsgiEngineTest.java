package org.maskseg.releng;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.namespace.HostNamespace;

/**
 * The engine inside a real OSGi framework, as in KNIME: DJL must find its engine provider and the bundled
 * libtorch through bundle class loaders, and training and prediction must run through the engine bundle.
 */
class OsgiEngineTest {

    private static OsgiFramework osgi;
    private static Map<String, Object> probe;
    private static Path engineCache;
    private static Path trainingFolder;

    @BeforeAll
    static void runProbe() throws Exception {
        osgi = OsgiFramework.launch();
        // a fresh cache proves that libtorch is extracted from the fragment inside the framework
        engineCache = Files.createDirectories(OsgiFramework.work().resolve("engine-cache"));
        trainingFolder = Files.createDirectories(OsgiFramework.work().resolve("training"));
        System.setProperty("ENGINE_CACHE_DIR", engineCache.toString());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // like a KNIME worker thread: the context class loader sees no DJL class or resource
        try (URLClassLoader unrelated = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            thread.setContextClassLoader(unrelated);
            Class<?> probeClass = osgi.bundle(OsgiFramework.PROBE_BUNDLE).loadClass("org.maskseg.releng.probe.EngineProbe");
            @SuppressWarnings("unchecked")
            Callable<Map<String, Object>> call = (Callable<Map<String, Object>>) probeClass
                    .getConstructor(Path.class).newInstance(trainingFolder);
            probe = call.call();
        } finally {
            thread.setContextClassLoader(previous);
            System.clearProperty("ENGINE_CACHE_DIR");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (osgi != null) {
            osgi.close();
        }
        // the extracted and the wrapped libtorch take about 900 MB; the training output stays for inspection
        OsgiFramework.deleteTree(OsgiFramework.work().resolve("engine-cache"));
        OsgiFramework.deleteTree(OsgiFramework.work().resolve("bundles"));
    }

    @Test
    void everyBundleIsActiveAndTheNativeFragmentsAttachToTheEngine() {
        for (Bundle b : osgi.bundles.values()) {
            boolean fragment = b.getHeaders().get("Fragment-Host") != null;
            assertEquals(fragment ? Bundle.RESOLVED : Bundle.ACTIVE, b.getState(), b.getSymbolicName());
        }
        BundleWiring engine = osgi.bundle("ai.djl.pytorch.engine").adapt(BundleWiring.class);
        List<String> fragments = engine.getProvidedWires(HostNamespace.HOST_NAMESPACE).stream()
                .map(BundleWire::getRequirer).map(r -> r.getSymbolicName()).sorted().toList();
        assertEquals(List.of("ai.djl.pytorch.jni", "ai.djl.pytorch.native.cpu.linux.x86_64"), fragments);
    }

    @Test
    void theEngineBundleImportsDjlFromTheWrappedBundles() {
        BundleWiring core = osgi.bundle("org.maskseg.core").adapt(BundleWiring.class);
        Map<String, String> providers = new java.util.TreeMap<>();
        for (BundleWire w : core.getRequiredWires("osgi.wiring.package")) {
            providers.put((String) w.getCapability().getAttributes().get("osgi.wiring.package"),
                    w.getProvider().getSymbolicName());
        }
        assertEquals("ai.djl.api", providers.get("ai.djl.ndarray"));
        assertEquals("ai.djl.pytorch.engine", providers.get("ai.djl.pytorch.engine"));
        assertEquals("com.fasterxml.jackson.core.jackson-databind", providers.get("com.fasterxml.jackson.databind"));
        assertEquals("org.jfree.jfreechart", providers.get("org.jfree.chart"));
        // images cross the engine's API as plain arrays: whichever ImgLib2 KNIME Image Processing ships, the
        // engine is never wired to it
        assertEquals(List.of(), providers.keySet().stream().filter(p -> p.startsWith("net.imglib2")).toList(),
                "the engine imports ImgLib2");
    }

    @Test
    void djlFindsThePyTorchEngineThroughTheBundles() throws Exception {
        assertEquals("PyTorch", probe.get("engineName"));
        assertEquals(System.getProperty("maskseg.pytorch.version"), probe.get("engineVersion"));
        Class<?> engineClass = (Class<?>) probe.get("engineClass");
        assertEquals("ai.djl.pytorch.engine", FrameworkUtil.getBundle(engineClass).getSymbolicName());
        // libtorch and the JNI glue came out of the two fragments into the fresh cache, not from an earlier run
        List<String> extracted;
        try (Stream<Path> files = Files.walk(engineCache)) {
            extracted = files.map(p -> p.getFileName().toString()).toList();
        }
        assertTrue(extracted.contains("libtorch_cpu.so"), "libtorch not extracted into " + engineCache + ": " + extracted);
        assertTrue(extracted.stream().anyMatch(n -> n.endsWith("libdjl_torch.so")),
                "JNI library not extracted into " + engineCache + ": " + extracted);
    }

    @Test
    void theEmbeddedCheckpointReaderRefusesForeignPickles() {
        String message = (String) probe.get("nnunetImport");
        assertTrue(message.contains("'os.system'") && message.contains("refused"), message);
    }

    @Test
    void aMatrixProductRunsOnTheBundledLibtorch() {
        // [[1,2],[3,4]]^2 = [[7,10],[15,22]]
        assertArrayEquals(new float[] {7, 10, 15, 22}, (float[]) probe.get("matMul"));
    }

    @Test
    void aTrainingJobRunsAndWritesItsModelCheckpointAndCurves() {
        assertEquals(1, probe.get("epochs"));
        assertEquals(2, probe.get("classes"));
        for (String loss : List.of("trainLoss", "validationLoss")) {
            double v = (Double) probe.get(loss);
            assertTrue(Double.isFinite(v), loss + " " + v);
        }
        // Jackson (model and checkpoint) and JFreeChart (curve) worked inside the framework
        for (String file : List.of("model_best.zip", "checkpoint_latest.zip", "training-curve.csv", "training-curve.png")) {
            assertTrue(Files.isRegularFile(trainingFolder.resolve(file)), file + " not written");
        }
    }

    @Test
    void theModelReadBackFromItsFilePredictsEveryPixel() {
        assertArrayEquals(new long[] {32, 32}, (long[]) probe.get("predictionSize"));
        int[] labels = (int[]) probe.get("predictionLabels");
        assertEquals(32 * 32, labels.length);
        for (int v : labels) {
            assertTrue(v == 0 || v == 1, "predicted label " + v);
        }
    }
}
