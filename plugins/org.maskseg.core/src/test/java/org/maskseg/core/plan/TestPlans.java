package org.maskseg.core.plan;

import java.util.Arrays;
import java.util.Collections;

/** Parts of small valid plans for tests, so that a test states only what it is about. */
public final class TestPlans {

    private TestPlans() {
    }

    /** Per-image z-score without mask for each of {@code channels} channels. */
    public static Plan.Normalization zscore(int channels) {
        double[] std = new double[channels];
        Arrays.fill(std, 1);
        return Plan.Normalization.builder()
                .schemes(Collections.nCopies(channels, "zscore"))
                .useMask(new boolean[channels])
                .clipLow(new double[channels])
                .clipHigh(new double[channels])
                .mean(new double[channels])
                .std(std)
                .build();
    }

    /**
     * A U-Net with one stage per entry of {@code features}: 3×3(×3) kernels, stride 1 in the first stage and 2 on
     * every axis in the others.
     */
    public static Plan.Network unet(int dims, int... features) {
        int[][] strides = new int[features.length][dims];
        int[][] kernels = new int[features.length][dims];
        for (int s = 0; s < features.length; s++) {
            Arrays.fill(strides[s], s == 0 ? 1 : 2);
            Arrays.fill(kernels[s], 3);
        }
        return Plan.Network.builder()
                .numStages(features.length)
                .features(features)
                .strides(strides)
                .kernelSizes(kernels)
                .build();
    }
}
