package org.maskseg.releng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.maskseg.core.engine.TorchRuntime;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import ai.djl.util.Platform;

/**
 * The libtorch fragments of the release, one per platform: for each, the platform that DJL computes on a machine
 * of that kind must be the one in the fragment's {@code native/lib/pytorch.properties}, the fragment's
 * {@code Eclipse-PlatformFilter} (what lets only it resolve inside KNIME) and the feature's os/arch must select
 * exactly that machine, and the JNI fragment must carry the glue for it. The other platforms' machines are
 * described by the values their JVMs and Equinox report; only the running platform is checked against the live
 * JVM, DJL and Equinox.
 */
class PlatformFragmentsTest {

    /**
     * A machine kind: the JVM's os.name and os.arch there, the OSGi osgi.os and osgi.arch Equinox derives from
     * them, the DJL classifier of its native jar (null: none published) and the JNI library's file name.
     */
    record Machine(String osName, String osArch, String osgiOs, String osgiArch, String classifier, String jni) {

        String fragment() {
            return "ai.djl.pytorch.native.cpu." + osgiOs + "." + osgiArch;
        }

        Map<String, Object> osgi() {
            return Map.of("osgi.os", osgiOs, "osgi.arch", osgiArch);
        }
    }

    static final List<Machine> MACHINES = List.of(
            new Machine("Linux", "amd64", "linux", "x86_64", "linux-x86_64", "libdjl_torch.so"),
            new Machine("Linux", "aarch64", "linux", "aarch64", "linux-aarch64", "libdjl_torch.so"),
            new Machine("Windows 11", "amd64", "win32", "x86_64", "win-x86_64", "djl_torch.dll"),
            new Machine("Mac OS X", "aarch64", "macosx", "aarch64", "osx-aarch64", "libdjl_torch.dylib"));

    /** Intel Macs: DJL publishes no pytorch-native-cpu 2.7.1 for osx-x86_64; they need a local libtorch. */
    static final Machine INTEL_MAC = new Machine("Mac OS X", "x86_64", "macosx", "x86_64", null, "libdjl_torch.dylib");

    private static Path copied;
    private static ReleaseTarget target;
    private static Map<String, Element> featurePlugins;

