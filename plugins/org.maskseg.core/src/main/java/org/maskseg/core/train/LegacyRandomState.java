package org.maskseg.core.train;

/**
 * The random numbers of numpy's legacy {@code numpy.random.RandomState(seed)} for an integer seed, as far as
 * nnU-Net's cross-validation split needs them: the Mersenne Twister MT19937 seeded with its standard
 * initialisation, numpy's bounded integers by rejection of masked 32-bit draws, and its in-place shuffle (which
 * scikit-learn's {@code KFold(shuffle=True, random_state=seed)} applies to {@code 0 … n-1}). Same seed, same
 * sequence as numpy, bit for bit.
 */
final class LegacyRandomState {

    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER = 0x80000000;
    private static final int LOWER = 0x7fffffff;

    private final int[] key = new int[N];
    private int pos;

    /**
     * @param seed 0 … 2³²-1, as numpy accepts it
     */
    LegacyRandomState(long seed) {
        if (seed < 0 || seed > 0xffffffffL) {
            throw new IllegalArgumentException("seed must be between 0 and 2^32 - 1, got " + seed);
        }
        int s = (int) seed;
        for (int i = 0; i < N; i++) {
            key[i] = s;
            s = 1812433253 * (s ^ (s >>> 30)) + i + 1;
        }
        pos = N;
    }

    /** The next 32 random bits, as an unsigned value. */
    long nextUint32() {
        if (pos == N) {
            regenerate();
        }
        int y = key[pos++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    private void regenerate() {
        int i = 0;
        for (; i < N - M; i++) {
            int y = (key[i] & UPPER) | (key[i + 1] & LOWER);
            key[i] = key[i + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        }
        for (; i < N - 1; i++) {
            int y = (key[i] & UPPER) | (key[i + 1] & LOWER);
            key[i] = key[i + (M - N)] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        }
        int y = (key[N - 1] & UPPER) | (key[0] & LOWER);
        key[N - 1] = key[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
        pos = 0;
    }

    /**
     * A uniform integer in 0 … max (inclusive), by numpy's rule: draws masked to the smallest all-ones bit mask
     * covering {@code max}, repeated until one is not above it.
     *
     * @param max 0 … 2³²-1
     */
    long interval(long max) {
        if (max == 0) {
            return 0;
        }
        if (max < 0 || max > 0xffffffffL) {
            throw new IllegalArgumentException("max must be between 0 and 2^32 - 1, got " + max);
        }
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        long value;
        do {
            value = nextUint32() & mask;
        } while (value > max);
        return value;
    }

    /** Shuffles in place as numpy's {@code RandomState.shuffle} does a one-dimensional array. */
    void shuffle(int[] values) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = (int) interval(i);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }
}
