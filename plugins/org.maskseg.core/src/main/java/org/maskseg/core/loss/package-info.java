/**
 * The masked training loss: cross-entropy plus soft Dice computed on annotated voxels only
 * ({@link org.maskseg.core.loss.MaskedDiceCeLoss}), its deep-supervision weighting
 * ({@link org.maskseg.core.loss.DeepSupervisionLoss}) and the nearest-neighbour label downsampling that
 * keeps ignore voxels ignored at every scale ({@link org.maskseg.core.loss.LabelDownsampling}).
 */
package org.maskseg.core.loss;
