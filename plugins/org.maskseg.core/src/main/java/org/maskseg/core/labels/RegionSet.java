package org.maskseg.core.labels;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.maskseg.core.InvalidInputException;

/**
 * The ordered regions of a region-based model (see {@link Region}): one sigmoid output per region, trained on
 * region memberships instead of exclusive classes, as nnU-Net does for nested structures such as brain tumours.
 * <p>
 * Text form, for command lines and dialogs: {@code name=class,class,...[:exportLabel]} per region, regions
 * separated by {@code ;}, e.g. {@code whole=1,2,3;core=2,3;enhancing=3}. Classes are given by number or by
 * name. Without an explicit export label, a region exports its lowest class that belongs to no later region
 * (whole → 1, core → 2, enhancing → 3 above), or its lowest class when every class of it also belongs to a
 * later region. Export labels are foreground classes, so exported label images use the training classes and
 * can be compared with reference labels region by region.
 * <p>
 * Label export starts from background and writes, region after region in this order, the region's export
 * label wherever that region is predicted; later regions overwrite earlier ones, so nested regions are listed
 * from the outermost to the innermost.
 */
public final class RegionSet {

    /** Largest number of regions (the validation pass packs the per-region decisions of a voxel into an int). */
    public static final int MAX_REGIONS = 30;

    private static final RegionSet NONE = new RegionSet(List.of(), 0);

    private final List<Region> regions;
    private final int numClasses;

    private RegionSet(List<Region> regions, int numClasses) {
        this.regions = Collections.unmodifiableList(new ArrayList<>(regions));
        this.numClasses = numClasses;
    }

    /** No regions: ordinary softmax training over exclusive classes. */
    public static RegionSet none() {
        return NONE;
    }

    /**
     * Validated regions over classes 0..numClasses-1.
     *
     * @param regions as stored in a plan; an empty list gives {@link #none()}
     * @throws InvalidInputException listing every problem
     */
    public static RegionSet of(List<Region> regions, int numClasses) {
        if (regions == null || regions.isEmpty()) {
            return NONE;
        }
        List<String> problems = problems(regions, numClasses);
        if (!problems.isEmpty()) {
            throw new InvalidInputException("invalid regions: " + String.join("; ", problems));
        }
        return new RegionSet(regions, numClasses);
    }

    /** Every problem of a list of regions over classes 0..numClasses-1 (empty when valid). */
    public static List<String> problems(List<Region> regions, int numClasses) {
        List<String> problems = new ArrayList<>();
        if (regions == null) {
            return problems;
        }
        if (regions.size() > MAX_REGIONS) {
            problems.add("at most " + MAX_REGIONS + " regions are supported, got " + regions.size());
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < regions.size(); i++) {
            Region r = regions.get(i);
            if (r == null) {
                problems.add("region " + (i + 1) + " is missing");
                continue;
            }
            String name = r.name() == null ? "" : r.name().trim();
            String what = name.isEmpty() ? "region " + (i + 1) : "region '" + name + "'";
            if (name.isEmpty()) {
                problems.add(what + " has no name");
            } else if (!names.add(name.toLowerCase(Locale.ROOT))) {
                problems.add("two regions are named '" + name + "'; region names must be unique");
            }
            if (r.classes().isEmpty()) {
                problems.add(what + " has no classes");
            }
            Set<Integer> seen = new HashSet<>();
            for (Integer c : r.classes()) {
                if (c == null) {
                    problems.add(what + " has an empty class entry");
                } else if (c == 0) {
                    problems.add(what + " contains background (class 0); a region is a set of foreground classes");
                } else if (c < 0 || c >= numClasses) {
                    problems.add(what + " contains class " + c + ", which is not a foreground class (1.."
                            + (numClasses - 1) + ")");
                } else if (!seen.add(c)) {
                    problems.add(what + " lists class " + c + " twice");
                }
            }
            if (r.exportLabel() < 1 || r.exportLabel() >= numClasses) {
                problems.add(what + " has export label " + r.exportLabel() + ", which is not a foreground class (1.."
                        + (numClasses - 1) + ")");
            }
        }
        return problems;
    }

