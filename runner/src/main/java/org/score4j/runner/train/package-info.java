/**
 * Training of score networks by denoising score matching ({@code score4j train}): the loop
 * ({@link org.score4j.runner.train.Trainer}), its losses, Adam and the exponential moving average of the
 * weights, and checkpoints ({@link org.score4j.runner.train.Checkpoint}) written atomically with a manifest
 * and checksums. Free of Guice, Vert.x and picocli, like the run loop.
 */
package org.score4j.runner.train;