    @BeforeAll
    static void load() throws Exception {
        copied = Path.of(System.getProperty("maskseg.osgi.bundles"));
        Path repo = OsgiFramework.repository();
        target = ReleaseTarget.read(repo.resolve("releng/tycho/target-platform/maskseg-target.target"));
        featurePlugins = new HashMap<>();
        NodeList plugins = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(repo.resolve("features/org.maskseg.feature/feature.xml").toFile()).getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element p = (Element) plugins.item(i);
            featurePlugins.put(p.getAttribute("id"), p);
        }
    }

    static List<Machine> machines() {
        return MACHINES;
    }

    private static ReleaseTarget.Artifact nativeArtifact(String classifier) {
        return target.artifacts.stream()
                .filter(a -> a.artifactId().equals("pytorch-native-cpu") && classifier.equals(a.classifier()))
                .findFirst().orElseThrow(() -> new AssertionError("no pytorch-native-cpu:" + classifier + " in the target"));
    }

    @Test
    void theTargetAndTheFeatureHaveOneFragmentPerPublishedPlatform() {
        Set<String> inTarget = target.artifacts.stream().filter(a -> a.artifactId().equals("pytorch-native-cpu"))
                .map(ReleaseTarget.Artifact::classifier).collect(Collectors.toSet());
        assertEquals(MACHINES.stream().map(Machine::classifier).collect(Collectors.toSet()), inTarget);
        Set<String> inFeature = featurePlugins.keySet().stream().filter(id -> id.startsWith("ai.djl.pytorch.native."))
                .collect(Collectors.toSet());
        assertEquals(MACHINES.stream().map(Machine::fragment).collect(Collectors.toSet()), inFeature);
    }

    @ParameterizedTest
    @MethodSource("machines")
    void djlOnThatMachineSelectsTheFragmentAndOnlyItResolvesThere(Machine m) throws Exception {
        ReleaseTarget.Artifact artifact = nativeArtifact(m.classifier());
        Path jar = copied.resolve(artifact.fileName());

        // what DJL reads from the fragment
        Properties props = new Properties();
        try (JarFile j = new JarFile(jar.toFile())) {
            props.load(j.getInputStream(j.getEntry(TorchRuntime.NATIVE_PROPERTIES)));
            assertEquals(m.classifier(), props.getProperty("classifier"), jar.toString());
            assertEquals("cpu", props.getProperty("flavor"));
            assertTrue(props.getProperty("version").startsWith(System.getProperty("maskseg.pytorch.version") + "-"),
                    props.getProperty("version"));
            // DJL extracts pytorch/<flavor>/<classifier>/<library> for every listed library
            for (String lib : props.getProperty("libraries").split(",")) {
                assertNotNull(j.getEntry("pytorch/cpu/" + m.classifier() + "/" + lib), jar + " lacks " + lib);
            }
        }

        // the classifier DJL computes on that machine, and DJL's own matching of the fragment against it
        assertEquals(m.classifier(), TorchRuntime.nativeClassifier(m.osName(), m.osArch()));
        Object fragment = djlPlatform(new URL("jar:" + jar.toUri() + "!/" + TorchRuntime.NATIVE_PROPERTIES));
        for (Machine other : MACHINES) {
            assertEquals(other.equals(m), djlMatches(fragment, other), m.classifier() + " on " + other.classifier());
        }
        assertFalse(djlMatches(fragment, INTEL_MAC));

        // the platform filter the release wraps it with: only that machine resolves it
        Manifest manifest = BundleWrapper.manifest(jar, artifact.instructions());
        assertEquals(m.fragment(), manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME));
        assertTrue(manifest.getMainAttributes().getValue(Constants.FRAGMENT_HOST).startsWith("ai.djl.pytorch.engine;"));
        String filter = manifest.getMainAttributes().getValue("Eclipse-PlatformFilter");
        assertEquals("(&(osgi.os=" + m.osgiOs() + ")(osgi.arch=" + m.osgiArch() + "))", filter);
        for (Machine other : List.of(MACHINES.get(0), MACHINES.get(1), MACHINES.get(2), MACHINES.get(3), INTEL_MAC)) {
            assertEquals(other.equals(m), FrameworkUtil.createFilter(filter).matches(other.osgi()),
                    m.fragment() + " on " + other.osgiOs() + "/" + other.osgiArch());
        }

        // the feature installs it only there
        Element entry = featurePlugins.get(m.fragment());
        assertNotNull(entry, m.fragment() + " missing from feature.xml");
        assertEquals(m.osgiOs(), entry.getAttribute("os"));
        assertEquals(m.osgiArch(), entry.getAttribute("arch"));
        assertEquals("true", entry.getAttribute("fragment"));

        // the JNI fragment (all platforms) carries the glue DJL extracts: jnilib/<classifier>/<flavor>/<library>
        ReleaseTarget.Artifact jni = target.artifacts.stream().filter(a -> a.artifactId().equals("pytorch-jni"))
                .findFirst().orElseThrow();
        try (JarFile j = new JarFile(copied.resolve(jni.fileName()).toFile())) {
            assertNotNull(j.getEntry("jnilib/" + m.classifier() + "/cpu/" + m.jni()), "JNI library for " + m.classifier());
        }
    }

    @Test
    void noFragmentServesIntelMacs() {
        assertEquals("osx-x86_64", TorchRuntime.nativeClassifier(INTEL_MAC.osName(), INTEL_MAC.osArch()));
        assertTrue(target.artifacts.stream().noneMatch(a -> "osx-x86_64".equals(a.classifier())));
    }

    @Test
    void theRunningMachineIsDescribedAsJvmDjlAndEquinoxSeeIt() throws Exception {
        String classifier = TorchRuntime.nativeClassifier();
        assertEquals(Platform.fromSystem("pytorch").getClassifier(), classifier, "MaskSeg and DJL disagree");
        Machine here = MACHINES.stream().filter(m -> m.classifier().equals(classifier)).findFirst()
                .orElseThrow(() -> new AssertionError("no fragment for the running machine " + classifier));
        assertEquals(here.osArch(), System.getProperty("os.arch"));
        assertTrue(System.getProperty("os.name").startsWith(here.osName().replaceAll(" \\d+$", "")));

        Path storage = Files.createDirectories(OsgiFramework.work().resolveSibling("platform-test-storage"));
        Map<String, String> config = Map.of(Constants.FRAMEWORK_STORAGE, storage.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow().newFramework(config);
        framework.start();
        try {
            assertEquals(here.osgiOs(), framework.getBundleContext().getProperty("osgi.os"));
            assertEquals(here.osgiArch(), framework.getBundleContext().getProperty("osgi.arch"));
        } finally {
            framework.stop();
            framework.waitForStop(30_000);
            OsgiFramework.deleteTree(storage);
        }
    }

    /** DJL's parsing of a pytorch.properties (package-private {@code Platform.fromUrl}). */
    private static Object djlPlatform(URL properties) throws Exception {
        Method fromUrl = Platform.class.getDeclaredMethod("fromUrl", URL.class);
        fromUrl.setAccessible(true);
        return fromUrl.invoke(null, properties);
    }

    /**
     * DJL's {@code Platform.matches} of a fragment against the platform DJL computes on a CPU-only machine of
     * the given kind (built from a description with that machine's classifier and the flavour cpu, which is what
     * {@code Platform.fromSystem} yields there).
     */
    private static boolean djlMatches(Object fragment, Machine machine) throws Exception {
        Path f = Files.createTempFile("system-platform", ".properties");
        try {
            Files.writeString(f, "version=0\nflavor=cpu\nclassifier="
                    + TorchRuntime.nativeClassifier(machine.osName(), machine.osArch()) + "\n");
            Platform system = (Platform) djlPlatform(f.toUri().toURL());
            return ((Platform) fragment).matches(system);
        } finally {
            Files.delete(f);
        }
    }
}
