package org.maskseg.core.annotate;

import org.maskseg.core.InvalidInputException;

/**
 * Settings of simulated scribbles.
 *
 * @param axis             the axis across which 3D volumes are cut into 2D slices (0 = x, 1 = y, 2 = z),
 *                         or -1 for z; ignored for 2D images
 * @param sliceSpacing     scribble every {@code sliceSpacing}-th slice (1 = every slice), centred like
 *                         {@link SparseAnnotation#everyNthSlice}; ignored for 2D images
 * @param thickness        width of the scribble strokes in pixels (a square brush of this side)
 * @param boundaryFraction the part of a region's boundary the boundary scribble follows, in (0, 1]
 */
public record ScribbleOptions(int axis, int sliceSpacing, int thickness, double boundaryFraction) {

    /** Every slice across z, strokes 2 pixels wide, boundary scribbles along a quarter of the boundary. */
    public static final ScribbleOptions DEFAULT = new ScribbleOptions(-1, 1, 2, 0.25);

    public ScribbleOptions {
        if (axis < -1 || axis > 2) {
            throw new InvalidInputException("scribble slice axis must be 0 (x), 1 (y), 2 (z) or -1 (default), got "
                    + axis);
        }
        if (sliceSpacing < 1) {
            throw new InvalidInputException("scribble slice spacing must be at least 1, got " + sliceSpacing);
        }
        if (thickness < 1 || thickness > 64) {
            throw new InvalidInputException("scribble thickness must be between 1 and 64 pixels, got " + thickness);
        }
        if (!(boundaryFraction > 0 && boundaryFraction <= 1)) {
            throw new InvalidInputException("boundary scribble fraction must be in (0, 1], got " + boundaryFraction);
        }
    }

    public ScribbleOptions withAxis(int newAxis) {
        return new ScribbleOptions(newAxis, sliceSpacing, thickness, boundaryFraction);
    }

    public ScribbleOptions withSliceSpacing(int spacing) {
        return new ScribbleOptions(axis, spacing, thickness, boundaryFraction);
    }

    public ScribbleOptions withThickness(int pixels) {
        return new ScribbleOptions(axis, sliceSpacing, pixels, boundaryFraction);
    }

    public ScribbleOptions withBoundaryFraction(double fraction) {
        return new ScribbleOptions(axis, sliceSpacing, thickness, fraction);
    }
}
