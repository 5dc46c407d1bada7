package org.maskseg.core.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.ConnectedComponents;
import org.maskseg.core.image.LabelVolume;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Sizes a plan to the device and a time budget: nnU-Net's plan assumes a GPU and a day, so on a slow device a short
 * budget would allow only a few steps of a very large patch. The rule, given measured seconds per step of
 * configurations (a {@link StepTimer}, injected so that the rule is tested without a clock):
 * <ol>
 * <li>The smallest full-width candidate (below) is measured first; it is cheap and calibrates the estimates. Then
 * the planned configuration is measured, unless the timer declines because that would not fit into the time left
 * for measuring (a share of the budget): its time is then the estimate. Such a configuration is far from reaching
 * the target anyway: three steps taking more than {@value #PROBE_SHARE} of the budget leave fewer than 51 steps.
 * The steps a budget allows are ⌊{@value #TRAINING_SHARE} × budget seconds / seconds per step⌋ (the rest goes to
 * validation, batch loading, saving, the measurements and the final reserve). When they reach
 * {@value #TARGET_STEPS} the plan is kept exactly.</li>
 * <li>Otherwise smaller candidates are estimated: the patch shrunk axis by axis (always the axis of the largest
 * physical extent, by one multiple of the divisor of its shrunk network, as the planner shrinks a patch, the network
 * re-derived by {@link NetworkTopology}); for every patch the batch from the planned one down to nnU-Net's minimum
 * of {@value Planner#MIN_BATCH_SIZE}; and as a last resort features of half the planned width.
 * A candidate's time per step is estimated as the measured time scaled by batch × patch voxels × feature width
 * relative to the planned configuration when it was measured, else to the smallest one: roughly proportional for
 * convolution networks limited by memory traffic, as on CPUs. Small configurations gain less than that where fixed
 * costs per layer dominate (on a GPU, or at narrow widths): the measurement that confirms the choice catches it.</li>
 * <li>Among the full-width candidates that reach the target, the one with the most voxels per step (batch × patch
 * voxels; then the larger patch) is chosen; only if none reaches it are the half-width ones considered. If none at
 * all reaches it, the full-width candidate with the most steps: measured on the nuclei and on 3D volumes, a narrower
 * network that still misses the target learned less in the same minute than the full width with fewer steps (a
 * quarter of the width lost most), so width is only given up where that buys the target.</li>
 * <li>The choice is measured to confirm the estimate (unless the timer declines: the estimate then stands). When
 * measurement and estimate differ by more than a factor of {@value #CONFIRM_FACTOR}, the estimates are scaled to
 * that measurement, chosen again, and the new choice is measured once more (no further rounds). A choice that
 * measures no faster than the measured planned configuration is dropped, and the plan kept.</li>
 * </ol>
 * The patch never gets smaller than what the data needs ({@link #minimumPatch}) and never larger than planned.
 */
public final class DeviceSizing {

    /** Training steps a budget should allow; fewer make the patch, batch or network smaller. */
    public static final int TARGET_STEPS = 500;
    /** Share of a time budget estimated to go to training steps. */
    public static final double TRAINING_SHARE = 0.85;
    /** Largest share of a time budget the measurements may take (the first step is measured in any case). */
    public static final double PROBE_SHARE = 0.05;
    /** A measurement that differs from its estimate by more than this factor leads to a second choice. */
    public static final double CONFIRM_FACTOR = 1.5;
    /** Smallest patch edge, in voxels, unless the planned patch is smaller. */
    public static final int MIN_PATCH_EDGE = 32;
    /** The patch holds a typical object this many times per axis, the rest being context. */
    public static final double CONTEXT_FACTOR = 2;
    /** Percentile of the object extents per axis that counts as the typical object. */
    public static final double EXTENT_PERCENTILE = 90;
    /**
     * Annotated voxels a patch holds on average (the annotated share of all voxels × patch voxels), at least: with
     * sparse labels a small patch holds too few of them for a step to learn from. On the bundled nuclei with
     * simulated scribbles (0.53 % annotated) a minute of training gave held-out Dice 0.80 with 96² patches (49
     * annotated voxels on average), 0.86 with 128² (87) and 0.91 with 160² (136).
     */
    public static final int MIN_ANNOTATED_PER_PATCH = 128;
    /** Divisors of the feature widths: the planned width, then half of it where that reaches the target. */
    static final int[] FEATURE_DIVISORS = {1, 2};

    private DeviceSizing() {
    }

    /**
     * One configuration a plan may be sized to.
     *
     * @param patchSize      x first, divisible by its network's divisor
     * @param batchSize      patches per step
     * @param featureDivisor the planned features per stage are divided by this (1: nnU-Net's widths)
     */
    public record Candidate(int[] patchSize, int batchSize, int featureDivisor) {

        public Candidate {
            patchSize = patchSize.clone();
        }

        @Override
        public int[] patchSize() {
            return patchSize.clone();
        }

        /** Voxels of one patch. */
        public long patchVoxels() {
            return (long) Planner.product(patchSize);
        }

        /** Batch × patch voxels: what one step learns from. */
        public long voxelsPerStep() {
            return batchSize * patchVoxels();
        }

        /** The quantity the time per step is taken as proportional to. */
        double work() {
            return voxelsPerStep() / (double) featureDivisor;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Candidate c && Arrays.equals(patchSize, c.patchSize) && batchSize == c.batchSize
                    && featureDivisor == c.featureDivisor;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(patchSize) * 31 * 31 + batchSize * 31 + featureDivisor;
        }

        @Override
        public String toString() {
            return "patch " + Arrays.toString(patchSize) + ", batch " + batchSize
                    + (featureDivisor == 1 ? "" : ", features / " + featureDivisor);
        }
    }

    /** Measures candidates on the device. */
    @FunctionalInterface
    public interface StepTimer {
        /**
         * The seconds per training step of a candidate, or NaN to decline a measurement that would not fit into the
         * time left for measuring.
         *
         * @param estimate the estimated seconds per step, or NaN when nothing is known yet (then the timer must
         *                 measure)
         */
        double secondsPerStep(Candidate candidate, double estimate);
    }

    /** One measurement: the seconds per step of a candidate on the device. */
    public record Measurement(Candidate candidate, double secondsPerStep) {
    }

    /**
     * What sizing chose and why.
     *
     * @param budgetSeconds        the time budget
     * @param minimumPatch         the smallest patch allowed, x first ({@link #minimumPatch})
     * @param planned              the planned configuration
     * @param plannedSecondsPerStep its seconds per step
     * @param plannedMeasured      whether they were measured (else estimated from the smallest candidate)
     * @param plannedSteps         the steps it would get in the budget
     * @param chosen               the configuration to train (the planned one when kept)
     * @param secondsPerStep       the chosen configuration's seconds per step: measured, or estimated when no
     *                             measurement time was left
     * @param measured             whether {@code secondsPerStep} was measured
     * @param steps                the steps the chosen configuration is estimated to get
     * @param candidates           how many candidates were estimated
     * @param measurements         every measurement, in order (the smallest candidate first)
     * @param reason               one sentence for the user
     */
    public record Decision(double budgetSeconds, int[] minimumPatch, Candidate planned, double plannedSecondsPerStep,
            boolean plannedMeasured, long plannedSteps, Candidate chosen, double secondsPerStep, boolean measured,
            long steps, int candidates, List<Measurement> measurements, String reason) {

        public Decision {
            minimumPatch = minimumPatch.clone();
            measurements = List.copyOf(measurements);
        }

        @Override
        public int[] minimumPatch() {
            return minimumPatch.clone();
        }

        /** Whether the plan was changed. */
        public boolean changed() {
            return !chosen.equals(planned);
        }

        /**
         * The decision for the user in two lines: the device, the planned configuration's speed and steps; then
         * what was chosen and why.
         *
         * @param measurementSeconds the seconds the measurements took, taken from the budget
         */
        public List<String> describe(String device, double measurementSeconds) {
            List<String> out = new ArrayList<>();
            out.add(String.format(Locale.ROOT, "device sizing on %s (measured in %.1f s of the budget): the planned "
                    + "%s takes %.3f s per step (%s), about %d steps in the budget (target %d)", device,
                    measurementSeconds, planned, plannedSecondsPerStep, plannedMeasured ? "measured"
                            : "estimated from " + measurements.get(0).candidate(), plannedSteps, TARGET_STEPS));
            out.add(changed()
                    ? String.format(Locale.ROOT, "device sizing chose %s (%.3f s per step, %s; about %d steps): %s",
                            chosen, secondsPerStep, measured ? "measured" : "estimated", steps, reason)
                    : "device sizing kept the plan: " + reason);
            return out;
        }

        /** The decision as a JSON-ready map (plan_sizing.json, the model's training record). */
        public Map<String, Object> toMap(String device, double probeSeconds) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("device", device);
            m.put("budgetSeconds", budgetSeconds);
            m.put("targetSteps", TARGET_STEPS);
            m.put("minimumPatch", minimumPatch);
            m.put("planned", map(planned, plannedSecondsPerStep, plannedMeasured, plannedSteps));
            m.put("chosen", map(chosen, secondsPerStep, measured, steps));
            m.put("changed", changed());
            m.put("candidatesEstimated", candidates);
            List<Map<String, Object>> ms = new ArrayList<>();
            for (Measurement x : measurements) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("patchSize", x.candidate().patchSize());
                e.put("batchSize", x.candidate().batchSize());
                e.put("featureDivisor", x.candidate().featureDivisor());
                e.put("secondsPerStep", x.secondsPerStep());
                ms.add(e);
            }
            m.put("measurements", ms);
            m.put("measurementSeconds", probeSeconds);
            m.put("reason", reason);
            return m;
        }

        private static Map<String, Object> map(Candidate c, double seconds, boolean measured, long steps) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("patchSize", c.patchSize());
            m.put("batchSize", c.batchSize());
            m.put("featureDivisor", c.featureDivisor());
            m.put("secondsPerStep", seconds);
            m.put("measured", measured);
            m.put("estimatedSteps", steps);
            return m;
        }
    }

    /** The steps a budget allows at a time per step (see the class comment). */
    public static long steps(double budgetSeconds, double secondsPerStep) {
        return (long) Math.floor(TRAINING_SHARE * budgetSeconds / secondsPerStep);
    }

    /**
     * Whether plan overrides (a JSON object) fix the patch size, batch size or network: sizing then keeps the plan.
     */
    public static boolean fixedByOverrides(String overridesJson) {
        if (overridesJson == null || overridesJson.isBlank()) {
            return false;
        }
        ObjectNode o = PlanJson.parseOverrides(overridesJson);
        return o.has("patchSize") || o.has("batchSize") || o.has("network");
    }

    /**
     * The smallest patch, x first, that holds a typical object with context: per axis the
     * {@value #EXTENT_PERCENTILE}th percentile of the bounding-box extents of the connected components (face
     * connectivity) of annotated foreground (class values 1 to {@code classes - 1}; the ignore value and any other
     * value count as not foreground) times {@value #CONTEXT_FACTOR}, rounded up, at least {@value #MIN_PATCH_EDGE},
     * at most the planned patch. Labels drawn as scribbles understate object sizes (a scribble is thinner than its
     * object), and a small patch of sparse labels holds few annotated voxels: the minimum then grows, all axes by the
     * same factor up to the planned patch, until it holds {@value #MIN_ANNOTATED_PER_PATCH} annotated voxels (any
     * class value below {@code classes}) at the annotated share of all voxels.
     *
     * @param labels  label volumes on the plan's grid (after resampling), x first
     * @param classes number of classes; foreground is 1 to classes - 1
     * @param planned the planned patch, x first; its length gives the axes considered
     */
    public static int[] minimumPatch(List<LabelVolume> labels, int classes, int[] planned) {
        int dims = planned.length;
        List<List<Integer>> extents = new ArrayList<>();
        for (int a = 0; a < dims; a++) {
            extents.add(new ArrayList<>());
        }
        long annotated = 0;
        long voxels = 0;
        for (LabelVolume l : labels) {
            int[] data = l.data();
            int[] fg = new int[data.length];
            for (int i = 0; i < data.length; i++) {
                fg[i] = data[i] >= 1 && data[i] < classes ? 1 : 0;
                if (data[i] >= 0 && data[i] < classes) {
                    annotated++;
                }
            }
            voxels += data.length;
            long[] size = l.size();
            ConnectedComponents cc = ConnectedComponents.of(LabelVolume.wrap(l.name(), fg, size, l.spacing()), false);
            if (cc.count() == 0) {
                continue;
            }
            int d = size.length;
            int[][] lo = new int[cc.count() + 1][d];
            int[][] hi = new int[cc.count() + 1][d];
            for (int[] x : lo) {
                Arrays.fill(x, Integer.MAX_VALUE);
            }
            for (int[] x : hi) {
                Arrays.fill(x, -1);
            }
            int[] ids = cc.ids();
            for (int v = 0; v < ids.length; v++) {
                int id = ids[v];
                if (id == 0) {
                    continue;
                }
                long rest = v;
                for (int a = 0; a < d; a++) {
                    int p = (int) (rest % size[a]);
                    rest /= size[a];
                    lo[id][a] = Math.min(lo[id][a], p);
                    hi[id][a] = Math.max(hi[id][a], p);
                }
            }
            for (int id = 1; id <= cc.count(); id++) {
                for (int a = 0; a < Math.min(d, dims); a++) {
                    extents.get(a).add(hi[id][a] - lo[id][a] + 1);
                }
            }
        }
        int[] min = new int[dims];
        for (int a = 0; a < dims; a++) {
            double typical = 0;
            if (!extents.get(a).isEmpty()) {
                double[] sorted = extents.get(a).stream().mapToDouble(Integer::doubleValue).sorted().toArray();
                typical = DatasetFingerprint.percentileOfSorted(sorted, EXTENT_PERCENTILE);
            }
            int need = (int) Math.max(MIN_PATCH_EDGE, Math.ceil(typical * CONTEXT_FACTOR - 1e-9));
            min[a] = Math.min(planned[a], need);
        }
        return holdingAnnotated(min, planned, voxels == 0 ? 1 : annotated / (double) voxels);
    }

    /**
     * The minimum patch grown, all axes by one factor and none beyond the planned patch, until it holds
     * {@value #MIN_ANNOTATED_PER_PATCH} annotated voxels at the given annotated share (or reaches the planned patch).
     */
    static int[] holdingAnnotated(int[] min, int[] planned, double annotatedShare) {
        double need = MIN_ANNOTATED_PER_PATCH / Math.max(annotatedShare, 1e-12);
        int[] out = min.clone();
        if (Planner.product(out) >= need) {
            return out;
        }
        // bisect for the smallest factor that gives enough voxels; axes stop growing at the planned size
        double lo = 1;
        double hi = 1;
        for (int[] grown = min; Planner.product(grown) < need && !Arrays.equals(grown, planned);
                grown = scaled(min, planned, hi)) {
            hi *= 2;
        }
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (Planner.product(scaled(min, planned, mid)) >= need) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return scaled(min, planned, hi);
    }

    private static int[] scaled(int[] min, int[] planned, double factor) {
        int[] out = new int[min.length];
        for (int a = 0; a < min.length; a++) {
            out[a] = (int) Math.min(planned[a], Math.ceil(min[a] * factor - 1e-9));
        }
        return out;
    }

    /**
     * The candidates for a plan, the planned configuration first: every patch of the shrinking sequence that stays
     * at least {@code minimumPatch}, with every batch size from the planned one down to
     * {@value Planner#MIN_BATCH_SIZE}, at every feature width of {@link #FEATURE_DIVISORS}.
     */
    public static List<Candidate> candidates(Plan planned, int[] minimumPatch) {
        List<int[]> patches = patches(planned.targetSpacing(), planned.patchSize(), minimumPatch, maxPools(planned));
        int lowestBatch = Math.min(planned.batchSize(), Planner.MIN_BATCH_SIZE);
        List<Candidate> out = new ArrayList<>();
        for (int divisor : FEATURE_DIVISORS) {
            if (divisor > 1 && planned.network().features()[0] / divisor < 1) {
                continue;
            }
            for (int[] p : patches) {
                for (int b = planned.batchSize(); b >= lowestBatch; b--) {
                    out.add(new Candidate(p, b, divisor));
                }
            }
        }
        return out;
    }

    /**
     * The patches from the planned one down to the minimum: each step shortens the axis of the largest physical
     * extent (patch × spacing; the first such axis on ties) that can still shrink, as the planner shortens an axis,
     * and rounds the patch up to its network's divisor.
     */
    static List<int[]> patches(double[] spacing, int[] planned, int[] minimum, int maxPools) {
        List<int[]> out = new ArrayList<>();
        int[] patch = planned.clone();
        out.add(patch);
        while (true) {
            int[] next = null;
            double extent = -1;
            for (int a = 0; a < patch.length; a++) {
                int[] shrunk = shrunk(spacing, patch, a, maxPools);
                if (shrunk != null && shrunk[a] >= minimum[a] && patch[a] * spacing[a] > extent) {
                    extent = patch[a] * spacing[a];
                    next = shrunk;
                }
            }
            if (next == null) {
                return out;
            }
            patch = next;
            out.add(patch);
        }
    }

    /** The patch with one axis shortened as the planner shortens it, or null when it cannot get shorter. */
    private static int[] shrunk(double[] spacing, int[] patch, int axis, int maxPools) {
        NetworkTopology current = NetworkTopology.of(spacing, patch, maxPools);
        int[] p = patch.clone();
        p[axis] -= Planner.shrinkStep(spacing, patch, current, axis, maxPools);
        if (p[axis] < 1) {
            return null;
        }
        int[] rounded = NetworkTopology.of(spacing, p, maxPools).patchSize();
        return rounded[axis] < patch[axis] ? rounded : null;
    }

    private static int maxPools(Plan p) {
        return Planner.maxPools(p.spatialDims(), Plan.Network.RESIDUAL_ENCODER_UNET.equals(p.network().architecture()));
    }

    /**
     * The plan sized to a candidate: patch and batch size, the network re-derived for the patch as the planner
     * derives it, features divided by the candidate's divisor. The planned configuration gives the plan unchanged.
     */
    public static Plan sizedPlan(Plan planned, Candidate c) {
        if (c.equals(new Candidate(planned.patchSize(), planned.batchSize(), 1))) {
            return planned;
        }
        NetworkTopology t = NetworkTopology.of(planned.targetSpacing(), c.patchSize(), maxPools(planned));
        Plan.Builder p = planned.toBuilder().patchSize(t.patchSize()).batchSize(c.batchSize());
        // the planner's network for the patch (a residual encoder keeps its architecture and gets its blocks)
        Planner.setNetwork(p, t);
        int[] features = p.network.features;
        for (int s = 0; s < features.length; s++) {
            features[s] = Math.max(1, features[s] / c.featureDivisor());
        }
        return p.build();
    }

    /**
     * Sizes a plan (see the class comment).
     *
     * @param planned       the plan as planned
     * @param budgetSeconds the time budget
     * @param minimumPatch  the smallest patch allowed, x first ({@link #minimumPatch})
     * @param timer         measures candidates on the device: the smallest first, at most four in all
     * @throws InvalidInputException for a budget that is not a positive number of seconds
     */
    public static Decision decide(Plan planned, double budgetSeconds, int[] minimumPatch, StepTimer timer) {
        if (!(budgetSeconds > 0) || Double.isInfinite(budgetSeconds)) {
            throw new InvalidInputException("device sizing needs a positive time budget in seconds, got "
                    + budgetSeconds);
        }
        if (minimumPatch.length != planned.patchSize().length) {
            throw new IllegalArgumentException("minimum patch " + Arrays.toString(minimumPatch) + " for a patch of "
                    + planned.patchSize().length + " axes");
        }
        Candidate base = new Candidate(planned.patchSize(), planned.batchSize(), 1);
        List<Candidate> candidates = candidates(planned, minimumPatch);
        Candidate reference = smallest(candidates);
        Map<Candidate, Double> measured = new LinkedHashMap<>();
        double tReference = timer.secondsPerStep(reference, Double.NaN);
        if (!(tReference > 0) || Double.isInfinite(tReference)) {
            throw new IllegalStateException("the configuration " + reference + " could not be measured ("
                    + tReference + " s per step)");
        }
        measured.put(reference, tReference);
        // calibrate on the planned configuration when it could be measured, else on the smallest
        Candidate calibration = reference;
        double tCalibration = tReference;
        if (!reference.equals(base)) {
            double m = timer.secondsPerStep(base, estimate(base, reference, tReference));
            if (m > 0 && Double.isFinite(m)) {
                measured.put(base, m);
                calibration = base;
                tCalibration = m;
            }
        }
        boolean baseMeasured = measured.containsKey(base);
        double tBase = baseMeasured ? measured.get(base) : estimate(base, reference, tReference);
        long baseSteps = steps(budgetSeconds, tBase);
        if (baseSteps >= TARGET_STEPS) {
            return new Decision(budgetSeconds, minimumPatch, base, tBase, baseMeasured, baseSteps, base, tBase,
                    baseMeasured, baseSteps, candidates.size(), measurements(measured),
                    "it reaches the target of " + TARGET_STEPS + " steps");
        }
        Candidate chosen = choose(candidates, calibration, tCalibration, budgetSeconds);
        double estimated = estimate(chosen, calibration, tCalibration);
        double seconds = measure(chosen, estimated, timer, measured);
        if (measured.containsKey(chosen) && outside(seconds, estimated)) {
            // the estimates scaled to the new measurement: choose again and measure once more
            Candidate again = choose(candidates, chosen, seconds, budgetSeconds);
            if (!again.equals(chosen)) {
                estimated = estimate(again, chosen, seconds);
                seconds = measure(again, estimated, timer, measured);
                chosen = again;
            }
        }
        if (baseMeasured && measured.containsKey(chosen) && !chosen.equals(base) && seconds >= tBase) {
            // smaller but measured no faster: the planned configuration learns from more voxels per step
            return new Decision(budgetSeconds, minimumPatch, base, tBase, true, baseSteps, base, tBase, true,
                    baseSteps, candidates.size(), measurements(measured), "the smaller " + chosen
                            + " measured no faster (" + String.format(Locale.ROOT, "%.3f", seconds) + " s per step)");
        }
        long steps = steps(budgetSeconds, seconds);
        String reason;
        if (chosen.equals(base)) {
            reason = "no smaller configuration is allowed";
        } else if (steps(budgetSeconds, estimated) >= TARGET_STEPS) {
            reason = "the largest configuration estimated to reach " + TARGET_STEPS + " steps"
                    + (steps < TARGET_STEPS ? " (measured, it reaches fewer)" : "");
        } else {
            reason = "no configuration allowed by the data (minimum patch " + Arrays.toString(minimumPatch)
                    + ") is estimated to reach " + TARGET_STEPS + " steps; the full-width one with the most steps";
        }
        return new Decision(budgetSeconds, minimumPatch, base, tBase, baseMeasured, baseSteps, chosen, seconds,
                measured.containsKey(chosen), steps, candidates.size(), measurements(measured), reason);
    }

    /** A candidate's measurement (taken before, or now), or the estimate when the timer declines. */
    private static double measure(Candidate c, double estimate, StepTimer timer, Map<Candidate, Double> measured) {
        Double before = measured.get(c);
        if (before != null) {
            return before;
        }
        double m = timer.secondsPerStep(c, estimate);
        if (m > 0 && Double.isFinite(m)) {
            measured.put(c, m);
            return m;
        }
        return estimate;
    }

    private static boolean outside(double measured, double estimate) {
        return measured > estimate * CONFIRM_FACTOR || measured * CONFIRM_FACTOR < estimate;
    }

    private static List<Measurement> measurements(Map<Candidate, Double> measured) {
        List<Measurement> out = new ArrayList<>();
        measured.forEach((c, t) -> out.add(new Measurement(c, t)));
        return out;
    }

    /** The full-width candidate of least work (the first of them: the largest patch among equals). */
    static Candidate smallest(List<Candidate> candidates) {
        Candidate best = candidates.get(0);
        for (Candidate c : candidates) {
            if (c.featureDivisor() == 1 && c.work() < best.work()) {
                best = c;
            }
        }
        return best;
    }

    /** A candidate's seconds per step, scaled from a measured one by batch × voxels × width. */
    static double estimate(Candidate c, Candidate measured, double seconds) {
        return seconds * c.work() / measured.work();
    }

    /** The choice among candidates given one measured candidate (see the class comment). */
    static Candidate choose(List<Candidate> candidates, Candidate measured, double seconds, double budgetSeconds) {
        Comparator<Candidate> larger = Comparator.comparingLong(Candidate::voxelsPerStep)
                .thenComparingLong(Candidate::patchVoxels);
        for (int divisor : FEATURE_DIVISORS) {
            Candidate best = null;
            for (Candidate c : candidates) {
                if (c.featureDivisor() == divisor
                        && steps(budgetSeconds, estimate(c, measured, seconds)) >= TARGET_STEPS
                        && (best == null || larger.compare(c, best) > 0)) {
                    best = c;
                }
            }
            if (best != null) {
                return best;
            }
        }
        // none reaches the target: the full width's most steps, i.e. its least work (the largest patch among equals)
        return smallest(candidates);
    }
}
