package org.maskseg.core.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.ClassKnowledge;
import org.maskseg.core.labels.LabelSpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads what partial labels say about each class, from two optional inputs:
 * <ul>
 * <li>a <em>class-set file</em> naming, per case, the foreground classes that were annotated (every other
 * class is unknown everywhere in that case; cases not listed are fully annotated). Either CSV with the header
 * {@code case,annotated_classes} and the classes of a row separated by {@code ;}, or JSON
 * {@code {"case": ["liver", "kidney"], ...}}. Classes are given by name or by value; the case is the case
 * name of {@link DatasetFolder} (the file name without extension).</li>
 * <li>an <em>unknown-region folder</em> {@code <DIR>/<class name or value>/<file name of the case's label
 * image>}: non-zero voxels mark where that class is unknown. A case without such a file knows the class
 * everywhere it is annotated.</li>
 * </ul>
 * The result is one {@link ClassKnowledge} per case, which turns the case's labels into label codes.
 */
public final class PartialLabelFiles {

    private static final ObjectMapper JSON = Json.MAPPER;

    private PartialLabelFiles() {
    }

    /** Whether either input is given. */
    public static boolean given(Path classSetFile, Path unknownMaskFolder) {
        return classSetFile != null || unknownMaskFolder != null;
    }

    /**
     * The class knowledge of each case.
     *
     * @param classSetFile      class-set file (CSV or JSON), or null
     * @param unknownMaskFolder folder of per-class unknown-region masks, or null
     * @param caseNames         the cases, in order
     * @param labelFileNames    per case, the file name of its label image (for the masks), same order
     * @param spec              the classes
     * @return per case, in order, its knowledge ({@link ClassKnowledge#complete()} when nothing is declared)
     * @throws InvalidInputException for an unreadable or malformed file, an unknown class, a listed case or a
     *                               mask that belongs to no case
     */
    public static List<ClassKnowledge> read(Path classSetFile, Path unknownMaskFolder, List<String> caseNames,
            List<String> labelFileNames, LabelSpec spec) {
        if (caseNames.size() != labelFileNames.size()) {
            throw new IllegalArgumentException(caseNames.size() + " cases but " + labelFileNames.size()
                    + " label file names");
        }
        Map<String, Set<Integer>> sets = classSetFile == null ? Map.of() : readClassSets(classSetFile, spec);
        List<String> unknownCases = new ArrayList<>();
        for (String c : sets.keySet()) {
            if (!caseNames.contains(c)) {
                unknownCases.add(c);
            }
        }
        if (!unknownCases.isEmpty()) {
            throw new InvalidInputException("class-set file '" + classSetFile + "' lists " + unknownCases.size()
                    + " case(s) that are not in the dataset: " + listed(unknownCases) + "; cases are named like "
                    + listed(caseNames) + " (the label file name without extension)");
        }
        Map<Integer, Map<String, Path>> masks = unknownMaskFolder == null ? Map.of()
                : maskFiles(unknownMaskFolder, spec);
        Set<String> fileNames = new TreeSet<>(labelFileNames);
        for (Map.Entry<Integer, Map<String, Path>> e : masks.entrySet()) {
            for (Map.Entry<String, Path> f : e.getValue().entrySet()) {
                if (!fileNames.contains(f.getKey())) {
                    throw new InvalidInputException("unknown-region mask '" + f.getValue()
                            + "' belongs to no case: its file name must be that of a label image, e.g. '"
                            + labelFileNames.get(0) + "'");
                }
            }
        }
        List<ClassKnowledge> out = new ArrayList<>(caseNames.size());
        for (int i = 0; i < caseNames.size(); i++) {
            String name = caseNames.get(i);
            ClassKnowledge k = sets.containsKey(name) ? ClassKnowledge.annotated(sets.get(name))
                    : ClassKnowledge.complete();
            for (Map.Entry<Integer, Map<String, Path>> e : masks.entrySet()) {
                Path file = e.getValue().get(labelFileNames.get(i));
                if (file != null) {
                    LabelVolume mask = ImageFiles.readLabels(file, name);
                    k = k.withUnknownMask(e.getKey(), mask);
                }
            }
            out.add(k);
        }
        return out;
    }

