package org.maskseg.core.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.DoubleSupplier;

import org.maskseg.core.CancellationToken;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.io.AtomicFiles;
import org.maskseg.core.io.Json;
import org.maskseg.core.nn.Precision;
import org.maskseg.core.plan.DeviceSizing;
import org.maskseg.core.plan.Plan;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.preprocess.TrainingCase;

import ai.djl.Device;

/**
 * Sizes a newly planned job's plan to the device and its time budget ({@link DeviceSizing}), measuring on the
 * device the training runs on with {@link DeviceProbe}. The measurements take at most
 * {@value DeviceSizing#PROBE_SHARE} of the budget (the first step excepted), and the time they take is taken from
 * the budget the training gets.
 */
final class PlanSizing {

    /** The sizing record in the work folder. */
    static final String FILE = "plan_sizing.json";
    /** Why a cascade is not sized. */
    static final String CASCADE = "the two stages of a cascade keep their plans";

    private PlanSizing() {
    }

    /**
     * The sized plan, the settings with the budget that is left after the measurements, and the report.
     */
    record Outcome(Plan plan, TrainingSettings settings, SizingReport report) {
    }

    /**
     * Why a job's plan is not sized although sizing is on and the budget is a time budget; the empty string when it
     * is sized, and null when sizing does not come into question (no time budget, or sizing turned off).
     *
     * @param newlyPlanned false for a resumed or warm-started job, which keeps its network
     */
    static String notSized(TrainingSettings s, PlannerOptions planner, boolean newlyPlanned) {
        if (!s.schedule().sizesToDevice()) {
            return null;
        }
        if (!newlyPlanned) {
            return s.start().resumeFrom() != null ? "a resumed run keeps the plan of its checkpoint"
                    : "a warm start keeps the network of its initial model";
        }
        if (s.data().patchSize() != null || s.data().batchSize() != null) {
            return "the patch or batch size is given";
        }
        if (planner != null && DeviceSizing.fixedByOverrides(planner.overrides())) {
            return "the plan overrides set the patch size, batch size or network";
        }
        return "";
    }

    /** Measures, decides, reports to the listener and writes {@value #FILE} into the work folder (when set). */
    static Outcome size(Plan plan, List<TrainingCase> cases, TrainingSettings settings, TrainingListener l,
            CancellationToken token) {
        Device device = TorchRuntime.device(settings.compute().device());
        Precision precision = Precision.resolve(settings.compute().precision(), device);
        DeviceProbe probe = new DeviceProbe(plan, device, precision,
                DeviceSizing.PROBE_SHARE * settings.schedule().budget().time().toMillis() / 1000.0, null, token);
        return size(plan, cases, settings, l, probe, probe::spentSeconds, device + " in " + precision.label());
    }

    /**
     * As {@link #size(Plan, List, TrainingSettings, TrainingListener, CancellationToken)} with the given timer.
     *
     * @param spentSeconds the seconds the timer's measurements took, asked after the decision
     * @param device       the device and precision measured on, as the report names them
     */
    static Outcome size(Plan plan, List<TrainingCase> cases, TrainingSettings settings, TrainingListener l,
            DeviceSizing.StepTimer timer, DoubleSupplier spentSeconds, String device) {
        Budget budget = settings.schedule().budget();
        double budgetSeconds = budget.time().toMillis() / 1000.0;
        l.phase("measuring the training speed of this device");
        List<LabelVolume> labels = cases.stream().map(TrainingCase::labels).toList();
        int[] minimum = DeviceSizing.minimumPatch(labels, plan.targets().numClasses(), plan.patchSize());
        DeviceSizing.Decision decision = DeviceSizing.decide(plan, budgetSeconds, minimum, timer);
        double spent = spentSeconds.getAsDouble();
        SizingReport report = new SizingReport(device, spent, decision);
        report.lines().forEach(l::message);
        Plan sized = DeviceSizing.sizedPlan(plan, decision.chosen());
        if (decision.changed()) {
            l.message(TrainingJob.describe(sized));
        }
        long left = Math.max(1000, budget.time().toMillis() - Math.round(spent * 1000));
        TrainingSettings rest = settings.toBuilder().budget(Budget.ofTime(Duration.ofMillis(left))).build();
        Path work = settings.output().workFolder();
        if (work != null) {
            try {
                AtomicFiles.write(work.resolve(FILE), t -> Json.MAPPER.writeValue(t.toFile(), report.toMap()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + FILE + " to the work folder '" + work + "': "
                        + e.getMessage(), e);
            }
        }
        return new Outcome(sized, rest, report);
    }
}
