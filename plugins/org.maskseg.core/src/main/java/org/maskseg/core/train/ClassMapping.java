package org.maskseg.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.model.HostTensor;

/**
 * How the classes of a fine-tuned model relate to those of the model it starts from: for every class of
 * the new model, the class of the initial model whose output rows it continues, or {@link #NEW} for a
 * class the initial model does not know. Classes of the initial model that no new class continues are
 * dropped. Background (class 0) always continues the initial model's background.
 * <p>
 * Everything but the output heads keeps the initial model's weights; the heads' rows (weights and bias
 * of every deep-supervision output) are rearranged by {@link #adaptWeights}.
 */
public final class ClassMapping {

    /** Source of a class that is new to the initial model. */
    public static final int NEW = -1;

    private final int modelClasses;
    private final int[] sources;
    private final List<String> classNames;

    /**
     * @param modelClasses number of classes of the initial model
     * @param sources      per new class, the initial model's class it continues, or {@link #NEW}
     * @param classNames   names of the new classes (null or empty: the initial model's names for continued
     *                     classes, "class i" for new ones)
     * @param modelNames   class names of the initial model (for default names and messages; may be null)
     * @throws InvalidInputException when background does not continue background, a source is not a class
     *                               of the initial model, or two classes continue the same one
     */
    public ClassMapping(int modelClasses, int[] sources, List<String> classNames, List<String> modelNames) {
        if (modelClasses < 2) {
            throw new IllegalArgumentException("a model has at least two classes, got " + modelClasses);
        }
        Objects.requireNonNull(sources, "sources");
        if (sources.length < 2) {
            throw new InvalidInputException("class mapping: the new model needs at least two classes (background "
                    + "and one foreground), got " + sources.length);
        }
        if (sources[0] != 0) {
            throw new InvalidInputException("class mapping: background (class 0) must continue the initial model's "
                    + "background (class 0), got " + describeSource(sources[0]));
        }
        Map<Integer, Integer> continuedBy = new HashMap<>();
        for (int c = 0; c < sources.length; c++) {
            int s = sources[c];
            if (s == NEW) {
                continue;
            }
            if (s < 0 || s >= modelClasses) {
                throw new InvalidInputException("class mapping: class " + c + " refers to class " + s
                        + " of the initial model, which has classes 0.." + (modelClasses - 1)
                        + describeNames(modelNames));
            }
            Integer other = continuedBy.put(s, c);
            if (other != null) {
                throw new InvalidInputException("class mapping: classes " + other + " and " + c
                        + " both continue class " + s + " of the initial model; each model class can be kept once");
            }
        }
        if (classNames != null && !classNames.isEmpty() && classNames.size() != sources.length) {
            throw new IllegalArgumentException(classNames.size() + " names for " + sources.length + " classes");
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < sources.length; c++) {
            if (classNames != null && !classNames.isEmpty()) {
                names.add(classNames.get(c));
            } else if (sources[c] != NEW && modelNames != null && sources[c] < modelNames.size()) {
                names.add(modelNames.get(sources[c]));
            } else {
                names.add(c == 0 ? "background" : "class " + c);
            }
        }
        this.modelClasses = modelClasses;
        this.sources = sources.clone();
        this.classNames = List.copyOf(names);
    }

    /**
     * The mapping by class names: the first name is the background and continues the initial model's
     * background (it may rename it); every further name that is a class name of the initial model keeps that
     * class, any other name is a new class. Model classes not named are dropped. A name that differs from a model
     * class only in case is refused as a probable typing slip.
     *
     * @param modelNames the initial model's class names, index = class
     * @param names      the new model's class names, background first
     */
    public static ClassMapping byNames(List<String> modelNames, List<String> names) {
        Objects.requireNonNull(modelNames, "modelNames");
        List<String> given = new ArrayList<>();
        for (String n : Objects.requireNonNull(names, "names")) {
            String t = n == null ? "" : n.strip();
            if (t.isEmpty()) {
                throw new InvalidInputException("class names: empty name in " + names);
            }
            if (given.contains(t)) {
                throw new InvalidInputException("class names: '" + t + "' is given twice");
            }
            given.add(t);
        }
        if (given.size() < 2) {
            throw new InvalidInputException("class names: at least two classes (background first, then one or more "
                    + "foreground classes) are needed, got " + given);
        }
        int[] sources = new int[given.size()];
        for (int c = 1; c < given.size(); c++) {
            int s = modelNames.indexOf(given.get(c));
            if (s == 0) {
                throw new InvalidInputException("class names: '" + given.get(c) + "' is the initial model's "
                        + "background; name the background first");
            }
            if (s < 0) {
                for (String m : modelNames) {
                    if (m.equalsIgnoreCase(given.get(c))) {
                        // most likely a typing slip that would silently start the class anew
                        throw new InvalidInputException("class names: '" + given.get(c) + "' differs from the "
                                + "initial model's class '" + m + "' only in case; write '" + m + "' to keep that "
                                + "class, or choose a distinct name for a new class");
                    }
                }
            }
            sources[c] = s < 0 ? NEW : s;
        }
        return new ClassMapping(modelNames.size(), sources, given, modelNames);
    }

