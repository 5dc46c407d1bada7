/**
 * Models trained by nnU-Net v2, imported without Python: {@link org.maskseg.core.nnunet.NnUNetImport} reads a
 * results folder (dataset.json, plans.json, a fold's PyTorch checkpoint) into a MaskSeg model file. The
 * checkpoint's pickle is read by a restricted unpickler that accepts only the Python objects PyTorch and
 * nnU-Net checkpoints use.
 */
package org.maskseg.core.nnunet;
