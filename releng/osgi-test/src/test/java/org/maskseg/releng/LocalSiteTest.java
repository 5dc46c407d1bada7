package org.maskseg.releng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The p2 repository that releng/build-local-site.sh builds with Tycho in the default build (everything of the
 * release except the node bundle and the feature's requirement of KNIME): it holds every bundle of feature.xml
 * but the node bundle, and p2 installs each libtorch fragment on its platform only.
 */
class LocalSiteTest {

    private static Path site;
    private static Document content;
    private static Set<String> featurePlugins;

    @BeforeAll
    static void load() throws Exception {
        Assumptions.assumeFalse(Boolean.getBoolean("maskseg.localSite.skip"), "local site build skipped");
        site = Path.of(System.getProperty("maskseg.local.site")).resolve("site/target/repository");
        assertTrue(Files.isDirectory(site), site + " missing: releng/build-local-site.sh did not run");
        try (JarFile j = new JarFile(site.resolve("content.jar").toFile())) {
            content = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(j.getInputStream(j.getEntry("content.xml")));
        }
        featurePlugins = new TreeSet<>();
        NodeList plugins = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(OsgiFramework.repository().resolve("features/org.maskseg.feature/feature.xml").toFile())
                .getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            featurePlugins.add(((Element) plugins.item(i)).getAttribute("id"));
        }
    }

    @Test
    void theSiteHoldsEveryBundleOfTheFeatureButTheNodes() throws Exception {
        Set<String> expected = new TreeSet<>(featurePlugins);
        expected.remove("org.maskseg.knime");
        Set<String> inSite;
        try (Stream<Path> jars = Files.list(site.resolve("plugins"))) {
            inSite = jars.map(p -> p.getFileName().toString().replaceAll("_\\d+\\.\\d+\\.\\d+.*\\.jar$", "")).collect(Collectors.toSet());
        }
        assertEquals(expected, new TreeSet<>(inSite));
        try (Stream<Path> features = Files.list(site.resolve("features"))) {
            assertEquals(1, features.filter(p -> p.getFileName().toString().startsWith("org.maskseg.feature_")).count());
        }
        try (Stream<Path> zips = Files.list(site.getParent())) {
            assertEquals(1, zips.filter(p -> p.getFileName().toString().endsWith(".zip")).count(), "zipped site");
        }
    }

    @Test
    void eachLibtorchFragmentIsInstalledOnItsPlatformOnly() throws Exception {
        // the feature group's requirements and their p2 filters
        Map<String, String> filters = new HashMap<>();
        NodeList units = content.getElementsByTagName("unit");
        Element group = null;
        for (int i = 0; i < units.getLength(); i++) {
            Element u = (Element) units.item(i);
            if (u.getAttribute("id").equals("org.maskseg.feature.feature.group")) {
                group = u;
            }
        }
        assertNotNull(group, "no feature group in the site");
        NodeList required = group.getElementsByTagName("required");
        for (int i = 0; i < required.getLength(); i++) {
            Element r = (Element) required.item(i);
            NodeList f = r.getElementsByTagName("filter");
            filters.put(r.getAttribute("name"), f.getLength() == 0 ? "" : f.item(0).getTextContent().trim());
        }
        for (PlatformFragmentsTest.Machine m : PlatformFragmentsTest.MACHINES) {
            assertEquals("(&(osgi.arch=" + m.osgiArch() + ")(osgi.os=" + m.osgiOs() + "))", filters.get(m.fragment()),
                    m.fragment());
            Path jar;
            try (Stream<Path> jars = Files.list(site.resolve("plugins"))) {
                jar = jars.filter(p -> p.getFileName().toString().startsWith(m.fragment() + "_")).findFirst().orElseThrow();
            }
            try (JarFile j = new JarFile(jar.toFile())) {
                assertEquals("(&(osgi.os=" + m.osgiOs() + ")(osgi.arch=" + m.osgiArch() + "))",
                        j.getManifest().getMainAttributes().getValue("Eclipse-PlatformFilter"));
                assertNotNull(j.getEntry("native/lib/pytorch.properties"));
            }
        }
        for (String id : featurePlugins) {
            if (!id.startsWith("ai.djl.pytorch.native.") && !id.equals("org.maskseg.knime")) {
                assertEquals("", filters.getOrDefault(id, ""), id + " must be installed on every platform");
            }
        }
    }
}
