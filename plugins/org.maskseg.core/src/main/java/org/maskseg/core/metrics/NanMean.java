package org.maskseg.core.metrics;

/** Mean that leaves out undefined (NaN) values, as nnU-Net averages its metrics. */
public final class NanMean {

    private NanMean() {
    }

    /** The mean of the non-NaN values; NaN when there is none. */
    public static double of(double... values) {
        double sum = 0;
        int n = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** How many values are defined (not NaN). */
    public static int defined(double... values) {
        int n = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                n++;
            }
        }
        return n;
    }
}
