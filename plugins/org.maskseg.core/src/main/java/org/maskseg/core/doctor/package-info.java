/** A report of the compute set-up: Java, DJL, libtorch and its flavour, CUDA, GPUs, threads, one timed step. */
package org.maskseg.core.doctor;
