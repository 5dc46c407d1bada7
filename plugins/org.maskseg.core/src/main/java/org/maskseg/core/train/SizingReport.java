package org.maskseg.core.train;

import java.util.List;
import java.util.Map;

import org.maskseg.core.plan.DeviceSizing;

/**
 * How a job's plan was sized to the device and its time budget: the decision, where it was measured and how long
 * the measurements took (time taken from the budget). Written as {@value PlanSizing#FILE} in the work folder, into
 * the model's training record and returned in the {@link TrainingResult}.
 *
 * @param device             the device measured on, with the precision, e.g. {@code cpu() in fp32}
 * @param measurementSeconds seconds all measurements took
 * @param decision           what was chosen and why
 */
public record SizingReport(String device, double measurementSeconds, DeviceSizing.Decision decision) {

    /** Two lines for the user (see {@link DeviceSizing.Decision#describe}). */
    public List<String> lines() {
        return decision.describe(device, measurementSeconds);
    }

    /** The report as a JSON-ready map. */
    public Map<String, Object> toMap() {
        return decision.toMap(device, measurementSeconds);
    }
}