    /**
     * Parses the text form (see the class comment).
     *
     * @param text  e.g. {@code whole=1,2,3;core=2,3;enhancing=3}; null or blank gives {@link #none()}
     * @param spec  the classes: their number and names
     * @throws InvalidInputException naming the region and the entry that is wrong
     */
    public static RegionSet parse(String text, LabelSpec spec) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<Entry> entries = entries(text);
        List<List<Integer>> classes = new ArrayList<>();
        for (Entry e : entries) {
            TreeSet<Integer> set = new TreeSet<>();
            for (String t : e.classTokens()) {
                set.add(classOf(t, spec, e.name(), "class"));
            }
            classes.add(new ArrayList<>(set));
        }
        List<Region> regions = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            int export = e.exportToken() != null ? classOf(e.exportToken(), spec, e.name(), "export label")
                    : defaultExportLabel(classes, i);
            regions.add(new Region(e.name(), classes.get(i), export));
        }
        return of(regions, spec.numClasses());
    }

    /**
     * Checks the text form before the labels are known (e.g. when a workflow is configured): syntax, names
     * present and unique, every region with a class, no background, at most {@link #MAX_REGIONS} regions.
     * Class numbers are checked against the class count only by {@link #parse}; class names are resolved
     * when the names are known.
     *
     * @param text       the text form; null or blank passes (training on classes)
     * @param classNames the class names, background first, or null when they are known only from the data
     * @throws InvalidInputException naming the region and the entry that is wrong
     */
    public static void check(String text, List<String> classNames) {
        if (text == null || text.isBlank()) {
            return;
        }
        List<Entry> entries = entries(text);
        Set<String> seen = new HashSet<>();
        for (Entry e : entries) {
            if (!seen.add(e.name().toLowerCase(Locale.ROOT))) {
                throw new InvalidInputException("two regions are named '" + e.name() + "'; give every region its "
                        + "own name");
            }
            for (String t : e.classTokens()) {
                checkClass(t, classNames, e.name(), "class");
            }
            if (e.exportToken() != null) {
                checkClass(e.exportToken(), classNames, e.name(), "export label");
            }
        }
        if (entries.size() > MAX_REGIONS) {
            throw new InvalidInputException(entries.size() + " regions are defined; at most " + MAX_REGIONS
                    + " are supported");
        }
    }

    /** One region of the text form, its class tokens not yet resolved. */
    private record Entry(String name, List<String> classTokens, String exportToken) {
    }

    /** The entries of the text form, refusing what is wrong regardless of the classes. */
    private static List<Entry> entries(String text) {
        List<Entry> entries = new ArrayList<>();
        for (String entry : text.split(";")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq < 0) {
                throw new InvalidInputException("regions: '" + e + "' must be written name=class,class,...[:label], "
                        + "e.g. whole=1,2,3;core=2,3;enhancing=3");
            }
            String name = e.substring(0, eq).trim();
            if (name.isEmpty()) {
                throw new InvalidInputException("regions: '" + e + "' has no region name before '='");
            }
            String rest = e.substring(eq + 1);
            String export = null;
            int colon = rest.lastIndexOf(':');
            if (colon >= 0) {
                export = rest.substring(colon + 1).trim();
                if (export.isEmpty()) {
                    throw new InvalidInputException("region '" + name + "': no export label after ':'; write e.g. "
                            + name + "=1,2:2, or drop the ':'");
                }
                rest = rest.substring(0, colon);
            }
            List<String> tokens = new ArrayList<>();
            for (String token : rest.split(",")) {
                if (!token.isBlank()) {
                    tokens.add(token.trim());
                }
            }
            if (tokens.isEmpty()) {
                throw new InvalidInputException("region '" + name + "' has no classes; give at least one foreground "
                        + "class, e.g. " + name + "=1");
            }
            entries.add(new Entry(name, tokens, export));
        }
        if (entries.isEmpty()) {
            throw new InvalidInputException("regions: '" + text.trim() + "' names no region");
        }
        return entries;
    }

    /** {@link #classOf} without the class count: numbers need only be foreground, names only when known. */
    private static void checkClass(String token, List<String> classNames, String region, String what) {
        int c;
        try {
            c = Integer.parseInt(token);
        } catch (NumberFormatException e) {
            if (classNames == null) {
                return; // resolved once the classes are known
            }
            c = indexOfName(classNames, token);
            if (c < 0) {
                throw new InvalidInputException("region '" + region + "': " + what + " '" + token
                        + "' is neither a class number nor a class name " + classNames.subList(1, classNames.size()));
            }
        }
        if (c == 0) {
            throw new InvalidInputException("region '" + region + "': background (class 0" + (token.equals("0") ? ""
                    : ", '" + token + "'") + ") cannot be part of a region; a region is a set of foreground classes");
        }
        if (c < 0) {
            throw new InvalidInputException("region '" + region + "': " + what + " " + c + " is not a foreground "
                    + "class (1, 2, ...)");
        }
    }

    /** Index of a class name, an exact match first, then ignoring case; -1 when absent. */
    private static int indexOfName(List<String> classNames, String token) {
        int exact = classNames.indexOf(token);
        if (exact >= 0) {
            return exact;
        }
        for (int i = 0; i < classNames.size(); i++) {
            if (classNames.get(i).equalsIgnoreCase(token)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The default export label of region i: its lowest class that is in no later region's set, or its lowest
     * class when there is none.
     */
    public static int defaultExportLabel(List<List<Integer>> classes, int i) {
        List<Integer> own = classes.get(i);
        for (int c : own.stream().sorted().toList()) {
            boolean later = false;
            for (int j = i + 1; j < classes.size() && !later; j++) {
                later = classes.get(j).contains(c);
            }
            if (!later) {
                return c;
            }
        }
        return own.stream().min(Integer::compare).orElseThrow();
    }

    private static int classOf(String token, LabelSpec spec, String region, String what) {
        int k = spec.numClasses();
        int c;
        try {
            c = Integer.parseInt(token);
        } catch (NumberFormatException e) {
            c = indexOfName(spec.classNames(), token);
            if (c < 0) {
                throw new InvalidInputException("region '" + region + "': " + what + " '" + token
                        + "' is neither a class number (1.." + (k - 1) + ") nor a class name "
                        + spec.classNames().subList(1, k));
            }
        }
        if (c == 0) {
            throw new InvalidInputException("region '" + region + "': background (class 0) cannot be part of a "
                    + "region; a region is a set of foreground classes (1.." + (k - 1) + ")");
        }
        if (c < 0 || c >= k) {
            throw new InvalidInputException("region '" + region + "': " + what + " " + c + " is not a foreground "
                    + "class (1.." + (k - 1) + ")");
        }
        return c;
    }

    public boolean isEmpty() {
        return regions.isEmpty();
    }

    public int size() {
        return regions.size();
    }

    public List<Region> regions() {
        return regions;
    }

    public Region get(int r) {
        return regions.get(r);
    }

    /** Classes 0..numClasses-1 the regions are defined over (0 for {@link #none()}). */
    public int numClasses() {
        return numClasses;
    }

    public List<String> names() {
        return regions.stream().map(Region::name).toList();
    }

    /** The text form, with explicit export labels: {@code whole=1,2,3:1;core=2,3:2}. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (Region r : regions) {
            sb.append(sb.length() == 0 ? "" : ";").append(r.name()).append('=');
            for (int i = 0; i < r.classes().size(); i++) {
                sb.append(i == 0 ? "" : ",").append(r.classes().get(i));
            }
            sb.append(':').append(r.exportLabel());
        }
        return sb.toString();
    }

    /** Per class (0..K-1), a bit mask of the regions it belongs to (bit r ⇔ region r). */
    public int[] classMemberships() {
        int[] m = new int[numClasses];
        for (int r = 0; r < regions.size(); r++) {
            for (int c : regions.get(r).classes()) {
                m[c] |= 1 << r;
            }
        }
        return m;
    }

    /** Number of label codes the tables cover: all codes of {@link LabelCodes}, or 0..K when it has no partial ones. */
    public int tableRows() {
        LabelCodes codes = new LabelCodes(numClasses);
        return codes.supportsPartial() ? codes.numCodes() : numClasses + 1;
    }

    /**
     * Row-major table (codes × regions) of region targets: 1 where a voxel with that label code belongs to the
     * region, else 0. A class v belongs to region r iff v is in its set; the ignore value and the partial codes
     * ("background or some unknown classes") have target 0 (where they count at all, the voxel is outside).
     */
    public float[] targetTable() {
        checkNotEmpty();
        int rows = tableRows();
        int n = regions.size();
        float[] t = new float[rows * n];
        for (int v = 0; v < numClasses; v++) {
            for (int r = 0; r < n; r++) {
                t[v * n + r] = regions.get(r).contains(v) ? 1f : 0f;
            }
        }
        return t;
    }

    /**
     * Row-major table (codes × regions) of whether a voxel's membership in a region is known: always for a
     * class, never for the ignore value, and for a partial code with unknown classes U exactly when U shares no
     * class with the region (the voxel is then known to lie outside it).
     */
    public float[] knownTable() {
        checkNotEmpty();
        int rows = tableRows();
        int n = regions.size();
        LabelCodes codes = new LabelCodes(numClasses);
        float[] t = new float[rows * n];
        for (int v = 0; v < rows; v++) {
            for (int r = 0; r < n; r++) {
                t[v * n + r] = known(codes, v, regions.get(r)) ? 1f : 0f;
            }
        }
        return t;
    }

    private static boolean known(LabelCodes codes, int v, Region region) {
        if (v < codes.numClasses()) {
            return true;
        }
        if (v == codes.ignore()) {
            return false;
        }
        int unknown = codes.unknownMask(v);
        for (int c : region.classes()) {
            if ((unknown & LabelCodes.bit(c)) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The exported label of a voxel from its per-region decisions (bit r set ⇔ region r predicted): background,
     * overwritten in region order by the export label of every predicted region.
     */
    public int exportLabel(int predictedRegions) {
        int label = 0;
        for (int r = 0; r < regions.size(); r++) {
            if ((predictedRegions & (1 << r)) != 0) {
                label = regions.get(r).exportLabel();
            }
        }
        return label;
    }

    private void checkNotEmpty() {
        if (regions.isEmpty()) {
            throw new IllegalStateException("no regions defined");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegionSet s && regions.equals(s.regions) && numClasses == s.numClasses;
    }

    @Override
    public int hashCode() {
        return regions.hashCode() * 31 + numClasses;
    }

    @Override
    public String toString() {
        return regions.isEmpty() ? "no regions" : format();
    }
}
