package org.score4j.runner.train;

import java.nio.file.Path;

/**
 * A finished training run.
 *
 * @param checkpoint the final checkpoint folder
 * @param iteration the iterations done in total
 * @param iterationsRun the iterations this invocation ran
 * @param loss the mean loss over the last reporting window
 * @param seconds wall time of this invocation's iterations (checkpoints included)
 */
public record TrainingResult(Path checkpoint, int iteration, int iterationsRun, double loss, double seconds) {
    /** Iterations per second of this invocation. */
    public double iterationsPerSecond() {
        return seconds > 0 ? iterationsRun / seconds : 0;
    }
}
