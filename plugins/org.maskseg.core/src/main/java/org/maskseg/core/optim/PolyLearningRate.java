package org.maskseg.core.optim;

/** nnU-Net's polynomial learning-rate decay: lr0 · (1 − epoch / epochs)^0.9. */
public final class PolyLearningRate {

    public static final double EXPONENT = 0.9;

    private PolyLearningRate() {
    }

    /**
     * @param initial the learning rate of epoch 0
     * @param epoch   the current epoch, 0-based
     * @param epochs  total number of epochs
     */
    public static double at(double initial, int epoch, int epochs) {
        if (epochs <= 0 || epoch < 0) {
            throw new IllegalArgumentException("epoch " + epoch + " of " + epochs);
        }
        double progress = Math.min(1.0, (double) epoch / epochs);
        return initial * Math.pow(1 - progress, EXPONENT);
    }
}
