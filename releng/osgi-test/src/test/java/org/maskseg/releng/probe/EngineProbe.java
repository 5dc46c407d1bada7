package org.maskseg.releng.probe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.maskseg.core.CancellationToken;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.model.TrainedModel;
import org.maskseg.core.plan.PlannerOptions;
import org.maskseg.core.predict.ModelPredictor;
import org.maskseg.core.predict.Prediction;
import org.maskseg.core.predict.PredictionMonitor;
import org.maskseg.core.predict.PredictionSettings;
import org.maskseg.core.train.EpochStats;
import org.maskseg.core.train.Trainer;
import org.maskseg.core.train.TrainingJob;
import org.maskseg.core.train.TrainingRequest;
import org.maskseg.core.train.TrainingListener;
import org.maskseg.core.train.TrainingResult;
import org.maskseg.core.train.TrainingSettings;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Runs inside the OSGi framework, loaded from its own bundle: starts the engine through the MaskSeg bundle,
 * computes a matrix product, runs a training job (fingerprint, plan, preprocessing, one short epoch with
 * validation, model file, checkpoint and curves) on small synthetic images with an ignore band, and predicts
 * one image with the model read back from its file. Returns plain Java values (and the engine class) so that the caller outside
 * the framework can check them without sharing any MaskSeg or DJL class.
 */
public final class EngineProbe implements Callable<Map<String, Object>> {

    static final int SIZE = 32;
    static final int CASES = 4;
    static final int STEPS = 3;
    static final int IGNORE = 255;

    private final Path workFolder;

    /** @param workFolder where the trainer writes its model, checkpoint and curves */
    public EngineProbe(Path workFolder) {
        this.workFolder = workFolder;
    }

    /**
     * Imports an nnU-Net results folder whose checkpoint pickle names {@code os.system}: the embedded unpickler
     * runs inside the framework and refuses it. Returns the message.
     */
    private String importForeignCheckpoint() throws java.io.IOException {
        Path results = java.nio.file.Files.createDirectories(workFolder.resolve("nnunet/fold_0"));
        java.nio.file.Files.writeString(results.resolveSibling("dataset.json"), "{}");
        java.nio.file.Files.writeString(results.resolveSibling("plans.json"), "{}");
        // PROTO 2, GLOBAL os.system, BINUNICODE "true", TUPLE1, REDUCE, STOP
        byte[] pickle = {(byte) 0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm', '\n', 'X', 4, 0, 0, 0,
            't', 'r', 'u', 'e', (byte) 0x85, 'R', '.'};
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(
                java.nio.file.Files.newOutputStream(results.resolve("checkpoint_final.pth")))) {
            z.putNextEntry(new java.util.zip.ZipEntry("checkpoint_final/data.pkl"));
            z.write(pickle);
        }
        try {
            org.maskseg.core.nnunet.NnUNetImport.importModel(results.getParent(), List.of("0"),
                    org.maskseg.core.nnunet.NnUNetImport.Checkpoint.FINAL);
            return "imported";
        } catch (org.maskseg.core.InvalidInputException e) {
            return e.getMessage();
        }
    }

    @Override
    public Map<String, Object> call() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        TorchRuntime.setCpuThreads(2);
        Engine engine = TorchRuntime.engine();
        out.put("engineName", engine.getEngineName());
        out.put("engineVersion", engine.getVersion());
        out.put("engineClass", engine.getClass());

        try (NDManager manager = TorchRuntime.newManager(Device.cpu())) {
            NDArray a = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            out.put("matMul", a.matMul(a).toFloatArray());
        }

        List<ImageVolume> images = new ArrayList<>();
        List<LabelVolume> labels = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            images.add(diskImage("case" + i, 8 + 2 * i));
            labels.add(diskLabels("case" + i, 8 + 2 * i));
        }
        TrainingSettings settings = TrainingSettings.builder().epochs(1).iterationsPerEpoch(STEPS)
                .validationIterations(1).batchSize(2).patchSize(SIZE, SIZE).seed(3).device("cpu").threads(2)
                .loaderThreads(1).workFolder(workFolder).build();
        TrainingResult result = TrainingJob.run(TrainingRequest.volumes(images, labels).ignoreValue(IGNORE)
                .settings(settings).planner(PlannerOptions.defaults()).build(), TrainingListener.NONE,
                CancellationToken.create());
        EpochStats epoch = result.history().get(0);
        out.put("epochs", result.history().size());
        out.put("trainLoss", epoch.trainLoss());
        out.put("validationLoss", epoch.validationLoss());
        out.put("classes", result.finalModel().labels().numClasses());

        // the model file the trainer wrote, read back and used for a sliding-window prediction
        TrainedModel model = TrainedModel.load(workFolder.resolve(Trainer.BEST_MODEL));
        try (ModelPredictor predictor = ModelPredictor.open(model, Device.cpu(), PredictionSettings.DEFAULTS)) {
            Prediction prediction = predictor.predict(images.get(0), Prediction.Outputs.LABELS_ONLY,
                    PredictionMonitor.NONE);
            out.put("predictionSize", prediction.labels().size());
            out.put("predictionLabels", prediction.labels().data().clone());
        }
        out.put("nnunetImport", importForeignCheckpoint());
        return out;
    }

    /** A bright disk of the given radius on a darker ramp, 32 x 32, one channel. */
    static ImageVolume diskImage(String name, int radius) {
        float[] data = new float[SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                boolean inside = inside(x, y, radius);
                data[y * SIZE + x] = (inside ? 200f : 20f) + x * 0.5f + ((x * 7 + y * 13) % 5);
            }
        }
        return ImageVolume.wrap(name, data, new long[] {SIZE, SIZE}, 1, new double[] {1, 1});
    }

    /** Disk = 1, background = 0, and a two-pixel ignore band along the left edge. */
    static LabelVolume diskLabels(String name, int radius) {
        int[] data = new int[SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                data[y * SIZE + x] = x < 2 ? IGNORE : inside(x, y, radius) ? 1 : 0;
            }
        }
        return LabelVolume.wrap(name, data, new long[] {SIZE, SIZE}, new double[] {1, 1});
    }

    private static boolean inside(int x, int y, int radius) {
        int dx = x - SIZE / 2;
        int dy = y - SIZE / 2;
        return dx * dx + dy * dy <= radius * radius;
    }
}
