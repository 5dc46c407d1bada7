package org.maskseg.releng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import aQute.bnd.header.OSGiHeader;

/**
 * What can be checked about the release without KNIME's update sites: the feature ships every bundle the
 * MaskSeg bundles need (directly or through other shipped bundles), the update site names the feature, and
 * versions agree between poms, manifests, feature, category and the release target platform.
 */
class ReleaseConsistencyTest {

    /** ImgLib2 as KNIME Image Processing 1.8.3 ships it (bundle {@code imglib2}); the nodes compile against it. */
    static final String KNIP_IMGLIB2 = "5.8.0";
    /** Bundles that the features the MaskSeg feature requires (KNIME base, KNIP) provide. */
    static final Set<String> PLATFORM_BUNDLES = Set.of("imagej-common", "imglib2");
    /** Name prefixes of bundles that KNIME Analytics Platform itself consists of (KNIME and Eclipse). */
    static final List<String> PLATFORM_PREFIXES = List.of("org.knime.", "org.eclipse.");
    /** Packages the KNIME platform provides beyond the JDK. */
    static final Set<String> PLATFORM_PACKAGES = Set.of("org.slf4j");

    private static Path repo;
    private static Document feature;
    private static Map<String, Element> featurePlugins;
    private static Map<String, BundleInfo> bundles;
    private static ReleaseTarget target;
    private static String version;

    @BeforeAll
    static void load() throws Exception {
        repo = OsgiFramework.repository();
        version = System.getProperty("maskseg.version");
        feature = xml(repo.resolve("features/org.maskseg.feature/feature.xml"));
        featurePlugins = new LinkedHashMap<>();
        NodeList plugins = feature.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element p = (Element) plugins.item(i);
            assertNull(featurePlugins.put(p.getAttribute("id"), p), "feature.xml lists " + p.getAttribute("id") + " twice");
        }
        target = ReleaseTarget.read(repo.resolve("releng/tycho/target-platform/maskseg-target.target"));

