package org.maskseg.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.maskseg.core.engine.TorchRuntime;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.nn.PlainConvUNet;
import org.maskseg.core.plan.Plan;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;

class PredictorMemoryTest {

    private static int arrays(NDManager m) {
        return ((BaseNDManager) m).getManagedArrays().size();
    }

    @Test
    void predictionLeavesNoArrayBehindOnTheDevice() {
        Plan plan = ModelPredictorTest.smallUNetPlan();
        ImageVolume img = ImageVolume.create("m", new long[] {50, 40}, 1, new double[] {1, 1});
        Random r = new Random(1);
        for (int i = 0; i < img.data().length; i++) {
            img.data()[i] = r.nextFloat();
        }
        try (NDManager root = TorchRuntime.newManager(Device.cpu())) {
            PlainConvUNet net = PlainConvUNet.fromPlan(root, plan, 1);
            ModelPredictor p = new ModelPredictor(net, plan,
                    PredictionSettings.DEFAULTS.withMirroring(true).withBatchWindows(2));
            int before = arrays(root);
            for (int k = 0; k < 2; k++) {
                p.predict(img, Prediction.Outputs.ALL, null);
                assertEquals(before, arrays(root), "arrays after prediction " + k);
            }
            // the count does see arrays left in a sub-manager, so a leak would fail the check above
            NDManager sub = root.newSubManager();
            sub.zeros(new ai.djl.ndarray.types.Shape(2));
            assertEquals(before + 1, arrays(root));
            sub.close();
            assertEquals(before, arrays(root));
        }
    }
}
