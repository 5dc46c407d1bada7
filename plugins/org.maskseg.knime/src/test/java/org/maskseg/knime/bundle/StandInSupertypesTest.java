package org.maskseg.knime.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.knime.core.node.NodeModel;
import org.maskseg.knime.util.ImageCells;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;

/**
 * Every class of the compile-only surface ({@code releng/knime-api}) that stands in for a KNIME, KNIP, ImageJ or
 * SciJava class must have the real class's kind, superclass, interfaces and type parameters: they decide which
 * erased descriptors javac emits (a method inherited from a generic supertype), which casts and {@code instanceof}
 * tests the nodes compile, and which value interfaces a cell type has. This test reads the class signature of each
 * stand-in (the {@code Signature} attribute, or superclass and interfaces when it has none) and compares it with
 * {@code releng/knime-api/real-supertypes.txt}, which records for each class where the real declaration was read.
 * A stand-in missing from the list, or differing from it, fails; so does a listed class the surface no longer has.
 * Classes that exist only in the surface (helpers of its in-memory behaviour) are listed as {@code stand-in-only} and
 * must not be public.
 */
class StandInSupertypesTest {

    static final List<String> PREFIXES = List.of("org/knime/", "net/imagej/", "org/scijava/");

    static final String STAND_IN_ONLY = "stand-in-only";

    private static Path listFile;

    /** internal name -> "kind signature" of every stand-in class. */
    private static Map<String, String> standIns;

    private static Map<String, Boolean> isPublic;

