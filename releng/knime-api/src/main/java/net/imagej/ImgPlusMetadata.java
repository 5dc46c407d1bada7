package net.imagej;

import org.scijava.Named;

import net.imagej.axis.CalibratedAxis;
import net.imagej.space.CalibratedSpace;

/**
 * API surface: the metadata of an {@link ImgPlus} (name, source, calibrated axes, image metadata).
 * <p>
 * Source checked: imagej/imagej-common, tag imagej-common-0.28.2 (commit a4ccf25fff8b02b7d5b1f45fcf39d903de87c292), src/main/java/net/imagej/ImgPlusMetadata.java.
 */
public interface ImgPlusMetadata extends Named, Sourced, CalibratedSpace<CalibratedAxis>, ImageMetadata {
}
