package org.maskseg.core.labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.maskseg.core.InvalidInputException;

/**
 * What a network learns to output, in one place: the classes and their names, the user's ignore value, the
 * regions of a region-based model and whether the labels carry partial codes. It is nnU-Net's label manager:
 * built once per training from the data, the settings and an initial model, kept in the plan, and asked by the
 * loss, the pseudo-Dice, the metrics, the predictor, the model file and the nodes, so that "regions or
 * classes?" is answered here and nowhere else.
 * <p>
 * Instances are immutable and validated on construction.
 */
public final class Targets {

    private final LabelSpec spec;
    private final RegionSet regions;
    private final boolean partialLabels;

    private Targets(LabelSpec spec, RegionSet regions, boolean partialLabels) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.regions = Objects.requireNonNull(regions, "regions");
        if (!regions.isEmpty() && regions.numClasses() != spec.numClasses()) {
            throw new IllegalArgumentException("regions over " + regions.numClasses() + " classes, labels have "
                    + spec.numClasses());
        }
        if (partialLabels && spec.numClasses() - 1 > LabelCodes.MAX_PARTIAL_FOREGROUND) {
            throw new InvalidInputException(partialProblem(spec.numClasses()));
        }
        this.partialLabels = partialLabels;
    }

    /** Exclusive classes (softmax), labels without partial codes. */
    public static Targets classes(LabelSpec spec) {
        return new Targets(spec, RegionSet.none(), false);
    }

    /**
     * @param regions       {@link RegionSet#none()} for class training
     * @param partialLabels whether labels may hold partial codes (see {@link LabelCodes})
     */
    public static Targets of(LabelSpec spec, RegionSet regions, boolean partialLabels) {
        return new Targets(spec, regions, partialLabels);
    }

    /**
     * Targets from their stored fields (plan files, model files), every problem listed in one message.
     *
     * @param what names the source in the message, e.g. "plan 'a.json'"
     */
    public static Targets read(int numClasses, List<String> classNames, int ignoreValue, List<Region> regions,
            boolean partialLabels, String what) {
        List<String> problems = problems(numClasses, classNames, ignoreValue, regions, partialLabels);
        if (!problems.isEmpty()) {
            throw new InvalidInputException(what + " is invalid: " + String.join("; ", problems));
        }
        LabelSpec spec = new LabelSpec(numClasses, ignoreValue, classNames);
        return new Targets(spec, RegionSet.of(regions, numClasses), partialLabels);
    }

    /** Every problem of stored target fields, each naming its field (empty when valid). */
    public static List<String> problems(int numClasses, List<String> classNames, int ignoreValue,
            List<Region> regions, boolean partialLabels) {
        List<String> problems = new ArrayList<>();
        if (numClasses < 2) {
            problems.add("numClasses must be at least 2 (background and one class), got " + numClasses);
        }
        if (classNames == null || classNames.size() != numClasses) {
            problems.add("classNames must have numClasses = " + numClasses + " entries, got "
                    + (classNames == null ? "none" : classNames.size()));
        }
        if (ignoreValue >= 0 && ignoreValue < numClasses) {
            problems.add("ignoreValue " + ignoreValue + " collides with a class (0.." + (numClasses - 1) + ")");
        }
        if (numClasses >= 2) {
            for (String p : RegionSet.problems(regions, numClasses)) {
                problems.add("regions: " + p);
            }
        }
        if (partialLabels && numClasses - 1 > LabelCodes.MAX_PARTIAL_FOREGROUND) {
            problems.add(partialProblem(numClasses));
        }
        return problems;
    }

    private static String partialProblem(int numClasses) {
        return "training.partialLabels needs at most " + LabelCodes.MAX_PARTIAL_FOREGROUND
                + " foreground classes, the plan has " + (numClasses - 1);
    }

    /** The same targets with partial codes allowed or not. */
    public Targets withPartialLabels(boolean partial) {
        return partial == partialLabels ? this : new Targets(spec, regions, partial);
    }

    /** Classes, class names and the user's ignore value. */
    public LabelSpec spec() {
        return spec;
    }

    public int numClasses() {
        return spec.numClasses();
    }

    public List<String> classNames() {
        return spec.classNames();
    }

    /** The ignore value as written in the user's label files. */
    public int ignoreValue() {
        return spec.ignoreValue();
    }

    /** The regions of a region-based model, {@link RegionSet#none()} for class training. */
    public RegionSet regions() {
        return regions;
    }

    /** Whether the network has one sigmoid output per region rather than a softmax over the classes. */
    public boolean regionBased() {
        return !regions.isEmpty();
    }

    /** Whether labels may carry partial codes: the loss then uses the marginal cross-entropy over known voxels. */
    public boolean partialLabels() {
        return partialLabels;
    }

    /** Output channels of the network: one per region, or one per class. */
    public int outputChannels() {
        return regionBased() ? regions.size() : numClasses();
    }

    /**
     * Names of the scores the network is validated and evaluated on, one per score: the regions, or the
     * foreground classes 1..K-1.
     */
    public List<String> scoreNames() {
        return regionBased() ? regions.names() : classNames().subList(1, numClasses());
    }

    /** For people: "2 classes (background, nucleus)" or "regions whole=1,2,3; core=2,3". */
    public String describe() {
        return regionBased() ? "regions " + regions.format()
                : numClasses() + " classes (" + String.join(", ", classNames()) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Targets t && spec.numClasses() == t.spec.numClasses()
                && spec.ignoreValue() == t.spec.ignoreValue() && spec.classNames().equals(t.spec.classNames())
                && regions.equals(t.regions) && partialLabels == t.partialLabels;
    }

    @Override
    public int hashCode() {
        return Objects.hash(spec.classNames(), spec.ignoreValue(), regions, partialLabels);
    }

    @Override
    public String toString() {
        return "Targets[" + describe() + ", ignore=" + ignoreValue() + (partialLabels ? ", partial labels" : "")
                + "]";
    }
}
