/**
 * Benchmarks. Each class has a main method, prints its measurements and a ratio against a reference
 * measured in the same run, and is started with {@code bench/run.sh ClassName}.
 */
package org.maskseg.bench;
