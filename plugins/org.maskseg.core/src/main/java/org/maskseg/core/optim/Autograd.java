package org.maskseg.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** Small helpers around PyTorch's autograd state that DJL's API does not expose. */
final class Autograd {

    private Autograd() {
    }

    /** Runs code with gradient recording switched off on this thread, restoring the previous mode. */
    static void withoutGrad(Runnable r) {
        boolean was = JniUtils.isGradMode();
        if (was) {
            JniUtils.setGradMode(false);
        }
        try {
            r.run();
        } finally {
            if (was) {
                JniUtils.setGradMode(true);
            }
        }
    }

    /**
     * The accumulated gradient of a parameter, or null when no backward pass has reached it (PyTorch's
     * undefined grad; DJL's getGradient would invent zeros, and the optimiser must skip such parameters).
     */
    static NDArray gradient(NDArray param) {
        if (!param.hasGradient()) {
            return null;
        }
        return JniUtils.getGradient((PtNDArray) param);
    }
}
