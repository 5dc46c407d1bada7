/**
 * Segmentation networks: {@link org.maskseg.core.nn.SegmentationNetwork} (what trainer, predictor and
 * model file use), nnU-Net's U-Nets ({@link org.maskseg.core.nn.UNet}: the plain convolutional
 * {@link org.maskseg.core.nn.PlainConvUNet} and the {@link org.maskseg.core.nn.ResidualEncoderUNet}), the
 * functional layers they are built from ({@link org.maskseg.core.nn.TorchOps}, including exact replacements
 * for the transposed convolution and instance normalisation DJL's PyTorch engine lacks), and autograd
 * helpers ({@link org.maskseg.core.nn.Autograd}).
 */
package org.maskseg.core.nn;
