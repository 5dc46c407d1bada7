package org.maskseg.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Helpers around PyTorch's autograd state that DJL's API does not expose. Gradient recording is a
 * per-thread switch in PyTorch: DJL turns it off on the thread that starts the engine, but every other
 * thread starts with recording on, so code that may run on worker threads switches it off explicitly.
 */
public final class Autograd {

    private Autograd() {
    }

    /** Runs code with gradient recording switched off on this thread, restoring the previous mode. */
    public static void withoutGrad(Runnable r) {
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

    /** Computes a value with gradient recording switched off on this thread. */
    public static <T> T withoutGrad(java.util.function.Supplier<T> s) {
        Object[] r = new Object[1];
        withoutGrad(() -> {
            r[0] = s.get();
        });
        @SuppressWarnings("unchecked")
        T t = (T) r[0];
        return t;
    }

    /** Whether this thread currently records operations for backward passes. */
    public static boolean isRecording() {
        return JniUtils.isGradMode();
    }

    /**
     * The accumulated gradient of a parameter, or null when no backward pass has reached it (PyTorch's
     * undefined grad; DJL's getGradient would invent zeros, and the optimiser must skip such parameters).
     */
    public static NDArray gradient(NDArray param) {
        if (!param.hasGradient()) {
            return null;
        }
        return JniUtils.getGradient((PtNDArray) param);
    }
}
