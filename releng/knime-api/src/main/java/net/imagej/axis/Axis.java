package net.imagej.axis;

/**
 * API surface: marker interface of all axes; the erased return type of {@code AnnotatedSpace.axis(int)}.
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/axis/Axis.java.
 */
public interface Axis {
}
