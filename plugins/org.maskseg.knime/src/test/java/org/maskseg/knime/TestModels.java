package org.maskseg.knime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.maskseg.core.labels.Targets;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.labels.LabelSpec;
import org.maskseg.core.labels.RegionSet;
import org.maskseg.core.model.HostTensor;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.model.TrainingMetadata;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.plan.Plan;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

/** Small model files for node tests that move models around without applying them. */
public final class TestModels {

    private TestModels() {
    }

    /**
     * A small untrained 2D U-Net (3 stages, 8 to 32 features, 64 x 64 patches) for 2 classes, with ignore value 2,
     * saved as a model file: enough to run prediction end to end in a second.
     */
    public static Path untrainedNetwork(final Path file) throws IOException {
        return untrainedNetwork(file, List.of("background", "nucleus"), null);
    }

    /**
     * As {@link #untrainedNetwork(Path)}, for 3 classes (background, outer, inner; ignore value 3) and two regions:
     * "cell" = classes 1 and 2, "core" = class 2 (export labels 1 and 2).
     */
    public static Path untrainedRegionNetwork(final Path file) throws IOException {
        return untrainedNetwork(file, List.of("background", "outer", "inner"), "cell=1,2;core=2");
    }

    private static Path untrainedNetwork(final Path file, final List<String> classNames, final String regions)
        throws IOException {
        Targets targets = Targets.classes(new LabelSpec(classNames.size(), classNames.size(), classNames));
        LabelSpec labels = targets.spec();
        if (regions != null) {
            targets = Targets.of(labels, RegionSet.parse(regions, labels), false);
        }
        Plan plan = Plan.builder()
            .targets(targets)
            .patchSize(64, 64)
            .network(n -> n.numStages(3)
                .features(8, 16, 32)
                .strides(new int[][]{{1, 1}, {2, 2}, {2, 2}})
                .kernelSizes(new int[][]{{3, 3}, {3, 3}, {3, 3}}))
            .build();
        TrainingMetadata meta = new TrainingMetadata(0, 0, 0, new double[]{Double.NaN}, Double.NaN, Double.NaN, 0,
            "last", "completed", 0, 0, "2026-01-01T00:00:00Z", "cpu()", 0, 0, Map.of());
        try (NDManager manager = TorchRuntime.newManager(Device.cpu())) {
            PlainConvUNet net = PlainConvUNet.fromPlan(manager, plan, 42);
            TrainedModel.of(plan, meta, net).save(file);
        }
        return file;
    }

    /** A valid model file (plan, labels, one weight tensor) with 3 classes and ignore value 255. */
    public static Path write(final Path file) throws IOException {
        Plan plan = Plan.builder()
            .targets(Targets.classes(new LabelSpec(3, 255, List.of("background", "nucleus", "border"))))
            .patchSize(64, 48)
            .build();
        LabelSpec labels = new LabelSpec(3, 255, plan.targets().classNames());
        TrainingMetadata meta = new TrainingMetadata(1, 1, 1, new double[]{0.5, 0.25}, 0.3, 0.3, 1, "last",
            "completed", 0, 1.0, "2026-01-01T00:00:00Z", "cpu()", 1, 1, Map.of());
        new TrainedModel(plan, meta, Map.of("w", new HostTensor(new long[]{2}, new float[]{1, 2})))
            .save(file);
        return file;
    }
}
