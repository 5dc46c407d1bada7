/**
 * Segmentation networks: {@link org.maskseg.core.nn.SegmentationNetwork} (what trainer, predictor and
 * model file use), nnU-Net's plain convolutional U-Net ({@link org.maskseg.core.nn.PlainConvUNet}), the
 * functional layers it is built from ({@link org.maskseg.core.nn.TorchOps}, including exact replacements
 * for the transposed convolution and instance normalisation DJL's PyTorch engine lacks), and autograd
 * helpers ({@link org.maskseg.core.nn.Autograd}).
 */
package org.maskseg.core.nn;
