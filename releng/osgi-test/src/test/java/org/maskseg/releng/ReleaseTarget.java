package org.maskseg.releng;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The Maven Central part of the release target platform (releng/tycho/target-platform/maskseg-target.target). */
final class ReleaseTarget {

    /**
     * One jar of a Maven location.
     *
     * @param instructions bnd instructions that turn it into a bundle, or null when it is a bundle already
     */
    record Artifact(String groupId, String artifactId, String version, String classifier, String instructions) {

        /** File name as the Maven dependency plugin copies it. */
        String fileName() {
            return artifactId + "-" + version + (classifier == null ? "" : "-" + classifier) + ".jar";
        }

        String coordinates() {
            return groupId + ":" + artifactId + ":" + version + (classifier == null ? "" : ":" + classifier);
        }
    }

    /** A p2 location: repository address and the units taken from it. */
    record P2Location(String repository, List<String> units) {
    }

    final List<Artifact> artifacts = new ArrayList<>();
    final List<P2Location> p2 = new ArrayList<>();

    static ReleaseTarget read(Path file) throws IOException {
        try {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
            ReleaseTarget target = new ReleaseTarget();
            NodeList locations = doc.getElementsByTagName("location");
            for (int i = 0; i < locations.getLength(); i++) {
                Element location = (Element) locations.item(i);
                if ("InstallableUnit".equals(location.getAttribute("type"))) {
                    List<String> units = new ArrayList<>();
                    NodeList us = location.getElementsByTagName("unit");
                    for (int u = 0; u < us.getLength(); u++) {
                        units.add(((Element) us.item(u)).getAttribute("id"));
                    }
                    Element repo = (Element) location.getElementsByTagName("repository").item(0);
                    target.p2.add(new P2Location(repo.getAttribute("location"), units));
                    continue;
                }
                if (!"Maven".equals(location.getAttribute("type"))) {
                    throw new IOException(file + ": unexpected location type " + location.getAttribute("type"));
                }
                NodeList ins = location.getElementsByTagName("instructions");
                String instructions = ins.getLength() == 0 ? null : ins.item(0).getTextContent();
                boolean generate = "generate".equals(location.getAttribute("missingManifest"));
                if (generate != (instructions != null)) {
                    throw new IOException(file + ": a location generating manifests needs instructions and only it");
                }
                NodeList deps = location.getElementsByTagName("dependency");
                if (instructions != null && deps.getLength() != 1) {
                    throw new IOException(file + ": a location with instructions must hold exactly one jar");
                }
                for (int d = 0; d < deps.getLength(); d++) {
                    Element dep = (Element) deps.item(d);
                    String classifier = text(dep, "classifier");
                    target.artifacts.add(new Artifact(text(dep, "groupId"), text(dep, "artifactId"),
                            text(dep, "version"), classifier, instructions));
                }
            }
            return target;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }
}
