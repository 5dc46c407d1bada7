package org.maskseg.core.image;

/**
 * One training batch in host memory, ready to be copied to the device.
 *
 * @param images    C-order (n, c, [z,] y, x) intensities after normalisation and augmentation
 * @param labels    C-order (n, [z,] y, x) canonical labels: classes 0..K-1, the ignore value is K
 * @param batchSize n
 * @param channels  c
 * @param patchSize spatial patch size, x first
 */
public record Batch(float[] images, int[] labels, int batchSize, int channels, int[] patchSize) {

    /** Tensor shape of {@link #images()}: (n, c, [z,] y, x). */
    public long[] imageShape() {
        long[] s = new long[2 + patchSize.length];
        s[0] = batchSize;
        s[1] = channels;
        for (int d = 0; d < patchSize.length; d++) {
            s[2 + d] = patchSize[patchSize.length - 1 - d];
        }
        return s;
    }

    /** Tensor shape of {@link #labels()}: (n, [z,] y, x). */
    public long[] labelShape() {
        long[] s = new long[1 + patchSize.length];
        s[0] = batchSize;
        for (int d = 0; d < patchSize.length; d++) {
            s[1 + d] = patchSize[patchSize.length - 1 - d];
        }
        return s;
    }
}
