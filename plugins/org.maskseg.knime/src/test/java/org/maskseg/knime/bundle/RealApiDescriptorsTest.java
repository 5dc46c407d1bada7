package org.maskseg.knime.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.maskseg.knime.util.ImageCells;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The node bundle is compiled against stand-ins ({@code releng/knime-api}) and runs against the real KNIME,
 * KNIME Image Processing, imagej-common and ImgLib2. A member whose erased descriptor differs between the two
 * compiles here and fails in KNIME with {@code NoSuchMethodError}, {@code NoSuchFieldError},
 * {@code IncompatibleClassChangeError} or, for an override, is silently never called. This test reads the compiled
 * node classes and collects every reference to those libraries:
 * <ul>
 * <li>ImgLib2 ({@code net/imglib2/}) references are resolved against the ImgLib2 jar on the class path, which must
 * be 5.8.0, the version KNIME Image Processing 1.8.3 ships;</li>
 * <li>KNIME, KNIP, ImageJ and SciJava references ({@code org/knime/}, {@code net/imagej/}, {@code org/scijava/})
 * must each be listed in {@code releng/knime-api/real-descriptors.txt}, with the upstream source where the real
 * declaration was checked.</li>
 * </ul>
 * A reference is a class or interface the nodes name (kind {@code class} / {@code interface}), a method or
 * constructor they call ({@code method}, {@code static}, {@code constructor}), a field they read or write
 * ({@code field}, {@code static-field}), or a library method they override ({@code method}, keyed by the library
 * class that declares it).
 * <p>
 * javac names the static type at the call site as the owner of a member reference, so a node calling an inherited
 * method on itself ({@code pushFlowVariableDouble(...)}, {@code getLogger()}, {@code super.saveSettingsTo(...)}
 * from a subclass of another node class) or reading an inherited field records the project's own class as the
 * owner. Such a reference is resolved as the JVM resolves it, up the hierarchy of the project class (its class
 * files and those of the stand-ins): when the first class that declares the member is a stand-in, the reference is
 * checked with that class as the owner, like a direct one.
 */
class RealApiDescriptorsTest {

    /** ImgLib2 as KNIME Image Processing 1.8.3 ships it (bundle {@code imglib2}). */
    static final String KNIP_IMGLIB2 = "5.8.0";

    static final List<String> LISTED = List.of("org/knime/", "net/imagej/", "org/scijava/");

    static final String IMGLIB2 = "net/imglib2/";

    /** The project's own classes: references owned by them are resolved to the library class declaring them. */
    static final String PROJECT = "org/maskseg/";

    private static Path classes;

    private static Path listFile;

    /** key "owner name descriptor kind" -> where the reference occurs (first occurrence). */
    private static Map<String, String> refs;