    /**
     * The mapping from a comma-separated list of class names, see {@link #byNames(List, List)}.
     */
    public static ClassMapping byNames(List<String> modelNames, String commaSeparated) {
        return byNames(modelNames, Arrays.asList(Objects.requireNonNull(commaSeparated, "names").split(",", -1)));
    }

    /**
     * Parses an explicit index map such as {@code 0=0,1=2,2=new}: the left side of each entry is a class of the
     * new model, the right side the initial model's class it continues or {@code new}. Every new class from 0 to
     * the highest one given must appear exactly once. Continued classes keep the model's names, new ones are
     * called "class i".
     *
     * @param text       the map
     * @param modelNames the initial model's class names, index = class
     */
    public static ClassMapping parse(String text, List<String> modelNames) {
        Objects.requireNonNull(modelNames, "modelNames");
        String spec = Objects.requireNonNull(text, "text").strip();
        if (spec.isEmpty()) {
            throw new InvalidInputException("class map is empty; expected entries like 0=0,1=1,2=new");
        }
        Map<Integer, Integer> entries = new LinkedHashMap<>();
        for (String raw : spec.split(",", -1)) {
            String entry = raw.strip();
            int eq = entry.indexOf('=');
            if (eq < 0 || entry.indexOf('=', eq + 1) >= 0) {
                throw new InvalidInputException("class map entry '" + entry + "': expected NEW_CLASS=MODEL_CLASS or "
                        + "NEW_CLASS=new, e.g. 2=new");
            }
            int target = index(entry.substring(0, eq).strip(), entry);
            String right = entry.substring(eq + 1).strip();
            int source = right.toLowerCase(Locale.ROOT).equals("new") ? NEW : index(right, entry);
            if (entries.put(target, source) != null) {
                throw new InvalidInputException("class map: class " + target + " is given more than once");
            }
        }
        int count = entries.keySet().stream().mapToInt(Integer::intValue).max().orElseThrow() + 1;
        int[] sources = new int[count];
        List<Integer> missing = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            Integer s = entries.get(c);
            if (s == null) {
                missing.add(c);
            } else {
                sources[c] = s;
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidInputException("class map '" + spec + "' leaves class" + (missing.size() == 1 ? " " : "es ")
                    + missing + " undefined; give every class from 0 to " + (count - 1));
        }
        return new ClassMapping(modelNames.size(), sources, null, modelNames);
    }

    private static int index(String s, String entry) {
        try {
            int v = Integer.parseInt(s);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("class map entry '" + entry + "': '" + s
                    + "' is not a class index (0, 1, 2, ...)" + (s.isEmpty() ? "" : " nor 'new'"), e);
        }
    }

    /** The mapping that keeps every class of a model as it is. */
    public static ClassMapping identity(List<String> modelNames) {
        int[] sources = new int[modelNames.size()];
        for (int c = 0; c < sources.length; c++) {
            sources[c] = c;
        }
        return new ClassMapping(modelNames.size(), sources, modelNames, modelNames);
    }

    /** Number of classes of the initial model. */
    public int modelClasses() {
        return modelClasses;
    }

    /** Number of classes of the new model. */
    public int numClasses() {
        return sources.length;
    }

    /** The initial model's class that new class {@code c} continues, or {@link #NEW}. */
    public int source(int c) {
        return sources[c];
    }

