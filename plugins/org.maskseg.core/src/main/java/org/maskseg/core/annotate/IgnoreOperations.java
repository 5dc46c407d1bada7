package org.maskseg.core.annotate;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

import org.maskseg.core.InvalidInputException;
import org.maskseg.core.image.DistanceTransform;
import org.maskseg.core.image.ImageVolume;
import org.maskseg.core.image.LabelVolume;
import org.maskseg.core.labels.LabelSpec;

/**
 * Operations that mark unreliable or unwanted parts of dense labels as ignore. Each takes labels in the
 * user's value convention and returns a new label volume in the same convention (the input is never
 * modified): every voxel of the result either equals the input or is the ignore value of the
 * {@link LabelSpec}. Voxels that are ignore in the input stay ignore.
 * <p>
 * All operations first check that the labels hold only class values and the ignore value, and they
 * throw an {@link InvalidInputException} instead of returning a result without any annotated voxel.
 */
public final class IgnoreOperations {

    /** Relative slack on distance comparisons, so that a distance exactly equal to the width counts. */
    private static final double DISTANCE_SLACK = 1e-9;

    private IgnoreOperations() {
    }

    /**
     * Region of interest: voxels where the mask is zero become ignore.
     *
     * @param roi a mask of the same size as the labels; any nonzero value means inside
     */
    public static LabelVolume roi(LabelVolume labels, LabelSpec spec, LabelVolume roi) {
        LabelMasking.checkSameSize(labels, roi.size(), "region-of-interest mask '" + roi.name() + "'");
        int[] m = roi.data();
        boolean[] inside = new boolean[m.length];
        for (int i = 0; i < m.length; i++) {
            inside[i] = m[i] != 0;
        }
        return roi(labels, spec, inside);
    }

    /**
     * Region of interest from a boolean mask in the labels' array order (x fastest): voxels where it is
     * false become ignore.
     */
    public static LabelVolume roi(LabelVolume labels, LabelSpec spec, boolean[] inside) {
        spec.validate(labels);
        if (inside.length != labels.voxels()) {
            throw new InvalidInputException("region-of-interest mask has " + inside.length + " voxels but labels '"
                    + labels.name() + "' have " + labels.voxels() + " (size " + Arrays.toString(labels.size())
                    + "); they must match");
        }
        return LabelMasking.keepWhere(labels, spec, inside, "the region of interest");
    }

    /**
     * Remapping: voxels holding any of the listed values become ignore. The listed values may be classes
     * or values outside the class range (e.g. a marker for unreliable voxels); no other unknown values
     * are accepted.
     */
    public static LabelVolume remap(LabelVolume labels, LabelSpec spec, int... values) {
        if (values.length == 0) {
            throw new InvalidInputException("remapping to ignore needs at least one label value");
        }
        Set<Integer> listed = new TreeSet<>();
        for (int v : values) {
            listed.add(v);
        }
        int[] in = labels.data();
        boolean[] keep = new boolean[in.length];
        for (int i = 0; i < in.length; i++) {
            int v = in[i];
            boolean remapped = listed.contains(v);
            if (!remapped && v != spec.ignoreValue() && !spec.isClass(v)) {
                spec.validate(labels); // throws with the voxel position
            }
            keep[i] = !remapped;
        }
        return LabelMasking.keepWhere(labels, spec, keep, "remapping the values " + listed + " to ignore");
    }

    /**
     * Border band: every voxel that has a voxel of a different class within distance {@code width}
     * becomes ignore. The band is symmetric: it covers both sides of every border between two classes.
     * Borders with ignore voxels or with the image edge are not class borders. Distances are exact
     * Euclidean distances between voxel centres, so a width of 1 voxel removes the face neighbours of
     * the border on each side (a band 2 voxels wide) and a width below 1 removes nothing.
     *
     * @param width    the half width of the band, in voxels or in physical units
     * @param physical whether {@code width} is in the units of the labels' spacing (e.g. mm), which may
     *                 differ per axis; otherwise it is in voxels on every axis
     */
    public static LabelVolume borderBand(LabelVolume labels, LabelSpec spec, double width, boolean physical) {
        if (!(width >= 0) || Double.isInfinite(width)) {
            throw new InvalidInputException("border band width must be a finite number >= 0, got " + width);
        }
        spec.validate(labels);
        int[] in = labels.data();
        int[] size = LabelMasking.intSize(labels);
        double[] spacing = physical ? labels.spacing() : ones(size.length);
        double limit = width * width * (1 + DISTANCE_SLACK);
        boolean[] keep = new boolean[in.length];
        Arrays.fill(keep, true);
        boolean[] feature = new boolean[in.length];
        double[] d2 = new double[in.length];
        for (int c = 0; c < spec.numClasses(); c++) {
            boolean present = false;
            for (int i = 0; i < in.length; i++) {
                feature[i] = in[i] == c;
                present |= feature[i];
            }
            if (!present) {
                continue;
            }
            DistanceTransform.squared(feature, size, spacing, d2);
            for (int i = 0; i < in.length; i++) {
                if (in[i] != c && spec.isClass(in[i]) && d2[i] <= limit) {
                    keep[i] = false;
                }
            }
        }
        return LabelMasking.keepWhere(labels, spec, keep,
                "a border band of width " + width + (physical ? " (physical units)" : " voxels"));
    }

    /**
     * Invalid image voxels: voxels where any channel of the image is NaN or infinite, or holds the
     * out-of-field value, become ignore.
     *
     * @param outOfField            the value a scanner writes outside its field of view (e.g. 0), or
     *                              null to check only NaN and infinity
     * @param outOfFieldAllChannels if true, a voxel is out of field only when every channel holds the
     *                              value (use this when one channel may legitimately be that value);
     *                              otherwise one channel suffices
     */
    public static LabelVolume invalidVoxels(LabelVolume labels, LabelSpec spec, ImageVolume image, Double outOfField,
            boolean outOfFieldAllChannels) {
        spec.validate(labels);
        LabelMasking.checkSameSize(labels, image.spatialSize(), "image '" + image.name() + "'");
        float[] px = image.data();
        int n = Math.toIntExact(labels.voxels());
        int channels = image.channels();
        boolean[] keep = new boolean[n];
        for (int i = 0; i < n; i++) {
            boolean nonFinite = false;
            int outCount = 0;
            for (int c = 0; c < channels; c++) {
                float v = px[c * n + i];
                if (!Float.isFinite(v)) {
                    nonFinite = true;
                } else if (outOfField != null && v == outOfField.floatValue()) {
                    outCount++;
                }
            }
            boolean outside = outOfFieldAllChannels ? outCount == channels : outCount > 0;
            keep[i] = !nonFinite && !outside;
        }
        return LabelMasking.keepWhere(labels, spec, keep, "ignoring invalid image voxels"
                + (outOfField == null ? " (NaN, infinity)" : " (NaN, infinity, value " + outOfField + ")"));
    }

    private static double[] ones(int n) {
        double[] a = new double[n];
        Arrays.fill(a, 1);
        return a;
    }
}
