package org.maskseg.core.annotate;

import java.util.Arrays;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;

/** Shared steps of the annotation operations: building the result and refusing empty results. */
final class LabelMasking {

    private LabelMasking() {
    }

    /**
     * A new label volume that equals {@code input} where {@code keep} is true and holds the ignore value
     * elsewhere. Refuses a result without any annotated voxel.
     */
    static LabelVolume keepWhere(LabelVolume input, LabelSpec spec, boolean[] keep, String operation) {
        int[] in = input.data();
        int[] out = new int[in.length];
        int ignore = spec.ignoreValue();
        for (int i = 0; i < in.length; i++) {
            out[i] = keep[i] ? in[i] : ignore;
        }
        return result(input, spec, out, operation);
    }

    /** Wraps {@code out} with the name and spacing of {@code input}, refusing an all-ignore result. */
    static LabelVolume result(LabelVolume input, LabelSpec spec, int[] out, String operation) {
        int ignore = spec.ignoreValue();
        boolean any = false;
        for (int v : out) {
            if (v != ignore) {
                any = true;
                break;
            }
        }
        if (!any) {
            boolean inputEmpty = Arrays.stream(input.data()).allMatch(v -> v == ignore);
            throw new InvalidInputException("labels '" + input.name() + "': "
                    + (inputEmpty ? "every voxel already is the ignore value " + ignore + ", nothing is annotated"
                            : operation + " leaves no annotated voxel (every voxel would be the ignore value "
                                    + ignore + "); choose a less strict setting"));
        }
        return LabelVolume.wrap(input.name(), out, input.size(), input.spacing());
    }

    /** Axis sizes as ints (label volumes are backed by one Java array, so every axis fits). */
    static int[] intSize(LabelVolume labels) {
        return Arrays.stream(labels.size()).mapToInt(Math::toIntExact).toArray();
    }

    static void checkSameSize(LabelVolume labels, long[] otherSize, String what) {
        if (!Arrays.equals(labels.size(), otherSize)) {
            throw new InvalidInputException(what + " has size " + Arrays.toString(otherSize) + " but labels '"
                    + labels.name() + "' have size " + Arrays.toString(labels.size()) + "; they must match");
        }
    }
}
