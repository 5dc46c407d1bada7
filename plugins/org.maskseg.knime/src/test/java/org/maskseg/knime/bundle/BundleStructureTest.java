package org.maskseg.knime.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.knime.core.data.filestore.FileStorePortObject;
import org.knime.core.node.DataAwareNodeDialogPane;
import org.knime.core.node.NodeFactory;
import org.knime.core.node.NodeTestAccess;
import org.knime.core.node.defaultnodesettings.DefaultNodeSettingsPane;
import org.knime.core.node.port.AbstractSimplePortObjectSpec.AbstractSimplePortObjectSpecSerializer;
import org.knime.core.node.port.PortObject.PortObjectSerializer;
import org.maskseg.knime.NodeTestData;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What KNIME checks only when the bundle is installed: plugin.xml and the manifest name real classes, every node has
 * a description valid against KNIME's schema and an icon, and the description documents every port.
 */
class BundleStructureTest {

    private static final Path BUNDLE = Path.of("").toAbsolutePath();

    private static Document pluginXml() throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(BUNDLE.resolve("plugin.xml").toFile());
    }

    private static List<Element> elements(final Document d, final String tag) {
        NodeList nodes = d.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element)nodes.item(i));
        }
        return out;
    }

    static List<String> factoryClasses() throws Exception {
        return elements(pluginXml(), "node").stream().map(e -> e.getAttribute("factory-class")).toList();
    }

    @Test
    void pluginXmlRegistersTheCategoryAndSixNodes() throws Exception {
        Document d = pluginXml();
        List<Element> categories = elements(d, "category");
        assertEquals(1, categories.size());
        Element category = categories.get(0);
        assertEquals("MaskSeg", category.getAttribute("name"));
        String path = category.getAttribute("path") + "/" + category.getAttribute("level-id");
        assertTrue(Files.isRegularFile(BUNDLE.resolve(category.getAttribute("icon"))));
        List<Element> nodes = elements(d, "node");
        assertEquals(6, nodes.size());
        for (Element n : nodes) {
            assertEquals(path, n.getAttribute("category-path"), n.getAttribute("factory-class"));
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFactoryExistsAndBuildsItsModelAndDialog() throws Exception {
        return factoryClasses().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Class<?> c = Class.forName(name);
            assertTrue(NodeFactory.class.isAssignableFrom(c), name + " is not a NodeFactory");
            NodeFactory<?> f = (NodeFactory<?>)c.getDeclaredConstructor().newInstance();
            assertNotNull(f.createNodeModel());
            // as many views as the description documents
            String xml;
            try (var in = c.getResourceAsStream(c.getSimpleName() + ".xml")) {
                xml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            int documented = xml.split("<view ", -1).length - 1;
            assertEquals(documented, NodeTestAccess.viewCount(f), name + ": views documented " + documented);
            assertTrue(NodeTestAccess.hasDialog(f));
            var dialog = NodeTestAccess.dialog(f);
            assertTrue(dialog instanceof DefaultNodeSettingsPane || dialog instanceof DataAwareNodeDialogPane,
                name + " builds a settings or data-aware dialog");
        }));
    }

    @Test
    void portTypeClassesExist() throws Exception {
        Element p = elements(pluginXml(), "portType").get(0);
        Class<?> object = Class.forName(p.getAttribute("objectClass"));
        assertTrue(FileStorePortObject.class.isAssignableFrom(object));
        assertTrue(PortObjectSerializer.class.isAssignableFrom(Class.forName(p.getAttribute("objectSerializer"))));
        Class.forName(p.getAttribute("specClass")).getConstructor();
        assertTrue(AbstractSimplePortObjectSpecSerializer.class
            .isAssignableFrom(Class.forName(p.getAttribute("specSerializer"))));
    }

    @TestFactory
    Stream<DynamicTest> descriptionsAreValidAndComplete() throws Exception {
        Path xsd = NodeTestData.shared().resolve("knime/schema/Node_v4.1.xsd");
        SchemaFactory sf = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        javax.xml.validation.Schema schema = sf.newSchema(xsd.toFile());
        return factoryClasses().stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            String resource = "/" + name.replace('.', '/') + ".xml";
            try (InputStream in = getClass().getResourceAsStream(resource)) {
                assertNotNull(in, "description " + resource + " is not on the class path next to the factory");
                Validator v = schema.newValidator();
                v.validate(new StreamSource(in, resource));
            }
            DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
            dbf.setNamespaceAware(true);
            Document d;
            try (InputStream in = getClass().getResourceAsStream(resource)) {
                d = dbf.newDocumentBuilder().parse(in);
            }
            Element root = d.getDocumentElement();
            String icon = root.getAttribute("icon");
            Path iconFile = BUNDLE.resolve("src/main/java/" + name.substring(0, name.lastIndexOf('.')).replace('.', '/'))
                .resolve(icon);
            assertTrue(Files.isRegularFile(iconFile), "icon " + iconFile);
            var img = ImageIO.read(iconFile.toFile());
            assertEquals(16, img.getWidth());
            assertEquals(16, img.getHeight());

            NodeFactory<?> f = (NodeFactory<?>)Class.forName(name).getDeclaredConstructor().newInstance();
            var model = f.createNodeModel();
            assertEquals(NodeTestAccess.inPortTypes(model).length,
                d.getElementsByTagNameNS("*", "inPort").getLength(), "every input port documented");
            assertEquals(NodeTestAccess.outPortTypes(model).length,
                d.getElementsByTagNameNS("*", "outPort").getLength(), "every output port documented");
            assertTrue(d.getElementsByTagNameNS("*", "intro").item(0).getTextContent().length() > 400,
                "the introduction explains the node");
            NodeList options = d.getElementsByTagNameNS("*", "option");
            Set<String> names = new HashSet<>();
            for (int i = 0; i < options.getLength(); i++) {
                Element o = (Element)options.item(i);
                assertTrue(names.add(o.getAttribute("name")), "option documented twice: " + o.getAttribute("name"));
                assertFalse(o.getTextContent().isBlank(), o.getAttribute("name"));
            }
            var settings = new org.knime.core.node.NodeSettings("model");
            NodeTestAccess.saveSettings(model, settings);
            assertTrue(names.size() >= settings.keySet().size(),
                "every setting documented: " + names.size() + " options for " + settings.keySet());
        }));
    }

    @Test
    void schemaValidationRejectsAnIncompleteDescription() throws Exception {
        Path xsd = NodeTestData.shared().resolve("knime/schema/Node_v4.1.xsd");
        Validator v = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(xsd.toFile())
            .newValidator();
        String incomplete = "<knimeNode xmlns=\"http://knime.org/node/v4.1\"><name>x</name></knimeNode>";
        assertThrows(org.xml.sax.SAXException.class,
            () -> v.validate(new StreamSource(new java.io.StringReader(incomplete))));
    }

    @Test
    void manifestRequiresKnimeAndTheEngine() throws Exception {
        Manifest mf;
        try (InputStream in = Files.newInputStream(BUNDLE.resolve("META-INF/MANIFEST.MF"))) {
            mf = new Manifest(in);
        }
        Attributes a = mf.getMainAttributes();
        assertEquals("org.maskseg.knime;singleton:=true", a.getValue("Bundle-SymbolicName"));
        assertEquals("JavaSE-17", a.getValue("Bundle-RequiredExecutionEnvironment"));
        String required = a.getValue("Require-Bundle");
        assertTrue(required.contains("org.knime.core;bundle-version=\"[5.3.0,6.0.0)\""), required);
        assertTrue(required.contains("org.knime.knip.base"), required);
        assertTrue(required.contains("org.maskseg.core"), required);
        for (String pkg : a.getValue("Export-Package").split(",")) {
            assertTrue(Files.isDirectory(BUNDLE.resolve("src/main/java/" + pkg.trim().replace('.', '/'))), pkg);
        }
    }
}
