/**
 * Choosing the best configuration, as nnU-Net's {@code find_best_configuration}: cross-validated configurations and
 * every pair of them ensembled are compared on the pooled mean foreground Dice of their validation predictions.
 */
package org.maskseg.core.choose;
