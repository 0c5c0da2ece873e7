package org.score4j.runner.train;

import java.nio.file.Path;

/**
 * A progress report of a training run, given to the listener every {@code logEvery} iterations and after
 * each checkpoint. Scalars only.
 *
 * @param iteration the iterations done
 * @param iterations the iteration the run trains up to
 * @param loss the mean loss over the iterations since the previous report
 * @param learningRate the learning rate of the last iteration
 * @param gradNorm the global gradient norm of the last iteration (before clipping)
 * @param elapsedSeconds training time of the run, including that before a resume
 * @param iterationsPerSecond the rate since this invocation started
 * @param checkpoint the checkpoint just written, or {@code null}
 */
public record TrainingProgress(int iteration, int iterations, double loss, double learningRate, double gradNorm,
        double elapsedSeconds, double iterationsPerSecond, Path checkpoint) {}
