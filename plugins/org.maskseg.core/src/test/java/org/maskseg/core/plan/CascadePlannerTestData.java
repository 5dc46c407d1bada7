package org.maskseg.core.plan;

import java.util.ArrayList;
import java.util.List;

/** Fingerprints and memory budgets for tests of the cascade's planning. */
public final class CascadePlannerTestData {

    private CascadePlannerTestData() {
    }

    /** Isotropic cases of edge {@code edge} voxels at spacing 1, three classes, one channel. */
    public static DatasetFingerprint cubes(int cases, int edge) {
        List<String> names = new ArrayList<>();
        List<double[]> spacings = new ArrayList<>();
        List<long[]> sizes = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            names.add("case" + i);
            spacings.add(new double[] {1, 1, 1});
            sizes.add(new long[] {edge, edge, edge});
        }
        double[] one = {1, 1, 1};
        double[] median = {edge, edge, edge};
        long[] size = {edge, edge, edge};
        DatasetFingerprint.ChannelIntensities in = new DatasetFingerprint.ChannelIntensities(100, 0, 1, -3, 3, 0,
                -2.5, 2.5);
        return new DatasetFingerprint(names, spacings, sizes, 1, one, one, one, median, size, size, List.of(in),
                new long[] {1000, 100, 100}, new double[] {1, 1, 1}, new double[cases]);
    }

    /** Cases of 256 x 256 x 64 voxels of spacing 1 x 1 x 4 (x first), three classes, one channel. */
    public static DatasetFingerprint anisotropic(int cases) {
        List<String> names = new ArrayList<>();
        List<double[]> spacings = new ArrayList<>();
        List<long[]> sizes = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            names.add("case" + i);
            spacings.add(new double[] {1, 1, 4});
            sizes.add(new long[] {256, 256, 64});
        }
        double[] spacing = {1, 1, 4};
        double[] median = {256, 256, 64};
        long[] size = {256, 256, 64};
        DatasetFingerprint.ChannelIntensities in = new DatasetFingerprint.ChannelIntensities(100, 0, 1, -3, 3, 0,
                -2.5, 2.5);
        return new DatasetFingerprint(names, spacings, sizes, 1, spacing, spacing, spacing, median, size, size,
                List.of(in), new long[] {1000, 100, 100}, new double[] {1, 1, 1}, new double[cases]);
    }

    /** A memory budget that holds exactly two patches of {@code edge}³ (the planner's batch minimum) and no more. */
    public static double budgetFor(int edge) {
        NetworkTopology t = NetworkTopology.of(new double[] {1, 1, 1}, new int[] {edge, edge, edge},
                Planner.MAX_POOLS_3D);
        return 2 * Planner.patchBytes(t, Planner.MAX_FEATURES_3D, 1, 3) / (1024.0 * 1024 * 1024) * (1 + 1e-9);
    }
}
