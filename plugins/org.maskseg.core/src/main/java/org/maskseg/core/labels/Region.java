package org.maskseg.core.labels;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One output of a region-based model: a named, non-empty set of foreground classes. A voxel belongs to the
 * region when its class is in the set; regions may overlap and nest (e.g. whole tumour = {1, 2, 3}, tumour
 * core = {2, 3}, enhancing tumour = {3}). Validated by {@link RegionSet}.
 *
 * @param name        the region's name (used for curves, scores and probability channels)
 * @param classes     the foreground classes of the region, ascending
 * @param exportLabel the value written into exported label images where this region is the last one predicted
 */
public record Region(String name, List<Integer> classes, int exportLabel) {

    public Region {
        // nulls are kept so that validation can name them instead of failing here
        classes = classes == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(classes));
    }

    /** Whether class c belongs to this region. */
    public boolean contains(int c) {
        return classes.contains(c);
    }
}