    @BeforeAll
    static void read() throws IOException, URISyntaxException {
        Path nodeClasses = Path.of(ImageCells.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path repo = nodeClasses.getParent().getParent().getParent().getParent();
        listFile = repo.resolve("releng/knime-api/real-supertypes.txt");
        Path api = Path.of(NodeModel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(api.startsWith(repo.resolve("releng/knime-api")), "stand-ins not from releng/knime-api: " + api);
        standIns = new TreeMap<>();
        isPublic = new TreeMap<>();
        if (Files.isDirectory(api)) {
            try (Stream<Path> files = Files.walk(api)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    add(Files.readAllBytes(f));
                }
            }
        } else {
            try (JarFile jar = new JarFile(api.toFile())) {
                for (JarEntry e : Collections.list(jar.entries())) {
                    if (e.getName().endsWith(".class")) {
                        try (InputStream in = jar.getInputStream(e)) {
                            add(in.readAllBytes());
                        }
                    }
                }
            }
        }
        assertTrue(standIns.size() > 100, "too few stand-in classes in " + api + ": " + standIns.size());
    }

    private static void add(final byte[] bytes) {
        ClassReader r = new ClassReader(bytes);
        String name = r.getClassName();
        if (PREFIXES.stream().noneMatch(name::startsWith) || name.matches(".*\\$[0-9]+")) {
            return; // anonymous classes are part of their enclosing class's implementation
        }
        int access = r.getAccess();
        String[] signature = new String[1];
        r.accept(new org.objectweb.asm.ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(final int version, final int acc, final String n, final String sig, final String sup,
                final String[] itfs) {
                signature[0] = sig;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        standIns.put(name, kind(access) + " " + signature(signature[0], r.getSuperName(), r.getInterfaces()));
        isPublic.put(name, (access & Opcodes.ACC_PUBLIC) != 0);
    }

    /** interface, final-class, abstract-class or class. */
    static String kind(final int access) {
        if ((access & Opcodes.ACC_INTERFACE) != 0) {
            return "interface";
        }
        return (access & Opcodes.ACC_FINAL) != 0 ? "final-class"
            : (access & Opcodes.ACC_ABSTRACT) != 0 ? "abstract-class" : "class";
    }

    /** The class signature as the JVM spec writes it; for a class without one, built from its supertypes. */
    static String signature(final String signature, final String superName, final String[] interfaces) {
        if (signature != null) {
            return signature;
        }
        StringBuilder b = new StringBuilder("L").append(superName).append(';');
        for (String i : interfaces) {
            b.append('L').append(i).append(';');
        }
        return b.toString();
    }

    @Test
    void everyStandInHasTheListedRealKindSuperclassInterfacesAndTypeParameters() throws IOException {
        Map<String, String[]> listed = readList();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> s : standIns.entrySet()) {
            String[] l = listed.get(s.getKey());
            if (l == null) {
                problems.add("not listed: " + s.getKey() + " " + s.getValue()
                    + "  <repo> <path> @<commit-or-tag>   (or: " + s.getKey() + " " + STAND_IN_ONLY + " - - - -)");
            } else if (l[0].equals(STAND_IN_ONLY)) {
                if (isPublic.get(s.getKey())) {
                    problems.add("listed as " + STAND_IN_ONLY + " but public (API that KNIME does not have): "
                        + s.getKey());
                }
            } else if (!(l[0] + " " + l[1]).equals(s.getValue())) {
                problems.add("differs from the real class: " + s.getKey() + "\n      stand-in: " + s.getValue()
                    + "\n      real:     " + l[0] + " " + l[1] + "   (" + l[2] + ")");
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " stand-in class(es) of releng/knime-api do not match " + listFile + ":\n  "
                + String.join("\n  ", problems) + "\nFor a new stand-in: read the real declaration (knime/knime-core, "
                + "knime/knime-shared, knime-ip/knip tag 1.8.3, imagej/imagej-common tag imagej-common-0.28.2, "
                + "scijava/scijava-common), give the stand-in the same kind, superclass, interfaces (in the same order) "
                + "and type parameters - adding stand-ins of the supertypes with only the members the nodes use - and "
                + "add the line with the repository, the path and the commit or tag read.");
        }
    }

    @Test
    void theListHasNoClassesTheSurfaceNoLongerHas() throws IOException {
        List<String> stale = readList().keySet().stream().filter(k -> !standIns.containsKey(k)).toList();
        assertEquals(List.of(), stale, "entries of " + listFile + " without a class in releng/knime-api: remove them");
    }

    @Test
    void theImageCellAndTheSettingsTreeHaveTheirRealSuperclasses() {
        // the differences this list was introduced for
        assertTrue(standIns.get("org/knime/knip/base/data/img/ImgPlusCell")
            .contains(">Lorg/knime/core/data/filestore/FileStoreCell;"), standIns.get("org/knime/knip/base/data/img/ImgPlusCell"));
        assertEquals("abstract-class Lorg/knime/core/node/config/base/ConfigBase;Lorg/knime/core/node/config/ConfigRO;"
            + "Lorg/knime/core/node/config/ConfigWO;", standIns.get("org/knime/core/node/config/Config"));
        assertEquals("final-class Lorg/knime/knip/base/data/KNIPCellFactory;",
            standIns.get("org/knime/knip/base/data/img/ImgPlusCellFactory"));
    }

    /** internal name -> {kind, signature, "repo path @ref"}. */
    static Map<String, String[]> readList() throws IOException {
        assertTrue(Files.isRegularFile(listFile), listFile + " missing");
        Map<String, String[]> listed = new LinkedHashMap<>();
        int n = 0;
        for (String line : Files.readAllLines(listFile)) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split("\\s+");
            assertEquals(6, f.length, listFile + ":" + n + ": expected 'class kind signature repo path @ref'");
            if (f[1].equals(STAND_IN_ONLY)) {
                assertEquals(List.of("-", "-", "-", "-"), List.of(f[2], f[3], f[4], f[5]), listFile + ":" + n);
            } else {
                assertTrue(List.of("interface", "final-class", "abstract-class", "class").contains(f[1]),
                    listFile + ":" + n + ": unknown kind " + f[1]);
                assertTrue(f[3].contains("/") && f[5].startsWith("@") && f[5].length() > 1,
                    listFile + ":" + n + ": the source must be 'owner/repo path @commit-or-tag'");
            }
            if (listed.put(f[0], new String[] {f[1], f[2], f[3] + " " + f[4] + " " + f[5]}) != null) {
                fail(listFile + ":" + n + ": listed twice: " + f[0]);
            }
        }
        return listed;
    }
}