        // the bundles the release can ship: MaskSeg's two and everything of the target's Maven part
        bundles = new LinkedHashMap<>();
        add(manifest(repo.resolve("plugins/org.maskseg.knime/META-INF/MANIFEST.MF")));
        add(manifest(Path.of(System.getProperty("maskseg.core.bundle")).resolve("META-INF/MANIFEST.MF")));
        Path copied = Path.of(System.getProperty("maskseg.osgi.bundles"));
        for (ReleaseTarget.Artifact a : target.artifacts) {
            Path jar = copied.resolve(a.fileName());
            if (a.instructions() != null) {
                add(BundleWrapper.manifest(jar, a.instructions()));
            } else {
                try (JarFile j = new JarFile(jar.toFile())) {
                    add(j.getManifest());
                }
            }
        }
    }

    @Test
    void theFeatureShipsTheMaskSegBundlesAndOnlyBundlesTheBuildCanProvide() {
        assertTrue(featurePlugins.containsKey("org.maskseg.knime"));
        assertTrue(featurePlugins.containsKey("org.maskseg.core"));
        for (String id : featurePlugins.keySet()) {
            assertTrue(bundles.containsKey(id), "feature.xml includes " + id
                    + ", which is neither a MaskSeg bundle nor in the release target platform");
        }
    }

    @Test
    void everyRequirementOfAShippedBundleIsMetByTheFeatureTheJdkOrThePlatform() {
        Set<String> jdk = ModuleLayer.boot().modules().stream()
                .flatMap(m -> m.getDescriptor().exports().stream().filter(e -> !e.isQualified()).map(e -> e.source()))
                .collect(Collectors.toSet());
        Map<String, String> exporters = new LinkedHashMap<>();
        for (String id : featurePlugins.keySet()) {
            BundleInfo b = bundles.get(id);
            b.exports().forEach(p -> exporters.putIfAbsent(p, id));
        }
        List<String> missing = new ArrayList<>();
        for (String id : featurePlugins.keySet()) {
            BundleInfo b = bundles.get(id);
            for (String pkg : b.mandatoryImports()) {
                if (!jdk.contains(pkg) && !PLATFORM_PACKAGES.contains(pkg) && !exporters.containsKey(pkg)) {
                    missing.add(id + " imports " + pkg);
                }
            }
            for (String required : b.requiredBundles()) {
                if (PLATFORM_PREFIXES.stream().noneMatch(required::startsWith) && !PLATFORM_BUNDLES.contains(required)
                        && !featurePlugins.containsKey(required)) {
                    missing.add(id + " requires bundle " + required);
                }
            }
            if (b.fragmentHost() != null && !featurePlugins.containsKey(b.fragmentHost())) {
                missing.add(id + " is a fragment of " + b.fragmentHost());
            }
        }
        assertEquals(List.of(), missing, "requirements no shipped bundle satisfies");
    }

    @Test
    void everyLibraryOfTheEngineIsShipped() {
        // the engine's Maven dependencies, as bundles; the test fails when a dependency is added to the
        // engine and forgotten in the feature
        Set<String> needed = new TreeSet<>(Set.of("ai.djl.api", "ai.djl.pytorch.engine", "ai.djl.pytorch.jni",
                "ai.djl.pytorch.native.cpu.linux.x86_64", "ai.djl.pytorch.native.cpu.linux.aarch64",
                "ai.djl.pytorch.native.cpu.win32.x86_64", "ai.djl.pytorch.native.cpu.macosx.aarch64",
                "org.jfree.jfreechart",
                "com.fasterxml.jackson.core.jackson-databind", "com.fasterxml.jackson.core.jackson-core",
                "com.fasterxml.jackson.core.jackson-annotations", "com.google.gson", "com.sun.jna",
                "org.apache.commons.commons-compress"));
        needed.removeAll(featurePlugins.keySet());
        assertEquals(Set.of(), needed, "engine libraries missing from feature.xml");
        Set<String> targetBundles = new TreeSet<>(bundles.keySet());
        targetBundles.removeAll(featurePlugins.keySet());
        assertEquals(Set.of(), targetBundles, "bundles in the release target platform that the feature does not ship");
    }

    @Test
    void onlyTheNodesUseImgLib2AndOnlyTheOneKnipShips() {
        assertEquals(List.of(), bundles.get("org.maskseg.core").mandatoryImports().stream()
                .filter(p -> p.startsWith("net.imglib2")).toList(), "the engine imports ImgLib2 packages");
        assertEquals(List.of(), featurePlugins.keySet().stream().filter(id -> id.contains("imglib2")).toList(),
                "the feature ships an ImgLib2 bundle; the nodes must use KNIME Image Processing's");
        assertEquals(List.of(), target.artifacts.stream().filter(a -> a.artifactId().equals("imglib2"))
                .map(ReleaseTarget.Artifact::coordinates).toList(), "the release target platform wraps ImgLib2");
        assertTrue(bundles.get("org.maskseg.knime").requiredBundles().contains("imglib2"),
                "the node bundle requires KNIME Image Processing's bundle imglib2");
        assertEquals(KNIP_IMGLIB2, System.getProperty("maskseg.imglib2.version"),
                "the default build compiles the nodes against another ImgLib2 than KNIME Image Processing ships");
    }

    @Test
    void fragmentsAndPlatformSpecificBundlesAreMarkedInTheFeature() {
        for (Map.Entry<String, Element> e : featurePlugins.entrySet()) {
            boolean fragment = bundles.get(e.getKey()).fragmentHost() != null;
            assertEquals(fragment, "true".equals(e.getValue().getAttribute("fragment")), e.getKey() + ": fragment attribute");
        }
        // one libtorch fragment per platform, each limited to its platform in the target and in the feature
        // (PlatformFragmentsTest checks that DJL selects each on its platform)
        List<ReleaseTarget.Artifact> natives = target.artifacts.stream()
                .filter(a -> a.artifactId().equals("pytorch-native-cpu")).toList();
        assertTrue(natives.size() >= 3, "libtorch fragments: " + natives);
        for (ReleaseTarget.Artifact a : natives) {
            String[] osArch = switch (a.classifier()) {
                case "linux-x86_64" -> new String[] {"linux", "x86_64"};
                case "linux-aarch64" -> new String[] {"linux", "aarch64"};
                case "win-x86_64" -> new String[] {"win32", "x86_64"};
                case "osx-aarch64" -> new String[] {"macosx", "aarch64"};
                default -> throw new AssertionError("unexpected libtorch classifier " + a.classifier());
            };
            String id = "ai.djl.pytorch.native.cpu." + osArch[0] + "." + osArch[1];
            assertTrue(a.instructions().contains("Bundle-SymbolicName: " + id + "\n"), a.coordinates());
            assertTrue(a.instructions().contains("Eclipse-PlatformFilter: (&(osgi.os=" + osArch[0] + ")(osgi.arch="
                    + osArch[1] + "))"), a.coordinates());
            Element entry = featurePlugins.get(id);
            assertNotNull(entry, id + " missing from feature.xml");
            assertEquals(osArch[0], entry.getAttribute("os"), id);
            assertEquals(osArch[1], entry.getAttribute("arch"), id);
        }
        // every platform-specific entry of the feature is one of them
        for (Map.Entry<String, Element> e : featurePlugins.entrySet()) {
            if (!e.getValue().getAttribute("os").isEmpty() || !e.getValue().getAttribute("arch").isEmpty()) {
                assertTrue(e.getKey().startsWith("ai.djl.pytorch.native.cpu."), e.getKey() + " is platform-specific");
            }
        }
    }

    @Test
    void theFeatureRequiresKnimeAndKnipAtTheVersionsTheNodeBundleNeeds() throws Exception {
        Map<String, Element> imports = new LinkedHashMap<>();
        NodeList list = feature.getElementsByTagName("import");
        for (int i = 0; i < list.getLength(); i++) {
            Element imp = (Element) list.item(i);
            imports.put(imp.getAttribute("feature"), imp);
        }
        Manifest knime = manifest(repo.resolve("plugins/org.maskseg.knime/META-INF/MANIFEST.MF"));
        var required = OSGiHeader.parseHeader(knime.getMainAttributes().getValue("Require-Bundle"));
        assertEquals("[5.3.0,6.0.0)", required.get("org.knime.core").get("bundle-version"));
        Element base = imports.get("org.knime.features.base");
        assertNotNull(base, "feature.xml must require org.knime.features.base");
        assertEquals("5.3.0", base.getAttribute("version"));
        assertEquals("greaterOrEqual", base.getAttribute("match"));
        assertNotNull(imports.get("org.knime.knip.feature"), "feature.xml must require KNIME Image Processing");
        assertTrue(required.get("org.knime.knip.base").get("bundle-version")
                .startsWith("[" + imports.get("org.knime.knip.feature").getAttribute("version")));
        // both required features are in the release target platform
        Set<String> units = target.p2.stream().flatMap(l -> l.units().stream()).collect(Collectors.toSet());
        for (String f : imports.keySet()) {
            assertTrue(units.contains(f + ".feature.group"), f + " is not in the release target platform");
        }
        Set<String> sites = target.p2.stream().map(ReleaseTarget.P2Location::repository).collect(Collectors.toSet());
        assertEquals(Set.of("https://update.knime.com/analytics-platform/5.3",
                "https://update.knime.com/community-contributions/trusted/5.3"), sites);
    }

    @Test
    void theUpdateSiteCategoryNamesTheFeature() throws Exception {
        Document category = xml(repo.resolve("update-site/category.xml"));
        Element f = (Element) category.getElementsByTagName("feature").item(0);
        assertEquals(1, category.getElementsByTagName("feature").getLength());
        assertEquals(feature.getDocumentElement().getAttribute("id"), f.getAttribute("id"));
        assertEquals(feature.getDocumentElement().getAttribute("version"), f.getAttribute("version"));
        Element def = (Element) category.getElementsByTagName("category-def").item(0);
        assertEquals("MaskSeg", def.getAttribute("label"));
        assertEquals(def.getAttribute("name"), ((Element) f.getElementsByTagName("category").item(0)).getAttribute("name"));
    }

    @Test
    void versionsAgreeBetweenPomsManifestsFeatureAndTarget() throws Exception {
        assertTrue(version.endsWith("-SNAPSHOT"), version);
        String osgi = version.replace("-SNAPSHOT", ".qualifier");
        assertEquals("org.maskseg.feature", feature.getDocumentElement().getAttribute("id"));
        assertEquals(osgi, feature.getDocumentElement().getAttribute("version"));
        assertEquals(osgi, bundles.get("org.maskseg.knime").version());
        // the engine is built by bnd: SNAPSHOT (or the release's timestamp) in place of Tycho's qualifier
        assertEquals(version.replace("-SNAPSHOT", ""), bundles.get("org.maskseg.core").version().replaceAll("\\.[^.]+$", ""));

        // the release build's poms all carry the project's version
        for (String pom : List.of("releng/tycho/pom.xml", "releng/tycho/target-platform/pom.xml",
                "plugins/org.maskseg.knime/release-pom.xml", "features/org.maskseg.feature/pom.xml",
                "update-site/pom.xml")) {
            Document d = xml(repo.resolve(pom));
            Element project = d.getDocumentElement();
            String v = child(project, "version");
            if (v == null) {
                v = child(child(project, "parent", true), "version");
            }
            assertEquals(version, v, pom);
        }
        // ... and name modules that exist
        Document release = xml(repo.resolve("releng/tycho/pom.xml"));
        NodeList modules = release.getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
            Path m = repo.resolve("releng/tycho").resolve(modules.item(i).getTextContent().trim()).normalize();
            assertTrue(Files.isRegularFile(m) || Files.isRegularFile(m.resolve("pom.xml")), "release module " + m);
        }

        // Maven versions in the target equal the default build's, and wrapped bundles carry them
        Map<String, String> expected = Map.of("api", System.getProperty("maskseg.djl.version"),
                "pytorch-engine", System.getProperty("maskseg.djl.version"),
                "pytorch-jni", System.getProperty("maskseg.pytorch.version") + "-" + System.getProperty("maskseg.djl.version"),
                "pytorch-native-cpu", System.getProperty("maskseg.pytorch.version"),
                "jackson-databind", System.getProperty("maskseg.jackson.version"),
                "jackson-core", System.getProperty("maskseg.jackson.version"),
                "jackson-annotations", System.getProperty("maskseg.jackson.version"));
        for (ReleaseTarget.Artifact a : target.artifacts) {
            if (expected.containsKey(a.artifactId())) {
                assertEquals(expected.get(a.artifactId()), a.version(), a.coordinates());
            }
            if (a.instructions() != null) {
                String bundleVersion = a.instructions().lines().filter(l -> l.startsWith("Bundle-Version:"))
                        .map(l -> l.substring("Bundle-Version:".length()).trim()).findFirst().orElseThrow();
                String mavenRelease = a.version().replaceAll("-.*", "");
                assertTrue(bundleVersion.startsWith(mavenRelease), a.coordinates() + " wrapped as " + bundleVersion);
            }
        }
    }

    private static void add(Manifest m) {
        BundleInfo b = BundleInfo.of(m);
        if (bundles.put(b.symbolicName(), b) != null) {
            fail("two bundles named " + b.symbolicName());
        }
    }

    private static Manifest manifest(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return new Manifest(in);
        }
    }

    private static Document xml(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    private static String child(Element parent, String tag) {
        Element e = child(parent, tag, false);
        return e == null ? null : e.getTextContent().trim();
    }

    private static Element child(Element parent, String tag, boolean required) {
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && e.getTagName().equals(tag)) {
                return e;
            }
        }
        if (required) {
            fail("<" + tag + "> missing in <" + parent.getTagName() + ">");
        }
        return null;
    }
}
