package org.maskseg.knime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.model.HostTensor;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.model.TrainingMetadata;
import org.maskseg.core.plan.Plan;

/** Small model files for node tests that move models around without applying them. */
public final class TestModels {

    private TestModels() {
    }

    /** A valid model file (plan, labels, one weight tensor) with 3 classes and ignore value 255. */
    public static Path write(final Path file) throws IOException {
        Plan plan = new Plan();
        plan.numClasses = 3;
        plan.classNames = List.of("background", "nucleus", "border");
        plan.ignoreValue = 255;
        plan.patchSize = new int[]{64, 48};
        LabelSpec labels = new LabelSpec(3, 255, plan.classNames);
        TrainingMetadata meta = new TrainingMetadata(1, 1, 1, new double[]{0.5, 0.25}, 0.3, 0.3, 1, "last",
            "completed", 0, 1.0, "2026-01-01T00:00:00Z", "cpu()", 1, 1, Map.of());
        new TrainedModel(plan, labels, meta, Map.of("w", new HostTensor(new long[]{2}, new float[]{1, 2})))
            .save(file);
        return file;
    }
}
