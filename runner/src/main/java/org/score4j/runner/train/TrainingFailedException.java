package org.score4j.runner.train;

import org.score4j.runner.engine.RunFailedException;

/**
 * Training stopped: the loss or the gradient became NaN or infinite, or a plugin threw. Its message names the
 * iteration and the last good checkpoint; no checkpoint is written after the failure. The command line exits
 * with code 1, as for a failed sampling run.
 */
public class TrainingFailedException extends RunFailedException {
    private static final long serialVersionUID = 1L;

    public TrainingFailedException(String message, int iteration, Throwable cause) {
        super(message, 0, iteration, cause);
    }

    /** The iteration that failed (1-based). */
    public int iteration() {
        return step();
    }
}
