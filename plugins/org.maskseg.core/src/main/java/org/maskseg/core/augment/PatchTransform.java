package org.maskseg.core.augment;

import java.util.random.RandomGenerator;

/** A random transform applied in place to a patch after it has been extracted. */
public interface PatchTransform {

    /**
     * Draws this transform's random parameters from {@code rng} (including whether it applies at all) and
     * applies it to the patch.
     */
    void apply(PatchBuffer patch, RandomGenerator rng, AugmentationScratch scratch);
}
