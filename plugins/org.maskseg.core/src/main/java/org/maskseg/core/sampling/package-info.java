/**
 * Where training patches come from: nnU-Net's patch sampling with forced foreground, centres on
 * annotated voxels when labels have an ignore region, padding as background, and slice-wise sampling
 * for 2D training on 3D volumes.
 */
package org.maskseg.core.sampling;
