package org.maskseg.core.augment;

import java.util.random.RandomGenerator;

/** Random parameter draws shared by the transforms. */
final class RandomRanges {

    private RandomRanges() {
    }

    /** Uniform in [lo, hi). */
    static double uniform(RandomGenerator rng, double lo, double hi) {
        return lo == hi ? lo : lo + (hi - lo) * rng.nextDouble();
    }

    /**
     * A factor from [lo, hi] that is below 1 half of the time: with probability 1/2 uniform in [lo, 1),
     * otherwise uniform in [max(lo, 1), hi). Wide ranges such as 0.75..1.25 then darken and brighten
     * equally often, as in nnU-Net, instead of favouring the longer side.
     */
    static double aroundOne(RandomGenerator rng, double lo, double hi) {
        if (rng.nextDouble() < 0.5 && lo < 1) {
            return uniform(rng, lo, 1);
        }
        return uniform(rng, Math.max(lo, 1), hi);
    }
}
