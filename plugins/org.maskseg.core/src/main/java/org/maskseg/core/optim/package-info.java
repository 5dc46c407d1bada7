/**
 * Optimisation: Nesterov SGD with weight decay ({@link org.maskseg.core.optim.NesterovSgd}), gradient-norm
 * clipping ({@link org.maskseg.core.optim.Gradients}), the poly learning-rate schedule
 * ({@link org.maskseg.core.optim.PolyLearningRate}) and the memory-safe training and validation step
 * that combines network, loss and optimiser ({@link org.maskseg.core.optim.TrainingStep}).
 */
package org.maskseg.core.optim;