    /**
     * The annotated foreground classes per case from a class-set file: CSV ({@code case,annotated_classes}) or
     * JSON (an object of case name to a list of classes), told apart by the first non-blank character.
     * Background (0) may be listed; it is always annotated and is left out of the result.
     */
    public static Map<String, Set<Integer>> readClassSets(Path file, LabelSpec spec) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read class-set file '" + file + "': "
                    + (Files.exists(file) ? e.getMessage() : "file not found"), e);
        }
        String trimmed = text.strip();
        if (trimmed.startsWith("\uFEFF")) {
            trimmed = trimmed.substring(1).strip();
        }
        if (trimmed.isEmpty()) {
            throw new InvalidInputException("class-set file '" + file + "' is empty; expected CSV with the header "
                    + "'case,annotated_classes' or a JSON object");
        }
        return trimmed.startsWith("{") ? parseJson(file, trimmed, spec) : parseCsv(file, trimmed, spec);
    }

    private static Map<String, Set<Integer>> parseCsv(Path file, String text, LabelSpec spec) {
        String[] lines = text.split("\r?\n|\r");
        String[] header = lines[0].split(",", -1);
        if (header.length != 2 || !unquote(header[0]).equalsIgnoreCase("case")
                || !unquote(header[1]).equalsIgnoreCase("annotated_classes")) {
            throw new InvalidInputException("class-set file '" + file + "', row 1: expected the header "
                    + "'case,annotated_classes', found '" + lines[0].strip() + "'");
        }
        Map<String, Set<Integer>> sets = new LinkedHashMap<>();
        for (int row = 1; row < lines.length; row++) {
            String line = lines[row];
            if (line.isBlank()) {
                continue;
            }
            String where = "class-set file '" + file + "', row " + (row + 1);
            int comma = line.indexOf(',');
            if (comma < 0 || line.indexOf(',', comma + 1) >= 0) {
                throw new InvalidInputException(where + ": expected two columns 'case,annotated_classes' "
                        + "(classes separated by ';'), found '" + line.strip() + "'");
            }
            String caseName = unquote(line.substring(0, comma));
            if (caseName.isEmpty()) {
                throw new InvalidInputException(where + ": the case name is empty");
            }
            Set<Integer> classes = new TreeSet<>();
            String list = unquote(line.substring(comma + 1));
            if (!list.isEmpty()) {
                for (String token : list.split(";", -1)) {
                    addClass(classes, token.strip(), spec, where);
                }
            }
            if (sets.put(caseName, classes) != null) {
                throw new InvalidInputException(where + ": case '" + caseName + "' is listed twice");
            }
        }
        return sets;
    }

    private static Map<String, Set<Integer>> parseJson(Path file, String text, LabelSpec spec) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("class-set file '" + file + "' is not valid JSON: "
                    + JsonErrors.describe(e), e);
        }
        Map<String, Set<Integer>> sets = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String where = "class-set file '" + file + "', case '" + e.getKey() + "'";
            if (!e.getValue().isArray()) {
                throw new InvalidInputException(where + ": expected a list of classes such as [\"liver\", 2], found "
                        + e.getValue());
            }
            Set<Integer> classes = new TreeSet<>();
            for (JsonNode c : e.getValue()) {
                if (c.isIntegralNumber()) {
                    addClass(classes, Long.toString(c.asLong()), spec, where);
                } else if (c.isTextual()) {
                    addClass(classes, c.asText().strip(), spec, where);
                } else {
                    throw new InvalidInputException(where + ": a class must be a name or a whole number, found " + c);
                }
            }
            sets.put(e.getKey(), classes);
        }
        return sets;
    }

    private static void addClass(Set<Integer> classes, String token, LabelSpec spec, String where) {
        int c = resolveClass(token, spec, where);
        if (c > 0) {
            classes.add(c);
        }
    }

    /**
     * A class given by name (case-insensitive) or by value.
     *
     * @throws InvalidInputException naming {@code where} when it is neither
     */
    public static int resolveClass(String token, LabelSpec spec, String where) {
        List<String> names = spec.classNames();
        for (int c = 0; c < names.size(); c++) {
            if (names.get(c).equalsIgnoreCase(token)) {
                return c;
            }
        }
        if (token.matches("\\d{1,9}")) {
            int c = Integer.parseInt(token);
            if (c < spec.numClasses()) {
                return c;
            }
        }
        throw new InvalidInputException(where + ": unknown class '" + token + "'; the classes are "
                + classList(spec) + " (give a name or a value)");
    }

    private static String classList(LabelSpec spec) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < spec.numClasses(); c++) {
            sb.append(c == 0 ? "" : ", ").append(c).append(" '").append(spec.classNames().get(c)).append('\'');
        }
        return sb.toString();
    }

    /** Per foreground class, its mask files by file name. */
    private static Map<Integer, Map<String, Path>> maskFiles(Path folder, LabelSpec spec) {
        if (!Files.isDirectory(folder)) {
            throw new InvalidInputException("unknown-region folder '" + folder + "' does not exist or is not a folder");
        }
        Map<Integer, Map<String, Path>> masks = new TreeMap<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path sub : (Iterable<Path>) s.sorted()::iterator) {
                String name = sub.getFileName().toString();
                if (name.startsWith(".") || !Files.isDirectory(sub)) {
                    continue;
                }
                int c = resolveClass(name, spec, "unknown-region folder '" + sub + "'");
                if (c == 0) {
                    throw new InvalidInputException("unknown-region folder '" + sub + "': background cannot be "
                            + "unknown; use one folder per foreground class");
                }
                if (masks.containsKey(c)) {
                    throw new InvalidInputException("unknown-region folder '" + folder + "' has two folders for class "
                            + c + " '" + spec.classNames().get(c) + "'");
                }
                Map<String, Path> files = new TreeMap<>();
                try (Stream<Path> f = Files.list(sub)) {
                    for (Path p : (Iterable<Path>) f.sorted()::iterator) {
                        String fileName = p.getFileName().toString();
                        if (!fileName.startsWith(".") && Files.isRegularFile(p) && ImageFormat.isSupported(p)) {
                            files.put(fileName, p);
                        }
                    }
                }
                masks.put(c, files);
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot list unknown-region folder '" + folder + "': " + e.getMessage(),
                    e);
        }
        if (masks.isEmpty()) {
            throw new InvalidInputException("unknown-region folder '" + folder + "' has no class folders; expected "
                    + "<folder>/<class name or value>/<label file name>");
        }
        return masks;
    }

    private static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            t = t.substring(1, t.length() - 1).strip();
        }
        return t;
    }

    private static String listed(List<String> names) {
        int shown = Math.min(5, names.size());
        return "'" + String.join("', '", names.subList(0, shown)) + "'" + (names.size() > shown ? ", ..." : "");
    }
}
