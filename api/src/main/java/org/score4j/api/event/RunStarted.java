package org.score4j.api.event;

import java.util.Map;

/**
 * A run began.
 *
 * @param n the number of samples
 * @param batches how many batches the samples are computed in
 * @param steps the planned steps per batch, {@code -1} for an adaptive solver
 * @param pipeline a description of the pipeline (plugin names and configs; scalars and strings only)
 */
public record RunStarted(String runId, int n, int batches, int steps, Map<String, Object> pipeline)
        implements RunEvent {
    public RunStarted {
        pipeline = Map.copyOf(pipeline);
    }

    @Override
    public String type() {
        return "started";
    }
}
