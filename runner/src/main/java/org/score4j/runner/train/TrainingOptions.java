package org.score4j.runner.train;

import org.score4j.api.ConfigException;

/**
 * How one invocation of training proceeds, free to change when a run is resumed. Immutable.
 *
 * @param iterations the iteration to train up to (in total, counting those of a resumed checkpoint)
 * @param checkpointEvery write a checkpoint every this many iterations (and always at the end)
 * @param keep how many of the newest checkpoints to keep in the output folder (0: all)
 * @param logEvery write a metrics line (and report progress) every this many iterations
 */
public record TrainingOptions(int iterations, int checkpointEvery, int keep, int logEvery) {
    public static final int DEFAULT_ITERATIONS = 2000;
    public static final int DEFAULT_CHECKPOINT_EVERY = 1000;
    public static final int DEFAULT_KEEP = 3;
    public static final int DEFAULT_LOG_EVERY = 10;

    public TrainingOptions {
        if (iterations <= 0) {
            throw new ConfigException("iterations must be a positive integer, got " + iterations);
        }
        if (checkpointEvery <= 0) {
            throw new ConfigException("checkpoint interval must be a positive integer, got " + checkpointEvery);
        }
        if (keep < 0) {
            throw new ConfigException("checkpoints to keep must be an integer >= 0 (0 keeps all), got " + keep);
        }
        if (logEvery <= 0) {
            throw new ConfigException("log interval must be a positive integer, got " + logEvery);
        }
    }

    /** 2000 iterations, a checkpoint every 1000, the newest 3 kept, a metrics line every 10. */
    public static TrainingOptions defaults() {
        return new TrainingOptions(DEFAULT_ITERATIONS, DEFAULT_CHECKPOINT_EVERY, DEFAULT_KEEP, DEFAULT_LOG_EVERY);
    }

    public TrainingOptions withIterations(int v) {
        return new TrainingOptions(v, checkpointEvery, keep, logEvery);
    }

    public TrainingOptions withCheckpointEvery(int v) {
        return new TrainingOptions(iterations, v, keep, logEvery);
    }

    public TrainingOptions withKeep(int v) {
        return new TrainingOptions(iterations, checkpointEvery, v, logEvery);
    }

    public TrainingOptions withLogEvery(int v) {
        return new TrainingOptions(iterations, checkpointEvery, keep, v);
    }
}