    /** Per new class, the initial model's class it continues or {@link #NEW}. */
    public int[] sources() {
        return sources.clone();
    }

    /** Names of the new classes. */
    public List<String> classNames() {
        return classNames;
    }

    /** True when every class of the initial model is kept in its place. */
    public boolean isIdentity() {
        if (sources.length != modelClasses) {
            return false;
        }
        for (int c = 0; c < sources.length; c++) {
            if (sources[c] != c) {
                return false;
            }
        }
        return true;
    }

    /**
     * The weights of the new network: every parameter from the initial model, except the output heads, whose
     * class rows (first axis) come from the initial model's row of the continued class, or, for a new class,
     * from the freshly initialised network. Names and order follow the fresh network.
     *
     * @param model  the initial model's weights
     * @param fresh  the weights of a newly initialised network with {@link #numClasses()} outputs
     * @param isHead which parameters are output heads (first axis = class)
     * @throws InvalidInputException when a head of the initial model does not have its class count of rows
     */
    public LinkedHashMap<String, HostTensor> adaptWeights(Map<String, HostTensor> model,
            Map<String, HostTensor> fresh, Predicate<String> isHead) {
        LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : fresh.entrySet()) {
            String name = e.getKey();
            HostTensor old = model.get(name);
            if (old == null || !isHead.test(name)) {
                // missing or misshaped parameters are reported when the weights are copied to the network
                out.put(name, old == null ? e.getValue() : old);
                continue;
            }
            out.put(name, mapRows(name, old, e.getValue()));
        }
        return out;
    }

    private HostTensor mapRows(String name, HostTensor old, HostTensor fresh) {
        long[] oldShape = old.shape();
        long[] newShape = fresh.shape();
        if (oldShape.length != newShape.length || oldShape[0] != modelClasses || newShape[0] != sources.length
                || !Arrays.equals(Arrays.copyOfRange(oldShape, 1, oldShape.length),
                        Arrays.copyOfRange(newShape, 1, newShape.length))) {
            throw new InvalidInputException("the initial model's output head '" + name + "' has shape "
                    + Arrays.toString(oldShape) + "; with " + modelClasses + " classes mapped to " + sources.length
                    + " it should fit " + Arrays.toString(newShape));
        }
        int row = Math.toIntExact(fresh.data().length / sources.length);
        float[] values = fresh.data().clone();
        float[] from = old.data();
        for (int c = 0; c < sources.length; c++) {
            if (sources[c] != NEW) {
                System.arraycopy(from, sources[c] * row, values, c * row, row);
            }
        }
        return new HostTensor(newShape, values);
    }

    /**
     * One line for the user, e.g. {@code background <- model class 0, mitosis: new; dropped: model class 2}.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        boolean[] kept = new boolean[modelClasses];
        for (int c = 0; c < sources.length; c++) {
            sb.append(c == 0 ? "" : ", ").append(classNames.get(c));
            if (sources[c] == NEW) {
                sb.append(": new");
            } else {
                sb.append(" <- model class ").append(sources[c]);
                kept[sources[c]] = true;
            }
        }
        List<Integer> dropped = new ArrayList<>();
        for (int m = 0; m < modelClasses; m++) {
            if (!kept[m]) {
                dropped.add(m);
            }
        }
        if (!dropped.isEmpty()) {
            sb.append("; dropped: model class").append(dropped.size() == 1 ? " " : "es ")
                    .append(dropped.size() == 1 ? dropped.get(0).toString() : dropped.toString());
        }
        return sb.toString();
    }

    private static String describeSource(int s) {
        return s == NEW ? "a new class" : "class " + s;
    }

    private static String describeNames(List<String> names) {
        return names == null || names.isEmpty() ? "" : " (" + String.join(", ", names) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassMapping m && m.modelClasses == modelClasses && Arrays.equals(m.sources, sources)
                && m.classNames.equals(classNames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(modelClasses, Arrays.hashCode(sources), classNames);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < sources.length; c++) {
            sb.append(c == 0 ? "" : ", ").append(c).append(" '").append(classNames.get(c)).append("' <- ")
                    .append(sources[c] == NEW ? "new" : String.valueOf(sources[c]));
        }
        return "ClassMapping[" + sb + "]";
    }
}
