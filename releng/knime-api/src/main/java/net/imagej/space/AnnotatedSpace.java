package net.imagej.space;

import net.imagej.axis.Axis;
import net.imglib2.EuclideanSpace;

/**
 * API surface: a space with one axis object per dimension. Because {@code axis(int)} returns the type variable
 * {@code A extends Axis}, its erased descriptor returns {@link Axis} in every subtype, {@code ImgPlus} included.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/space/AnnotatedSpace.java.
 */
public interface AnnotatedSpace<A extends Axis> extends EuclideanSpace {

    A axis(int d);

    void axes(A[] axes);

    void setAxis(A axis, int d);
}
