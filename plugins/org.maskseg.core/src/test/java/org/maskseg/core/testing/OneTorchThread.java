package org.maskseg.core.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.maskseg.core.engine.TorchRuntime;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Runs a test class with one libtorch intra-op thread and restores the count afterwards. For tiny networks: on a
 * busy machine libtorch's worker threads spin against each other and make each step many times slower.
 */
public final class OneTorchThread implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(OneTorchThread.class);
    private static final String BEFORE = "threads before";

    @Override
    public void beforeAll(ExtensionContext context) {
        TorchRuntime.engine();
        context.getStore(NAMESPACE).put(BEFORE, JniUtils.getNumThreads());
        JniUtils.setNumThreads(1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        JniUtils.setNumThreads(context.getStore(NAMESPACE).get(BEFORE, Integer.class));
    }
}
