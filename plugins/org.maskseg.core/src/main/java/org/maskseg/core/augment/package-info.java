/**
 * Training-time data augmentation with nnU-Net's default transforms and probabilities: a spatial
 * transform (rotation, scaling) that also extracts the patch, intensity transforms (noise, blur,
 * brightness, contrast, low resolution, gamma) and mirroring. Labels are only ever moved, never
 * interpolated, so the ignore value survives.
 */
package org.maskseg.core.augment;
