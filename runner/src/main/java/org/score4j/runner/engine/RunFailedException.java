package org.score4j.runner.engine;

import org.score4j.api.Score4jException;

/** A run stopped: a plugin threw, the state became NaN/Inf, or the run was cancelled. */
public class RunFailedException extends Score4jException {
    private static final long serialVersionUID = 1L;
    private final int batch;
    private final int step;

    public RunFailedException(String message, int batch, int step, Throwable cause) {
        super(message, cause);
        this.batch = batch;
        this.step = step;
    }

    /** The batch that failed (0-based). */
    public int batch() {
        return batch;
    }

    /** The step that failed (1-based), 0 before the first step. */
    public int step() {
        return step;
    }
}