    @BeforeAll
    static void collect() throws IOException, URISyntaxException {
        classes = Path.of(ImageCells.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isRegularFile(classes.resolve("org/maskseg/knime/util/ImageCells.class")), classes.toString());
        Path repo = classes.getParent().getParent().getParent().getParent();
        listFile = repo.resolve("releng/knime-api/real-descriptors.txt");
        refs = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                new ClassReader(Files.readAllBytes(f)).accept(new Collector(), ClassReader.SKIP_DEBUG);
            }
        }
        assertTrue(refs.size() > 50, "too few references found in " + classes + ": " + refs.size());
    }

    @Test
    void everyKnimeKnipAndImageJReferenceIsListedWithItsRealDescriptor() throws IOException {
        Map<String, String> listed = readList();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> r : refs.entrySet()) {
            if (isListed(owner(r.getKey())) && !listed.containsKey(r.getKey())) {
                missing.add(r.getKey() + "  <repo> <path> @<commit-or-tag>     (used in " + r.getValue() + ")");
            }
        }
        if (!missing.isEmpty()) {
            fail("The node bundle uses " + missing.size() + " KNIME / KNIP / ImageJ / SciJava member(s) that "
                + listFile + " does not list:\n  " + String.join("\n  ", missing) + "\n"
                + "For each: find the real declaration (knime/knime-core, knime-ip/knip, imagej/imagej-common tag "
                + "imagej-common-0.28.2, scijava/scijava-common) in the class or one of its supertypes; check the "
                + "kind (class or interface, static or not) and the erased descriptor: parameter and return types "
                + "after erasure, where a type variable erases to its first bound AS DECLARED where the member is "
                + "declared (a method inherited from a generic superclass keeps that class's erasure, e.g. "
                + "ImgPlus.axis(int) returns net/imagej/axis/Axis). If the stand-in in releng/knime-api differs, fix "
                + "the stand-in first (same superclass, interfaces and type parameters as the real class). Then add "
                + "the line with the repository, the path of the declaring source file and the commit or tag you "
                + "read.");
        }
    }

    @Test
    void theListHasNoEntriesTheNodesNoLongerUse() throws IOException {
        // a class is also in use when only its members are (e.g. methods a node class overrides)
        Set<String> owners = new HashSet<>();
        refs.keySet().forEach(k -> owners.add(k.split(" ")[0]));
        List<String> stale = readList().keySet().stream().filter(k -> !refs.containsKey(k))
            .filter(k -> !((k.endsWith(" - - class") || k.endsWith(" - - interface"))
                && owners.contains(k.split(" ")[0])))
            .toList();
        assertEquals(List.of(), stale, "entries of " + listFile + " that no node class references any more: remove them");
    }

    @Test
    void everyListedMemberOwnerHasAListedKindThatMatchesTheCall() throws IOException {
        Map<String, String> listed = readList();
        List<String> wrong = new ArrayList<>();
        for (String key : refs.keySet()) {
            String[] k = key.split(" ");
            if (!isListed(k[0]) || k[3].equals("class") || k[3].equals("interface")) {
                continue;
            }
            boolean asInterface = listed.containsKey(k[0] + " - - interface");
            boolean asClass = listed.containsKey(k[0] + " - - class");
            if (asInterface == asClass) {
                wrong.add(k[0] + " must be listed exactly once as class or interface (used by " + key + ")");
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void everyImgLib2ReferenceResolvesInTheImgLib2ThatKnipShips() throws IOException {
        Path jar = jarOf("net/imglib2/img/Img.class");
        String version;
        try (JarFile j = new JarFile(jar.toFile());
                InputStream in = j.getInputStream(j.getEntry("META-INF/maven/net.imglib2/imglib2/pom.properties"))) {
            Properties p = new Properties();
            p.load(in);
            version = p.getProperty("version");
        }
        assertEquals(KNIP_IMGLIB2, version, "the node plugin must compile and test against the ImgLib2 of KNIME "
            + "Image Processing (" + jar + ")");
        List<String> unresolved = new ArrayList<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            Map<String, ClassInfo> cache = new HashMap<>();
            for (Map.Entry<String, String> r : refs.entrySet()) {
                String[] k = r.getKey().split(" ");
                if (!k[0].startsWith(IMGLIB2)) {
                    continue;
                }
                String problem = resolve(j, cache, k[0], k[1], k[2], k[3]);
                if (problem != null) {
                    unresolved.add(r.getKey() + ": " + problem + " (used in " + r.getValue() + ")");
                }
            }
        }
        assertEquals(List.of(), unresolved, "ImgLib2 " + version + " lacks these members as the nodes use them");
    }

    @Test
    void imagePlusAxisIsCalledWithItsRealErasedDescriptor() {
        // the defect that made every image node fail in KNIME: the real axis(int) returns Axis in bytecode
        assertTrue(refs.containsKey("net/imagej/ImgPlus axis (I)Lnet/imagej/axis/Axis; method"), refs.keySet()
            .stream().filter(k -> k.contains(" axis ")).toList().toString());
        assertTrue(refs.keySet().stream().noneMatch(k -> k.startsWith("net/imagej/ImgPlus axis (I)Lnet/imagej/axis/Ca")));
    }

    @Test
    void inheritedMembersCalledOnTheNodesThemselvesAreCheckedAtTheirDeclaringLibraryClass() {
        // javac records these calls with the node class as owner (this.pushFlowVariableDouble(...), getNodeModel())
        for (String k : List.of("org/knime/core/node/NodeModel pushFlowVariableDouble (Ljava/lang/String;D)V method",
            "org/knime/core/node/NodeView getNodeModel ()Lorg/knime/core/node/NodeModel; method")) {
            assertTrue(refs.containsKey(k), k);
            assertTrue(refs.get(k).contains("(through org/maskseg/"), refs.get(k));
        }
    }

    // -- the list

    static Map<String, String> readList() throws IOException {
        assertTrue(Files.isRegularFile(listFile), listFile + " missing");
        Map<String, String> listed = new LinkedHashMap<>();
        int n = 0;
        for (String line : Files.readAllLines(listFile)) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split("\\s+");
            assertEquals(7, f.length, listFile + ":" + n + ": expected 'owner name descriptor kind repo path @ref'");
            assertTrue(Set.of("class", "interface", "method", "static", "constructor", "field", "static-field")
                .contains(f[3]), listFile + ":" + n + ": unknown kind " + f[3]);
            assertTrue(f[4].contains("/") && f[6].startsWith("@") && f[6].length() > 1,
                listFile + ":" + n + ": the source must be 'owner/repo path @commit-or-tag'");
            String key = f[0] + " " + f[1] + " " + f[2] + " " + f[3];
            assertNotNull(key);
            if (listed.put(key, f[4] + " " + f[5] + " " + f[6]) != null) {
                fail(listFile + ":" + n + ": listed twice: " + key);
            }
        }
        return listed;
    }

    private static boolean isListed(final String owner) {
        return LISTED.stream().anyMatch(owner::startsWith);
    }

    private static boolean isChecked(final String owner) {
        return isListed(owner) || owner.startsWith(IMGLIB2);
    }

    private static String owner(final String key) {
        return key.substring(0, key.indexOf(' '));
    }

    // -- collecting references

    private static void ref(final String owner, final String name, final String desc, final String kind,
        final String where) {
        if (isChecked(owner)) {
            refs.putIfAbsent(owner + " " + name + " " + desc + " " + kind, where);
        }
    }

    /**
     * A member referenced with a project class as owner: resolved up that class's hierarchy to the first class that
     * declares it; when that is a library class (a stand-in, or ImgLib2), the reference is recorded with it as the
     * owner. Constructors are not inherited, and members the project class or a JDK class declares are not library
     * references.
     */
    private static void inherited(final String owner, final String name, final String desc, final String kind,
        final String where) {
        if (!owner.startsWith(PROJECT) || kind.equals("constructor")) {
            return;
        }
        ClassInfo declaring = kind.endsWith("field") ? ClassInfo.declaringField(owner, name, desc)
            : ClassInfo.declaringMethod(owner, name, desc);
        if (declaring != null && isChecked(declaring.name)) {
            type(Type.getObjectType(declaring.name), where);
            ref(declaring.name, name, desc, kind, where + " (through " + owner + ")");
        }
    }

    /** Records the class (or the element class of an array) and whether the stand-in makes it an interface. */
    private static void type(final Type t, final String where) {
        Type e = t.getSort() == Type.ARRAY ? t.getElementType() : t;
        if (e.getSort() == Type.OBJECT && isChecked(e.getInternalName())) {
            ClassInfo c = ClassInfo.ofClassPath(e.getInternalName());
            ref(e.getInternalName(), "-", "-", c != null && c.isInterface ? "interface" : "class", where);
        }
    }

    private static void descriptorTypes(final String desc, final String where) {
        if (desc.startsWith("(")) {
            for (Type a : Type.getArgumentTypes(desc)) {
                type(a, where);
            }
            type(Type.getReturnType(desc), where);
        } else {
            type(Type.getType(desc), where);
        }
    }

    private static final class Collector extends ClassVisitor {

        private String m_name;

        private String m_super;

        private String[] m_interfaces;

        Collector() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(final int version, final int access, final String name, final String signature,
            final String superName, final String[] interfaces) {
            m_name = name;
            m_super = superName;
            m_interfaces = interfaces;
            if (superName != null) {
                type(Type.getObjectType(superName), name);
            }
            for (String i : interfaces) {
                type(Type.getObjectType(i), name);
            }
        }

        @Override
        public FieldVisitor visitField(final int access, final String name, final String desc, final String signature,
            final Object value) {
            descriptorTypes(desc, m_name + "." + name);
            return null;
        }

        @Override
        public MethodVisitor visitMethod(final int access, final String name, final String desc,
            final String signature, final String[] exceptions) {
            String where = m_name + "." + name + desc;
            descriptorTypes(desc, where);
            if (exceptions != null) {
                for (String e : exceptions) {
                    type(Type.getObjectType(e), where);
                }
            }
            if ((access & (Opcodes.ACC_STATIC | Opcodes.ACC_PRIVATE)) == 0 && !name.startsWith("<")) {
                ClassInfo declaring = ClassInfo.findOverridden(m_super, m_interfaces, name, desc);
                if (declaring != null) {
                    ref(declaring.name, name, desc, "method", where + " (override)");
                }
            }
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitMethodInsn(final int opcode, final String owner, final String mname,
                    final String mdesc, final boolean isInterface) {
                    if (owner.startsWith("[")) {
                        type(Type.getType(owner), where);
                        return;
                    }
                    type(Type.getObjectType(owner), where);
                    descriptorTypes(mdesc, where);
                    String kind = mname.equals("<init>") ? "constructor"
                        : opcode == Opcodes.INVOKESTATIC ? "static" : "method";
                    ref(owner, mname, mdesc, kind, where);
                    inherited(owner, mname, mdesc, kind, where);
                }

                @Override
                public void visitFieldInsn(final int opcode, final String owner, final String fname,
                    final String fdesc) {
                    type(Type.getObjectType(owner), where);
                    descriptorTypes(fdesc, where);
                    String kind =
                        opcode == Opcodes.GETSTATIC || opcode == Opcodes.PUTSTATIC ? "static-field" : "field";
                    ref(owner, fname, fdesc, kind, where);
                    inherited(owner, fname, fdesc, kind, where);
                }

                @Override
                public void visitTypeInsn(final int opcode, final String type) {
                    type(type.startsWith("[") ? Type.getType(type) : Type.getObjectType(type), where);
                }

                @Override
                public void visitMultiANewArrayInsn(final String desc, final int dims) {
                    type(Type.getType(desc), where);
                }

                @Override
                public void visitLdcInsn(final Object value) {
                    constant(value, where);
                }

                @Override
                public void visitInvokeDynamicInsn(final String iname, final String idesc, final Handle bsm,
                    final Object... args) {
                    descriptorTypes(idesc, where);
                    for (Object a : args) {
                        constant(a, where);
                    }
                }

                @Override
                public void visitTryCatchBlock(final org.objectweb.asm.Label start, final org.objectweb.asm.Label end,
                    final org.objectweb.asm.Label handler, final String type) {
                    if (type != null) {
                        type(Type.getObjectType(type), where);
                    }
                }
            };
        }

        private static void constant(final Object value, final String where) {
            if (value instanceof Type t) {
                if (t.getSort() == Type.METHOD) {
                    descriptorTypes(t.getDescriptor(), where);
                } else {
                    type(t, where);
                }
            } else if (value instanceof Handle h) {
                type(Type.getObjectType(h.getOwner()), where);
                descriptorTypes(h.getDesc(), where);
                int tag = h.getTag();
                String kind = tag == Opcodes.H_NEWINVOKESPECIAL ? "constructor"
                    : tag == Opcodes.H_INVOKESTATIC ? "static"
                    : tag == Opcodes.H_GETSTATIC || tag == Opcodes.H_PUTSTATIC ? "static-field"
                    : tag == Opcodes.H_GETFIELD || tag == Opcodes.H_PUTFIELD ? "field" : "method";
                ref(h.getOwner(), h.getName(), h.getDesc(), kind, where);
                inherited(h.getOwner(), h.getName(), h.getDesc(), kind, where);
            }
        }
    }

    // -- class files of the libraries (stand-ins from the class path, ImgLib2 from its jar)

    private static Path jarOf(final String resource) {
        try {
            String url = ClassLoader.getSystemResource(resource).toString();
            assertTrue(url.startsWith("jar:file:"), url);
            return Path.of(new java.net.URI(url.substring(4, url.indexOf("!/"))));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Member(String name, String desc, boolean isStatic) {
    }

    private static final class ClassInfo {

        private static final Map<String, ClassInfo> CLASS_PATH = new HashMap<>();

        final String name;

        final boolean isInterface;

        final String superName;

        final String[] interfaces;

        final List<Member> methods = new ArrayList<>();

        final List<Member> fields = new ArrayList<>();

        /** Every declared member, private ones included (they hide nothing inherited but are what resolution finds). */
        final List<Member> declaredMethods = new ArrayList<>();

        final List<Member> declaredFields = new ArrayList<>();

        private ClassInfo(final byte[] bytes) {
            ClassReader r = new ClassReader(bytes);
            name = r.getClassName();
            isInterface = (r.getAccess() & Opcodes.ACC_INTERFACE) != 0;
            superName = r.getSuperName();
            interfaces = r.getInterfaces();
            r.accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(final int access, final String n, final String d, final String s,
                    final String[] e) {
                    Member m = new Member(n, d, (access & Opcodes.ACC_STATIC) != 0);
                    declaredMethods.add(m);
                    if ((access & Opcodes.ACC_PRIVATE) == 0) {
                        methods.add(m);
                    }
                    return null;
                }

                @Override
                public FieldVisitor visitField(final int access, final String n, final String d, final String s,
                    final Object v) {
                    Member m = new Member(n, d, (access & Opcodes.ACC_STATIC) != 0);
                    declaredFields.add(m);
                    if ((access & Opcodes.ACC_PRIVATE) == 0) {
                        fields.add(m);
                    }
                    return null;
                }
            }, ClassReader.SKIP_CODE);
        }

        /**
         * A library class as the node plugin's test class path has it (the stand-ins, ImgLib2), or a class of the
         * node bundle; null for JDK classes.
         */
        static ClassInfo ofClassPath(final String name) {
            if (name == null || !(isChecked(name) || name.startsWith(PROJECT))) {
                return null;
            }
            return CLASS_PATH.computeIfAbsent(name, n -> {
                try (InputStream in = ClassLoader.getSystemResourceAsStream(n + ".class")) {
                    return in == null ? null : new ClassInfo(in.readAllBytes());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        /**
         * The class that declares the method a reference with {@code owner} resolves to (JVMS 5.4.3.3 / 5.4.3.4): the
         * owner and its superclasses first, then the superinterfaces; null when it is declared by a JDK class or
         * nowhere the class path shows.
         */
        static ClassInfo declaringMethod(final String owner, final String name, final String desc) {
            for (ClassInfo c = ofClassPath(owner); c != null; c = ofClassPath(c.superName)) {
                if (c.declaredMethods.stream().anyMatch(m -> m.name().equals(name) && m.desc().equals(desc))) {
                    return c;
                }
            }
            List<String> queue = new ArrayList<>(List.of(owner));
            Set<String> seen = new TreeSet<>();
            while (!queue.isEmpty()) {
                ClassInfo c = ofClassPath(queue.remove(0));
                if (c == null || !seen.add(c.name)) {
                    continue;
                }
                if (c.isInterface && c.methods.stream().anyMatch(m -> m.name().equals(name) && m.desc().equals(desc))) {
                    return c;
                }
                if (c.superName != null) {
                    queue.add(c.superName);
                }
                queue.addAll(List.of(c.interfaces));
            }
            return null;
        }

        /**
         * The class that declares the field a reference with {@code owner} resolves to (JVMS 5.4.3.2): the class,
         * then its superinterfaces, then its superclass, recursively.
         */
        static ClassInfo declaringField(final String owner, final String name, final String desc) {
            ClassInfo c = ofClassPath(owner);
            if (c == null) {
                return null;
            }
            if (c.declaredFields.stream().anyMatch(f -> f.name().equals(name) && f.desc().equals(desc))) {
                return c;
            }
            for (String i : c.interfaces) {
                ClassInfo d = declaringField(i, name, desc);
                if (d != null) {
                    return d;
                }
            }
            return c.superName == null ? null : declaringField(c.superName, name, desc);
        }

        /** The nearest library class or interface that declares the instance method, or null. */
        static ClassInfo findOverridden(final String superName, final String[] interfaces, final String name,
            final String desc) {
            List<String> queue = new ArrayList<>();
            if (superName != null) {
                queue.add(superName);
            }
            queue.addAll(List.of(interfaces));
            Set<String> seen = new TreeSet<>();
            while (!queue.isEmpty()) {
                String n = queue.remove(0);
                if (!seen.add(n)) {
                    continue;
                }
                ClassInfo c = ofClassPath(n);
                if (c == null) {
                    continue;
                }
                if (isChecked(c.name)
                    && c.methods.stream().anyMatch(m -> !m.isStatic() && m.name().equals(name) && m.desc().equals(desc))) {
                    return c;
                }
                if (c.superName != null) {
                    queue.add(c.superName);
                }
                queue.addAll(List.of(c.interfaces));
            }
            return null;
        }
    }

    /** Resolves a reference in the jar: class kind, then the member along superclasses and superinterfaces. */
    private static String resolve(final JarFile jar, final Map<String, ClassInfo> cache, final String owner,
        final String name, final String desc, final String kind) throws IOException {
        ClassInfo c = load(jar, cache, owner);
        if (c == null) {
            return "no class " + owner;
        }
        switch (kind) {
            case "class":
                return c.isInterface ? "is an interface" : null;
            case "interface":
                return c.isInterface ? null : "is a class";
            default:
                break;
        }
        boolean field = kind.endsWith("field");
        boolean wantStatic = kind.startsWith("static");
        List<String> queue = new ArrayList<>(List.of(owner));
        Set<String> seen = new TreeSet<>();
        while (!queue.isEmpty()) {
            ClassInfo k = load(jar, cache, queue.remove(0));
            if (k == null || !seen.add(k.name)) {
                continue;
            }
            for (Member m : field ? k.fields : k.methods) {
                if (m.name().equals(name) && m.desc().equals(desc)) {
                    return m.isStatic() == wantStatic ? null : (m.isStatic() ? "is static" : "is not static");
                }
            }
            if (kind.equals("constructor")) {
                break;
            }
            if (k.superName != null) {
                queue.add(k.superName);
            }
            queue.addAll(List.of(k.interfaces));
        }
        return "no " + (field ? "field " : "method ") + name + desc;
    }

    private static ClassInfo load(final JarFile jar, final Map<String, ClassInfo> cache, final String name)
        throws IOException {
        if (name == null || !name.startsWith(IMGLIB2)) {
            return null; // java.lang.Object and JDK types declare nothing the nodes call through ImgLib2 types
        }
        if (!cache.containsKey(name)) {
            var e = jar.getEntry(name + ".class");
            ClassInfo c = null;
            if (e != null) {
                try (InputStream in = jar.getInputStream(e)) {
                    c = new ClassInfo(in.readAllBytes());
                }
            }
            cache.put(name, c);
        }
        return cache.get(name);
    }
}
